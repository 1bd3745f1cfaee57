#include "adapters/report/page.h"

#include <openssl/evp.h>

#include "adapters/report/html_text.h"

namespace bzjira::adapters::report {

std::string csp_hash(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    // Only if OpenSSL is broken; the page then has no usable style, which the browser test sees.
    return "sha256-";
  }
  unsigned char encoded[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(encoded, digest, static_cast<int>(length));
  return "sha256-" +
         std::string(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(n));
}

std::string content_security_policy(std::string_view css) {
  return "default-src 'none'; script-src 'none'; style-src '" + csp_hash(css) +
         "'; img-src 'none'; font-src 'none'; connect-src 'none'; object-src 'none'; "
         "frame-src 'none'; base-uri 'none'; form-action 'none'";
}

void append_page_start(std::string& out, const PageHead& head) {
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // First in <head>, before anything that could load: the policy applies from here on.
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"";
  append_escaped(out, content_security_policy(head.css));
  out += "\">\n<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"color-scheme\" content=\"light\">\n<meta name=\"generator\" content=\"";
  append_escaped(out, head.generator);
  out += "\">\n";
  if (head.refresh_seconds > 0) {
    out +=
        "<meta http-equiv=\"refresh\" content=\"" + std::to_string(head.refresh_seconds) + "\">\n";
  }
  out += "<title>";
  append_escaped(out, head.title);
  out += "</title>\n<style>";
  out += head.css;
  out += "</style>\n</head>\n<body>\n";
}

void append_page_end(std::string& out) { out += "</body>\n</html>\n"; }

}  // namespace bzjira::adapters::report
