// Comment text for the benchmark's datasets: Markdown of the shape CA incident bugs carry (reports,
// updates, questions), of a requested length. Only for tests/bench/dataset.cpp.
#pragma once

#include <cstddef>
#include <random>
#include <string>

namespace bzjira::bench {

enum class TextKind { report, ca_update, question, community, bot };

// About `length` characters (within a sentence of it), ASCII, never containing the closure
// template's headings ("Report Closure Summary") or a "Next update" request.
std::string comment_text(std::mt19937_64& rng, TextKind kind, std::size_t length);

// A length drawn from 200..3,000 characters, log-uniform (many short comments, some long reports).
std::size_t comment_length(std::mt19937_64& rng);

}  // namespace bzjira::bench
