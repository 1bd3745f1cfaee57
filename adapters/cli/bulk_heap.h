// The heap of a command that reads a whole Bugzilla history at once (audit, status, snapshot: a
// 58 MB dataset becomes about 60 MB of records in a burst of 100,000 allocations). glibc's heap
// grows by 4 KiB pages, and on a virtual machine a first touch of each page costs more than
// parsing what goes into it; this asks for transparent huge pages instead (issue 14,
// docs/bench-history.md).
#pragma once

#include <cstddef>

namespace bzjira::adapters::cli {

// How much heap is set aside, in address space only: pages are only backed once used.
inline constexpr std::size_t k_bulk_heap_bytes = std::size_t{1} << 30;

// Grows glibc's main heap by `bytes` of address space advised for transparent huge pages, keeps
// allocations up to 32 MiB in it (not in mappings of their own), keeps freed memory for reuse
// instead of giving it back (also against the readers' own trims: http::set_release_free_memory),
// and makes every thread allocate from it (the HTTP threads that receive the answers too). Call
// from the main thread before the reading starts. Advice only: where huge pages are off, or the
// heap cannot grow, everything works as before, only slower.
void prepare_bulk_heap(std::size_t bytes = k_bulk_heap_bytes);

}  // namespace bzjira::adapters::cli
