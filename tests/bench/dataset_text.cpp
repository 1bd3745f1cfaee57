#include "tests/bench/dataset_text.h"

#include <array>
#include <cmath>

namespace bzjira::bench {

namespace {

// Sentences are stitched from these fragments: the text must look like the real thing to the
// parsers (Markdown headings, lists, links) without copying any real bug.
constexpr std::array k_subjects = {
    "The affected certificates",    "Our issuing CA",          "The OCSP responder",
    "The CRL for the intermediate", "The linting pipeline",    "Our validation team",
    "The CPS section 4.9.1",        "The precertificate flow", "The certificate profile",
    "The revocation job",           "Our audit firm",          "The root key ceremony"};
constexpr std::array k_verbs = {
    "was updated to reject", "did not detect",       "now checks", "will be reviewed against",
    "failed to revoke",      "has been patched for", "reported",   "was extended with",
    "re-validated"};
constexpr std::array k_objects = {
    "the countryName attribute",          "certificates with a validity above 398 days",
    "the organizationName mismatch",      "the 24-hour revocation window",
    "the subject alternative names",      "the deprecated policy OID",
    "the misencoded serial numbers",      "the affected subscriber orders",
    "the CA/Browser Forum ballot SC-081", "the weak-key blocklist"};
constexpr std::array k_questions = {
    "Can you explain why this was not caught by pre-issuance linting?",
    "When will the remaining certificates be revoked?",
    "Please provide the full list of affected serial numbers.",
    "What changes are you making to prevent a recurrence?",
    "Could you clarify the timeline between detection and the first report?",
    "Has the audit firm been informed, and when?",
    "Why was the revocation delayed beyond the Baseline Requirements deadline?"};
constexpr std::array k_headings = {"## Incident Report Update",
                                   "### Action Items",
                                   "### Root Cause Analysis",
                                   "### Timeline",
                                   "### Impact",
                                   "## Preliminary Incident Report"};

template <typename Array>
const char* pick(std::mt19937_64& rng, const Array& items) {
  return items[std::uniform_int_distribution<std::size_t>(0, items.size() - 1)(rng)];
}

std::string sentence(std::mt19937_64& rng) {
  return std::string(pick(rng, k_subjects)) + " " + pick(rng, k_verbs) + " " +
         pick(rng, k_objects) + ". ";
}

}  // namespace

std::size_t comment_length(std::mt19937_64& rng) {
  const double low = std::log(200.0);
  const double high = std::log(3000.0);
  return static_cast<std::size_t>(std::exp(std::uniform_real_distribution<double>(low, high)(rng)));
}

std::string comment_text(std::mt19937_64& rng, TextKind kind, std::size_t length) {
  std::string text;
  switch (kind) {
    case TextKind::report:
      text =
          "## Preliminary Incident Report\n\n### Summary\n\n- **CA Owner CCADB unique ID:** "
          "A00" +
          std::to_string(std::uniform_int_distribution<int>(1000, 9999)(rng)) + "\n\n";
      break;
    case TextKind::ca_update:
      text = std::string(pick(rng, k_headings)) + "\n\n";
      break;
    case TextKind::question:
      text = std::string(pick(rng, k_questions)) + "\n\n";
      break;
    case TextKind::community:
      text = "I looked at crt.sh for this CA. ";
      break;
    case TextKind::bot:
      // Bots post short fixed notices whatever length was drawn.
      return "Bug " + std::to_string(std::uniform_int_distribution<int>(1000000, 9999999)(rng)) +
             " has been marked as a duplicate of this bug. (automated message)";
  }
  int in_paragraph = 0;
  while (text.size() < length) {
    if (kind == TextKind::ca_update && in_paragraph == 4) {
      text += "\n\n- " + sentence(rng) + "\n- " + sentence(rng) + "\n\n";
      in_paragraph = 0;
      continue;
    }
    text += sentence(rng);
    if (++in_paragraph == 5) {
      text += "\n\n";
      in_paragraph = 0;
    }
  }
  if (kind == TextKind::question || kind == TextKind::community) {
    text += "\n\n" + std::string(pick(rng, k_questions));
  }
  return text;
}

}  // namespace bzjira::bench
