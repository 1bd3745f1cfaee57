// How cost grows with the dataset, drawn by the benchmark (--svg): median CPU seconds and peak
// memory of each scenario against the number of comments, both axes logarithmic, so a straight
// line of slope 1 is linear growth and a flat line is a cost independent of history.
#pragma once

#include <string>
#include <vector>

#include "tests/bench/report.h"

namespace bzjira::bench {

// A standalone SVG document (no scripts, no external references). Sizes are placed by their
// comment count; a scenario missing from a size is left out of that point.
std::string cost_growth_svg(const std::vector<SizeResult>& sizes);

}  // namespace bzjira::bench
