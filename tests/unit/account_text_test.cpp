// What a comment's text says about its author (sync/account_text.h), on texts written the way
// CAs, root-program staff, community members and bots write on bugzilla.mozilla.org.
#include <catch2/catch.hpp>

#include "sync/account_text.h"

using namespace bzjira::sync;

TEST_CASE("a preliminary report in the IRG template is an incident report", "[core][init]") {
  const std::string text =
      "## Preliminary Incident Report\n\n### Summary\n\n- **CA Owner CCADB unique ID:** A009042\n"
      "- **Incident description:** Between 2026-07-29 and 2026-08-01 ...\n";
  CHECK(template_headings(text) ==
        std::vector<std::string>{"preliminary incident report", "summary"});
  CHECK(is_incident_report(text));
}

TEST_CASE("two template sections make a report even without a title", "[core][init]") {
  const std::string text =
      "**Impact**\n312 precertificates.\n\n**Root Cause Analysis:**\nA refactoring dropped a "
      "join.\n";
  CHECK(template_headings(text) == std::vector<std::string>{"impact", "root cause analysis"});
  CHECK(is_incident_report(text));
  CHECK(is_incident_report("Timeline:\n- 08:40 deployed\n\nAction Items:\n| a | b |\n"));
}

TEST_CASE("one section heading alone is not a report", "[core][init]") {
  CHECK_FALSE(is_incident_report("### Summary\n\nWe agree with comment 4."));
  CHECK_FALSE(is_incident_report("What is the root cause analysis here? And the impact?"));
}

TEST_CASE("quoted or fenced template headings are not the author's report", "[core][init]") {
  const std::string quoted =
      "> ## Full Incident Report\n> ### Impact\n> ### Timeline\n\nYour timeline omits the "
      "detection date.";
  CHECK(template_headings(quoted).empty());
  CHECK_FALSE(is_incident_report(quoted));
  const std::string fenced =
      "Please use the template:\n```\n## Incident Report\n### Summary\n### Impact\n```\n";
  CHECK_FALSE(is_incident_report(fenced));
}

TEST_CASE("bold words inside a sentence are no heading", "[core][init]") {
  CHECK_FALSE(is_incident_report("**Impact** and **Timeline** are missing from comment 0."));
  CHECK_FALSE(is_incident_report("#Impact\n#Timeline\n"));  // no space after '#': not a heading
}

TEST_CASE("a report closure summary is an incident report", "[core][init]") {
  CHECK(is_incident_report(
      "### Report Closure Summary\n\n- **Incident description:** ...\n\nAll Action Items ..."));
}

TEST_CASE("status updates are recognised by their heading", "[core][init]") {
  CHECK(is_status_update("## Status Update\n\n842 of 1,204 certificates are revoked."));
  CHECK(is_status_update("**Weekly update:**\nNothing new."));
  CHECK_FALSE(is_status_update("Please post a status update by Friday."));
}

TEST_CASE("a signature naming the CA is found among the last lines", "[core][init]") {
  CHECK(signed_with("Responding to comment 4: the probe covers all CAs.\n\nJane Doe\nExample CA",
                    "Example CA"));
  CHECK(signed_with("We will post an update on 2026-11-20.\n\n-- The example ca compliance team",
                    "Example CA"));
  CHECK(signed_with("Done.\n\nBest regards,\nJane Doe | Compliance Officer | Example CA\n\n",
                    "Example CA"));
}

TEST_CASE("thanks, questions and the first line are not signatures", "[core][init]") {
  CHECK_FALSE(signed_with("Example CA\n\nPlease clarify the timeline.", "Example CA"));
  CHECK_FALSE(signed_with("Good report.\n\nThanks, Example CA.", "Example CA"));
  CHECK_FALSE(signed_with("Looks fine.\nDoes Example CA issue EV certificates?", "Example CA"));
  CHECK_FALSE(signed_with("One line only, Example CA", "Example CA"));
  CHECK_FALSE(signed_with("Items:\n- Example CA will rotate the key\n- done", "Example CA"));
  // A sentence that names the CA at the end of a reviewer's comment is no signature.
  CHECK_FALSE(
      signed_with("Why did monitoring miss it?\nExample CA said the same in 2025.", "Example CA"));
  CHECK_FALSE(signed_with("Noted.\nMy questions for the team at Example CA and its auditors today",
                          "Example CA"));
}

TEST_CASE("the CA's name inside a longer word is not the CA", "[core][init]") {
  CHECK_FALSE(signed_with("Noted.\n\nJohn Roe, Example CAB Forum liaison", "Example CA"));
  CHECK_FALSE(signed_with("Noted.\n\nJohn Roe, Counterexample CA", "Example CA"));
}

TEST_CASE("a comment that opens by naming the CA addresses it", "[core][init]") {
  CHECK(addresses("Example CA,\n\nPlease clarify how the probe selects serials.", "Example CA"));
  CHECK(addresses("Hi Example CA team,\nwhen is the next update?", "example ca"));
  CHECK(addresses("Dear Example CA:\n...", "Example CA"));
  CHECK(addresses("Example CA, please post a preliminary report within 72 hours.", "Example CA"));
  CHECK_FALSE(addresses("Example CA has revoked all certificates.", "Example CA"));
  CHECK_FALSE(addresses("Kenji, which release introduced it?", "Example CA"));
  CHECK_FALSE(addresses("Hi all,\nExample CA, please answer.", "Example CA"));
  CHECK_FALSE(addresses("", "Example CA"));
}

TEST_CASE("automated messages say so", "[core][init]") {
  CHECK(says_automated("This bug has a pending needinfo request. (This is an automated message.)"));
  CHECK(says_automated("Automatically generated reminder."));
  CHECK_FALSE(says_automated("We automated the check in action item 2."));
}
