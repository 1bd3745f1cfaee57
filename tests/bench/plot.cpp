#include "tests/bench/plot.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <string>

namespace bzjira::bench {

namespace {

constexpr double k_panel_w = 300, k_panel_h = 220, k_left = 60, k_top = 40, k_gap = 90;
constexpr const char* k_colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                    "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

struct Point {
  double comments = 0;
  double value = 0;
};

// One scenario's medians over the sizes, in comment order.
using Series = std::map<std::string, std::vector<Point>>;

std::string number(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v;
  return s.str();
}

// The decades [10^lo, 10^hi] that hold every value.
std::pair<int, int> decades(const Series& series) {
  double lo = 1e300, hi = 0;
  for (const auto& [name, points] : series) {
    for (const Point& p : points) {
      if (p.value > 0) {
        lo = std::min(lo, p.value);
        hi = std::max(hi, p.value);
      }
    }
  }
  if (hi <= 0) {
    return {0, 1};
  }
  const int a = static_cast<int>(std::floor(std::log10(lo)));
  const int b = static_cast<int>(std::ceil(std::log10(hi)));
  return {a, std::max(b, a + 1)};
}

void panel(std::ostringstream& svg, double x0, const std::string& title, const Series& series,
           const std::vector<std::string>& order, std::pair<int, int> xs,
           const std::vector<std::pair<double, std::string>>& size_labels) {
  const auto [ylo, yhi] = decades(series);
  const auto px = [&, lo = xs.first, hi = xs.second](double c) {
    return x0 + (std::log10(c) - lo) / (hi - lo) * k_panel_w;
  };
  const auto py = [&, ylo = ylo, yhi = yhi](double v) {
    return k_top + k_panel_h - (std::log10(v) - ylo) / (yhi - ylo) * k_panel_h;
  };
  svg << "<text x=\"" << x0 + k_panel_w / 2 << "\" y=\"" << k_top - 14
      << "\" text-anchor=\"middle\" font-weight=\"bold\">" << title << "</text>\n";
  svg << "<rect x=\"" << x0 << "\" y=\"" << k_top << "\" width=\"" << k_panel_w << "\" height=\""
      << k_panel_h << "\" fill=\"none\" stroke=\"#444\"/>\n";
  for (int d = ylo; d <= yhi; ++d) {
    const double y = py(std::pow(10.0, d));
    svg << "<line x1=\"" << x0 << "\" y1=\"" << y << "\" x2=\"" << x0 + k_panel_w << "\" y2=\"" << y
        << "\" stroke=\"#ddd\"/><text x=\"" << x0 - 6 << "\" y=\"" << y + 4
        << "\" text-anchor=\"end\">" << number(std::pow(10.0, d)) << "</text>\n";
  }
  for (int d = xs.first; d <= xs.second; ++d) {
    const double x = px(std::pow(10.0, d));
    svg << "<line x1=\"" << x << "\" y1=\"" << k_top << "\" x2=\"" << x << "\" y2=\""
        << k_top + k_panel_h << "\" stroke=\"#ddd\"/><text x=\"" << x << "\" y=\""
        << k_top + k_panel_h + 16 << "\" text-anchor=\"middle\">" << number(std::pow(10.0, d))
        << "</text>\n";
  }
  // On two rows: neighbouring sizes (1000x50, 5000x20) lie close on a log axis.
  for (std::size_t i = 0; i < size_labels.size(); ++i) {
    const auto& [c, label] = size_labels[i];
    svg << "<text x=\"" << px(c) << "\" y=\"" << k_top + k_panel_h + 28 + 11 * (i % 2)
        << "\" text-anchor=\"middle\" fill=\"#555\">" << label << "</text>\n";
  }
  svg << "<text x=\"" << x0 + k_panel_w / 2 << "\" y=\"" << k_top + k_panel_h + 50
      << "\" text-anchor=\"middle\">comments in the dataset</text>\n";
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto it = series.find(order[i]);
    if (it == series.end()) {
      continue;
    }
    const char* color = k_colors[i % std::size(k_colors)];
    const bool yardstick = order[i].rfind("python", 0) == 0;
    std::string path;
    for (const Point& p : it->second) {
      if (p.value <= 0) {
        continue;
      }
      path += (path.empty() ? "M" : " L") + number(px(p.comments)) + " " + number(py(p.value));
      svg << "<circle cx=\"" << px(p.comments) << "\" cy=\"" << py(p.value) << "\" r=\"3\" fill=\""
          << color << "\"/>\n";
    }
    svg << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\""
        << (yardstick ? " stroke-dasharray=\"6 4\"" : "") << "/>\n";
  }
}

}  // namespace

