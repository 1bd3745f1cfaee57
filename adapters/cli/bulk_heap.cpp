#include "adapters/cli/bulk_heap.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>

#include "adapters/http/http_client.h"

namespace bzjira::adapters::cli {

namespace {

constexpr std::uintptr_t k_huge_page = std::uintptr_t{2} << 20;
// glibc's largest M_MMAP_THRESHOLD on 64-bit systems.
constexpr int k_mmap_threshold = 32 << 20;

}  // namespace

void prepare_bulk_heap(std::size_t bytes) {
  // Setting these turns glibc's own tuning of them off for the rest of the run.
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, k_mmap_threshold);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
  // Kept means kept: the readers' explicit trims after each wave and batch would give the pages
  // of one answer back only for the next answer to fault them in again.
  http::set_release_free_memory(false);
  // One allocation larger than any free space makes glibc move the heap's end once, by `bytes`
  // more than it needs; that stretch is then advised.
  mallopt(M_TOP_PAD, static_cast<int>(std::min<std::size_t>(bytes, INT_MAX)));
  const auto before = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  void* volatile probe = std::malloc(k_mmap_threshold / 2);
  std::free(probe);
  const auto after = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  mallopt(M_TOP_PAD, 128 << 10);  // glibc's default again
  const std::uintptr_t from = (before + k_huge_page - 1) / k_huge_page * k_huge_page;
  const std::uintptr_t to = after / k_huge_page * k_huge_page;
  if (to > from) {
    // NOLINTNEXTLINE(performance-no-int-to-ptr): a page-aligned range of our own mapping
    ::madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
  }
}

}  // namespace bzjira::adapters::cli
