// The summary's pictures: the per-month chart of missed deadlines across all bugs, the legend of
// the timelines, and the patterns both use (defined once per page).
#pragma once

#include <string>
#include <vector>

#include "adapters/report/figures.h"

namespace bzjira::adapters::report {

// A zero-size <svg> with the hatch patterns (#hatch-missed, #hatch-overdue) the style sheet
// fills late parts with; first in <body>.
void append_pattern_defs(std::string& out);

// Bars per month: the missed deadlines (lapses) whose first missed deadline fell in it (UTC),
// closed hatched and still open cross-hatched, their count above, and under the month how many
// windows were late of those due with a known outcome.
void append_month_chart(std::string& out, const std::vector<MonthFigure>& months);

// What each colour, outline, pattern and mark of a timeline means: a list, each item with a
// swatch drawn with the timelines' own classes.
void append_legend(std::string& out);

}  // namespace bzjira::adapters::report