std::string cost_growth_svg(const std::vector<SizeResult>& sizes) {
  Series cpu, rss;
  std::vector<std::string> order;
  std::vector<std::pair<double, std::string>> size_labels;
  double cmin = 1e300, cmax = 0;
  std::vector<const SizeResult*> sorted;
  sorted.reserve(sizes.size());
  for (const SizeResult& s : sizes) {
    sorted.push_back(&s);
  }
  std::sort(sorted.begin(), sorted.end(), [](const SizeResult* a, const SizeResult* b) {
    return a->facts.comments < b->facts.comments;
  });
  for (const SizeResult* s : sorted) {
    const auto comments = static_cast<double>(std::max<long long>(s->facts.comments, 1));
    cmin = std::min(cmin, comments);
    cmax = std::max(cmax, comments);
    size_labels.emplace_back(
        comments, std::to_string(s->spec.bugs) + "x" + std::to_string(s->spec.comments_per_bug));
    for (const ScenarioFigures& f : s->runs.front()) {
      // The syncs with replies on follow their plain twins; plotted, they would double the lines
      // (and reuse their colours). The tables have them.
      if (f.name.find("+replies") != std::string::npos) {
        continue;
      }
      if (std::find(order.begin(), order.end(), f.name) == order.end()) {
        order.push_back(f.name);
      }
      const ScenarioFigures m = median_figures(runs_named(*s, f.name));
      if (m.usage.exit_code != 0) {
        continue;
      }
      cpu[f.name].push_back({comments, m.cpu_seconds()});
      rss[f.name].push_back({comments, static_cast<double>(m.usage.max_rss_kb) / 1024});
    }
  }
  const std::pair<int, int> xs{static_cast<int>(std::floor(std::log10(std::max(cmin, 1.0)))),
                               static_cast<int>(std::ceil(std::log10(std::max(cmax, 10.0))))};
  const double width = k_left + 2 * k_panel_w + k_gap + 20;
  const double legend_top = k_top + k_panel_h + 70;
  const std::size_t legend_rows = (order.size() + 2) / 3;  // three entries a row, rounded up
  const double height = legend_top + 20 * static_cast<double>(legend_rows) + 10;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  panel(svg, k_left, "CPU seconds (user + system), median", cpu, order,
        xs.first == xs.second ? std::pair{xs.first, xs.first + 1} : xs, size_labels);
  panel(svg, k_left + k_panel_w + k_gap, "peak RSS, MB, median", rss, order,
        xs.first == xs.second ? std::pair{xs.first, xs.first + 1} : xs, size_labels);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const double x = k_left + static_cast<double>(i % 3) * 230;
    const std::size_t row = i / 3;
    const double y = legend_top + static_cast<double>(row) * 20;
    const bool yardstick = order[i].rfind("python", 0) == 0;
    svg << "<line x1=\"" << x << "\" y1=\"" << y - 4 << "\" x2=\"" << x + 24 << "\" y2=\"" << y - 4
        << "\" stroke=\"" << k_colors[i % std::size(k_colors)] << "\" stroke-width=\"2\""
        << (yardstick ? " stroke-dasharray=\"6 4\"" : "") << "/><text x=\"" << x + 30 << "\" y=\""
        << y << "\">" << order[i] << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace bzjira::bench
