#include "adapters/report/summary_svg.h"

#include <algorithm>
#include <array>

#include "adapters/report/html_text.h"

namespace bzjira::adapters::report {

namespace {

constexpr std::array k_month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string month_label(std::chrono::year_month ym) {
  return std::string(k_month_names[static_cast<unsigned>(ym.month()) - 1]) + " " +
         std::to_string(static_cast<int>(ym.year()));
}

std::string month_id(std::chrono::year_month ym) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ym.year()),
                static_cast<unsigned>(ym.month()));
  return buf;
}

void rect(std::string& out, const char* cls, double x, double y, double w, double h) {
  out += "<rect class=\"";
  out += cls;
  out += "\" x=\"";
  append_number(out, x);
  out += "\" y=\"";
  append_number(out, y);
  out += "\" width=\"";
  append_number(out, w);
  out += "\" height=\"";
  append_number(out, h);
  out += "\"/>";
}

void text(std::string& out, const char* cls, double x, double y, const std::string& content) {
  out += "<text class=\"";
  out += cls;
  out += "\" x=\"";
  append_number(out, x);
  out += "\" y=\"";
  append_number(out, y);
  out += "\">";
  append_escaped(out, content);
  out += "</text>";
}

}  // namespace

void append_pattern_defs(std::string& out) {
  out +=
      "<svg class=\"defs\" aria-hidden=\"true\" focusable=\"false\"><defs>"
      "<pattern id=\"hatch-missed\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" fill=\"#ffebe9\"/>"
      "<path d=\"M0 0v5\" stroke=\"#cf222e\" stroke-width=\"2.4\"/></pattern>"
      "<pattern id=\"hatch-overdue\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" fill=\"#ffcecb\"/>"
      "<path d=\"M0 0v5M0 0h5\" stroke=\"#82071e\" stroke-width=\"2\"/></pattern>"
      "</defs></svg>\n";
}

void append_month_chart(std::string& out, const std::vector<MonthFigure>& months) {
  int total = 0;
  int peak = 1;  // the most lapses in one month: the chart's full height
  for (const MonthFigure& m : months) {
    total += m.lapses_closed + m.lapses_open;
    peak = std::max(peak, m.lapses_closed + m.lapses_open);
  }
  const double left = 40, right = 986, base = 92, top = 20;
  const double slot = months.empty() ? 0 : (right - left) / static_cast<double>(months.size());
  const double bar = std::min(slot * 0.6, 44.0);
  out +=
      "<svg class=\"mc\" viewBox=\"0 0 1000 122\" role=\"graphics-document\" "
      "aria-labelledby=\"mc-t\" aria-describedby=\"mc-d\"><title id=\"mc-t\">Missed deadlines "
      "per month</title><desc id=\"mc-d\">";
  std::string desc = months.empty() ? "No deadline with a known outcome in this audit."
                                    : std::to_string(total) + " missed deadlines (lapses) from " +
                                          month_label(months.front().month) + " to " +
                                          month_label(months.back().month) + ":";
  for (const MonthFigure& m : months) {
    desc += " " + month_label(m.month) + " " + std::to_string(m.lapses_closed + m.lapses_open) +
            " (" + std::to_string(m.late) + " of " + std::to_string(m.due) + " windows late);";
  }
  append_escaped(out, desc);
  out += "</desc><path class=\"grid\" d=\"M40 92H986M40 20H986\"/>";
  text(out, "ax", 4, 24, std::to_string(peak));
  text(out, "ax", 4, 95, "0");
  const std::size_t label_every = slot >= 50 ? 1 : slot >= 17 ? 3 : 12;
  const double unit = (base - top) / peak;
  for (std::size_t i = 0; i < months.size(); ++i) {
    const MonthFigure& m = months[i];
    const int lapses = m.lapses_closed + m.lapses_open;
    const double cx = left + slot * (static_cast<double>(i) + 0.5);
    out += "<g role=\"img\"><title>";
    append_escaped(out, month_id(m.month) + ": " + std::to_string(lapses) + " missed deadlines (" +
                            std::to_string(m.lapses_closed) + " answered late or ended, " +
                            std::to_string(m.lapses_open) + " still open); " +
                            std::to_string(m.late) + " of " + std::to_string(m.due) +
                            " windows due with a known outcome were late");
    out += "</title>";
    if (m.lapses_closed > 0) {
      rect(out, "bar-late", cx - bar / 2, base - unit * m.lapses_closed, bar,
           unit * m.lapses_closed);
    }
    if (m.lapses_open > 0) {
      rect(out, "bar-over", cx - bar / 2, base - unit * lapses, bar, unit * m.lapses_open);
    }
    if (slot >= 17 || lapses > 0) {
      text(out, "cnt", cx, base - unit * lapses - 4, std::to_string(lapses));
    }
    out += "</g>";
    if (i % label_every == 0) {
      text(out, "cnt ax", cx, 108, month_label(m.month));
      if (slot >= 90) {
        text(out, "cnt ax sm", cx, 120,
             std::to_string(m.late) + " of " + std::to_string(m.due) + " windows late");
      }
    }
  }
  out += "</svg>";
}

