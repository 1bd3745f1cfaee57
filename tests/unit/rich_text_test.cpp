// Plain-text rendering of structured text (sync/rich_text.h).
#include <catch2/catch.hpp>

#include "sync/rich_text.h"

using namespace bzjira::sync;

TEST_CASE("Plain text separates blocks by blank lines and shows links with their URL", "[core]") {
  RichText doc;
  doc.push_back(paragraph("Reply due."));
  doc.push_back(
      Block{BlockKind::paragraph,
            {Span{"See ", {}}, Span{"bug 42", "https://bugzilla.mozilla.org/show_bug.cgi?id=42"},
             Span{" and ", {}}, Span{"https://example.org/x", "https://example.org/x"}}});
  doc.push_back(Block{BlockKind::quote, {Span{"first line\nsecond line", {}}}});
  CHECK(to_plain_text(doc) ==
        "Reply due.\n\n"
        "See bug 42 <https://bugzilla.mozilla.org/show_bug.cgi?id=42> and https://example.org/x\n\n"
        "> first line\n> second line");
  CHECK(to_plain_text({}).empty());
}
