// The frame both HTML pages share: one self-contained file with no script and nothing fetched.
// Its Content-Security-Policy meta allows nothing but the page's own style sheet, named by its
// SHA-256, so even text that escaped its escaping could neither run nor load nor restyle anything.
#pragma once

#include <string>
#include <string_view>

namespace bzjira::adapters::report {

struct PageHead {
  std::string title;        // plain text (escaped here)
  std::string generator;    // "bzjira 0.1.0"
  std::string css;          // the whole style sheet, inlined
  int refresh_seconds = 0;  // > 0: <meta http-equiv="refresh">, for a wall screen; no script
};

// "sha256-<base64>" of `text`'s bytes: a CSP source for an inline <style> element.
std::string csp_hash(std::string_view text);

// The Content-Security-Policy value for a page whose only resource is an inline style sheet
// with this hash: default-src 'none' (no script, font, image, frame or connection of any kind).
std::string content_security_policy(std::string_view css);

// <!DOCTYPE html> up to and including <body>.
void append_page_start(std::string& out, const PageHead& head);
// </body></html> and a final newline.
void append_page_end(std::string& out);

// The style sheets (adapters/report/report_css.cpp): shared base, audit report, status page.
std::string audit_css();
std::string status_css();

}  // namespace bzjira::adapters::report
