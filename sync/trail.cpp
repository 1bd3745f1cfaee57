#include "sync/trail.h"

#include <cctype>

namespace bzjira::sync {
namespace {

constexpr std::size_t k_fingerprint_chars = 64;

std::string link_id(const PendingLink& l) { return l.obligation_key + " " + l.link.global_id; }

}  // namespace

Status Trail::load() {
  m_comments.clear();
  m_links.clear();
  auto comments = m_store.pending_comments();
  if (!comments) {
    return comments.error();
  }
  for (PendingComment& c : *comments) {
    std::string step = c.step;
    m_comments[std::move(step)] = std::move(c);
  }
  auto links = m_store.pending_links();
  if (!links) {
    return links.error();
  }
  for (PendingLink& l : *links) {
    if (!l.obligation_key.empty() && !l.link.global_id.empty()) {
      std::string id = link_id(l);
      m_links[std::move(id)] = std::move(l);
    }
  }
  return ok_status();
}

std::optional<PendingComment> Trail::pending_comment(const std::string& step) const {
  auto it = m_comments.find(step);
  if (it == m_comments.end()) {
    return std::nullopt;
  }
  return it->second;
}

Status Trail::begin_comment(const std::string& step, const RichText& body, Instant at) {
  auto it = m_comments.find(step);
  if (it != m_comments.end()) {
    return ok_status();  // keep the earliest time: the check must look back to the first attempt
  }
  PendingComment mark{step, comment_fingerprint(body), at};
  m_comments[step] = mark;
  return m_store.put_pending_comment(mark);
}

Status Trail::end_comment(const std::string& step) {
  if (m_comments.erase(step) == 0) {
    return ok_status();
  }
  return m_store.remove_pending_comments({step});
}

Status Trail::forget_comments_except(const std::set<std::string>& keep) {
  std::vector<std::string> erased;
  for (auto it = m_comments.begin(); it != m_comments.end();) {
    if (keep.count(it->first) == 0) {
      erased.push_back(it->first);
      it = m_comments.erase(it);
    } else {
      ++it;
    }
  }
  return erased.empty() ? ok_status() : m_store.remove_pending_comments(erased);
}

std::vector<PendingLink> Trail::pending_links() const {
  std::vector<PendingLink> out;
  out.reserve(m_links.size());
  for (const auto& [id, l] : m_links) {
    out.push_back(l);
  }
  return out;
}

Status Trail::begin_links(const std::vector<PendingLink>& links) {
  if (links.empty()) {
    return ok_status();
  }
  for (const PendingLink& l : links) {
    m_links[link_id(l)] = l;
  }
  return m_store.put_pending_links(links);
}

Status Trail::end_links(const std::vector<PendingLink>& links) {
  std::vector<PendingLink> erased;
  for (const PendingLink& l : links) {
    if (m_links.erase(link_id(l)) != 0) {
      erased.push_back(l);
    }
  }
  return erased.empty() ? ok_status() : m_store.remove_pending_links(erased);
}

std::string text_fingerprint(const std::string& plain_text) {
  std::string out;
  for (char c : plain_text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) {
      out += static_cast<char>(std::tolower(u));
      if (out.size() == k_fingerprint_chars) {
        break;
      }
    }
  }
  return out;
}

std::string comment_fingerprint(const RichText& body) {
  // The first block's text up to its first link only: a link's target comes back inside the text
  // on Data Center ("[text|url]" in wiki) but not from ADF.
  std::string text;
  for (const Block& block : body) {
    for (const Span& span : block.spans) {
      text += span.text;
      if (!span.href.empty()) {
        break;
      }
    }
    if (!text.empty()) {
      break;
    }
  }
  return text_fingerprint(text);
}

Result<bool> comment_landed(IssueTracker& tracker, const std::string& issue_key,
                            const std::string& fingerprint, Instant since) {
  if (fingerprint.empty()) {
    return false;
  }
  auto comments = tracker.comments_since(issue_key, since);
  if (!comments) {
    return comments.error();
  }
  for (const IssueComment& c : *comments) {
    // All of the comment's letters and digits, not only its first 64: the fingerprint may start
    // after text Jira added in front (none today; cheap to allow).
    std::string all;
    for (char ch : c.body) {
      const auto u = static_cast<unsigned char>(ch);
      if (std::isalnum(u) != 0) {
        all += static_cast<char>(std::tolower(u));
      }
    }
    if (all.find(fingerprint) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace bzjira::sync
