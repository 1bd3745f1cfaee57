#include "sync/trail.h"

#include <cctype>

namespace bzjira::sync {
namespace {

constexpr std::size_t k_fingerprint_chars = 64;

// Fields are joined by tabs, marks by newlines: both (and the escape itself) are escaped.
std::string escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\t') {
      fields.emplace_back();
    } else if (c == '\\' && i + 1 < line.size()) {
      const char n = line[++i];
      fields.back() += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::optional<long long> to_number(const std::string& s) {
  if (s.empty() || s.size() > 18) {
    return std::nullopt;
  }
  long long v = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      return std::nullopt;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::string link_id(const PendingLink& l) { return l.obligation_key + " " + l.link.global_id; }

}  // namespace

Status Trail::load() {
  m_comments.clear();
  m_links.clear();
  auto value = m_store.get_meta(k_trail_meta_key);
  if (!value) {
    return value.error();
  }
  if (!*value) {
    return ok_status();
  }
  const std::string& text = **value;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    const std::vector<std::string> f = split_fields(text.substr(start, end - start));
    start = end + 1;
    if (f.size() == 4 && f[0] == "c") {
      if (const auto epoch = to_number(f[2])) {
        m_comments[f[1]] = PendingComment{f[1], f[3], Instant{Seconds{*epoch}}};
      }
    } else if (f.size() == 7 && f[0] == "l" && !f[1].empty() && !f[2].empty()) {
      PendingLink l{f[1], RemoteLink{f[2], f[3], f[4], f[5], f[6] == "1"}};
      m_links[link_id(l)] = std::move(l);
    }
  }
  return ok_status();
}

Status Trail::save() {
  std::string text;
  for (const auto& [step, c] : m_comments) {
    text += "c\t" + escape(c.step) + "\t" + std::to_string(c.at.time_since_epoch().count()) + "\t" +
            escape(c.fingerprint) + "\n";
  }
  for (const auto& [id, l] : m_links) {
    text += "l\t" + escape(l.obligation_key) + "\t" + escape(l.link.global_id) + "\t" +
            escape(l.link.url) + "\t" + escape(l.link.title) + "\t" + escape(l.link.summary) +
            "\t" + (l.link.resolved ? "1" : "0") + "\n";
  }
  return m_store.set_meta(k_trail_meta_key, text);
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
  m_comments[step] = PendingComment{step, comment_fingerprint(body), at};
  return save();
}

Status Trail::end_comment(const std::string& step) {
  if (m_comments.erase(step) == 0) {
    return ok_status();
  }
  return save();
}

Status Trail::forget_comments_except(const std::set<std::string>& keep) {
  std::size_t erased = 0;
  for (auto it = m_comments.begin(); it != m_comments.end();) {
    if (keep.count(it->first) == 0) {
      it = m_comments.erase(it);
      ++erased;
    } else {
      ++it;
    }
  }
  return erased == 0 ? ok_status() : save();
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
  return save();
}

Status Trail::end_links(const std::vector<PendingLink>& links) {
  std::size_t erased = 0;
  for (const PendingLink& l : links) {
    erased += m_links.erase(link_id(l));
  }
  return erased == 0 ? ok_status() : save();
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