void append_legend(std::string& out) {
  struct Item {
    const char* status;
    const char* label;
    bool late;
    const char* end;
  };
  const Item items[] = {
      {"met", "met: answered by the deadline (mark: the answer)", false, "v12"},
      {"missed", "missed: answered late (hatched: the late part)", true, "v12"},
      {"overdue", "overdue: unanswered past the deadline, up to now", true, "l3 6-3 6"},
      {"open", "open: the deadline is ahead (dashed)", false, nullptr},
      {"void", "void or withdrawn: ended before the deadline, nothing owed (dotted)", false,
       "v12"}};
  out += "<ul class=\"legend\">";
  for (const Item& item : items) {
    out += "<li><svg class=\"sw\" viewBox=\"0 0 48 16\" aria-hidden=\"true\"><g class=\"";
    out += item.status;
    out += "\">";
    rect(out, "b", 2, 4, 28, 8);
    double end = item.status == std::string("met") ? 22 : 30;
    if (item.late) {
      rect(out, "l", 30, 4, 12, 8);
      end = 42;
    }
    if (item.end != nullptr) {
      out += "<path class=\"e\" d=\"M";
      append_number(out, end);
      out += " 2";
      out += item.end;
      out += "\"/>";
    }
    out += "</g></svg>";
    out += item.label;
    out += "</li>";
  }
  const std::pair<const char*, const char*> marks[] = {
      {"<path class=\"c ca\" d=\"M8 8h0\"/>", "comment by the CA"},
      {"<path class=\"c\" d=\"M8 8h0\"/>", "comment by anyone else"},
      {"<path class=\"c bot\" d=\"M8 8h0\"/>", "comment by a bot (an ignored account)"},
      {"<path class=\"n\" d=\"M4.5 3h7l-3.5 5z\"/>",
       "deadline set by the whiteboard's Next update date"},
      {"<path class=\"t\" d=\"M8 1v14\"/>", "revocation-delay SHOULD date"},
      {"<path class=\"now\" d=\"M8 0v16\"/>", "now: the time of the audit"},
      {"<g class=\"lp\"><circle cx=\"8\" cy=\"8\" r=\"6\"/><text x=\"8\" y=\"11\">1</text></g>",
       "a lapse (missed deadline), numbered as the Timeline's lines"}};
  for (const auto& [shape, label] : marks) {
    out += "<li><svg class=\"sw\" viewBox=\"0 0 48 16\" aria-hidden=\"true\">";
    out += shape;
    out += "</svg>";
    out += label;
    out += "</li>";
  }
  out += "</ul>";
}

}  // namespace bzjira::adapters::report
