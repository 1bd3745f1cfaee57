#include "tests/bench/targets.h"

#include <algorithm>
#include <functional>

namespace bzjira::bench {

namespace {

using Metric = std::function<double(const ScenarioFigures&)>;

double cpu(const ScenarioFigures& f) { return f.cpu_seconds(); }
double rss_mb(const ScenarioFigures& f) { return static_cast<double>(f.usage.max_rss_kb) / 1024; }

std::string tag(int bugs, int comments) {
  return std::to_string(bugs) + "x" + std::to_string(comments);
}

const SizeResult* find_size(const std::vector<SizeResult>& sizes, int bugs, int comments) {
  for (const SizeResult& s : sizes) {
    if (s.spec.bugs == bugs && s.spec.comments_per_bug == comments) {
      return &s;
    }
  }
  return nullptr;
}

// Every run of `scenario` in `size` that ended well (exit 0); empty when the size was not run.
std::vector<ScenarioFigures> good_runs(const SizeResult* size, const std::string& scenario) {
  std::vector<ScenarioFigures> out;
  if (size != nullptr) {
    for (const ScenarioFigures& f : runs_named(*size, scenario)) {
      if (f.usage.exit_code == 0) {
        out.push_back(f);
      }
    }
  }
  return out;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

// metric(a) / metric(b): run by run when both come from the same runs, else the medians' ratio.
std::optional<double> ratio(const std::vector<ScenarioFigures>& a,
                            const std::vector<ScenarioFigures>& b, const Metric& metric_a,
                            const Metric& metric_b, bool same_runs) {
  if (a.empty() || b.empty()) {
    return std::nullopt;
  }
  if (same_runs && a.size() == b.size()) {
    std::vector<double> ratios;
    for (std::size_t i = 0; i < a.size(); ++i) {
      ratios.push_back(metric_a(a[i]) / std::max(metric_b(b[i]), 1e-9));
    }
    return median(ratios);
  }
  std::vector<double> va, vb;
  for (const ScenarioFigures& f : a) {
    va.push_back(metric_a(f));
  }
  for (const ScenarioFigures& f : b) {
    vb.push_back(metric_b(f));
  }
  return median(va) / std::max(median(vb), 1e-9);
}

double median_of(const std::vector<ScenarioFigures>& runs, const Metric& metric) {
  std::vector<double> values;
  values.reserve(runs.size());
  for (const ScenarioFigures& f : runs) {
    values.push_back(metric(f));
  }
  return median(values);
}

Target checked(std::string item, std::string text, std::optional<double> value, double limit,
               std::string unit, std::string measured) {
  Target t{"14", std::move(item), std::move(text), "n/a", "not run", value, limit, std::move(unit)};
  if (value) {
    t.verdict = *value <= limit ? "PASS" : "FAIL";
    t.measured = std::move(measured);
  }
  return t;
}

// "<a> / <b> = <ratio>x" for people, from the medians.
std::string cpu_ratio_text(const std::string& a_name, const std::vector<ScenarioFigures>& a,
                           const std::string& b_name, const std::vector<ScenarioFigures>& b,
                           std::optional<double> r, bool per_run = true) {
  if (!r) {
    return "not run";
  }
  // ratio() with same_runs takes the median of each run's own ratio, which need not be the ratio
  // of the two medians shown.
  const bool of_runs = per_run && a.size() > 1 && a.size() == b.size();
  return a_name + " " + format_fixed(median_of(a, cpu), 3) + " s / " + b_name + " " +
         format_fixed(median_of(b, cpu), 3) + " s CPU" +
         (of_runs ? " (medians); median of the " + std::to_string(a.size()) + " runs' ratios = "
                  : " = ") +
         format_fixed(*r, 3) + "x";
}

void issue8_targets(const std::vector<SizeResult>& sizes, std::vector<Target>& out) {
  const auto add = [&](std::string text, bool pass, std::string measured) {
    out.push_back({"8", "", std::move(text), pass ? "PASS" : "FAIL", std::move(measured),
                   std::nullopt, std::nullopt, ""});
  };
  for (const SizeResult& s : sizes) {
    const std::string size = tag(s.spec.bugs, s.spec.comments_per_bug);
    if (const auto runs = runs_named(s, "steady_sync"); !runs.empty()) {
      const ScenarioFigures m = median_figures(runs);
      add(size + " steady sync <= 3 requests", m.requests() <= 3,
          std::to_string(m.requests()) + " requests");
    }
    for (const char* name : {"cold_sync", "incremental_sync"}) {
      if (const auto runs = runs_named(s, name); !runs.empty()) {
        const ScenarioFigures m = median_figures(runs);
        add(size + " " + name + " <= 1.25 x minimum requests",
            m.ratio() <= 1.25 && m.usage.exit_code == 0,
            std::to_string(m.requests()) + " / " + std::to_string(m.floor.total()) + " = " +
                format_fixed(m.ratio(), 3));
      }
    }
  }
  const SizeResult* mid = find_size(sizes, 1000, 50);
  if (const auto cold = good_runs(mid, "cold_sync"); !cold.empty()) {
    add("1000x50 cold sync <= 2 s CPU", median_of(cold, cpu) <= 2.0,
        format_fixed(median_of(cold, cpu), 2) + " s");
    add("1000x50 cold sync <= 256 MB peak RSS", median_of(cold, rss_mb) <= 256,
        format_fixed(median_of(cold, rss_mb), 1) + " MB");
  }
  if (const auto audit = good_runs(mid, "audit_file"); !audit.empty()) {
    add("1000x50 audit (from file) <= 0.5 s CPU", median_of(audit, cpu) <= 0.5,
        format_fixed(median_of(audit, cpu), 2) + " s");
  }
}

// Item 5: every scenario with requests at 1.00x the minimum (two decimals, as the issue writes
// its figures), one line per size.
void request_targets(const std::vector<SizeResult>& sizes, std::vector<Target>& out) {
  for (const SizeResult& s : sizes) {
    std::string measured;
    double worst = 0;
    bool any = false;
    for (const ScenarioFigures& f : s.runs.front()) {
      const auto runs = runs_named(s, f.name);
      const ScenarioFigures m = median_figures(runs);
      if (m.floor.total() == 0 || not_a_request_target(f.name) != nullptr) {
        continue;
      }
      any = true;
      worst = std::max(worst, m.usage.exit_code == 0 ? m.ratio() : 1e9);
      measured += (measured.empty() ? "" : ", ") + f.name + " " + std::to_string(m.requests()) +
                  "/" + std::to_string(m.floor.total());
    }
    if (any) {
      out.push_back(checked("5",
                            tag(s.spec.bugs, s.spec.comments_per_bug) +
                                " every scenario at 1.00x the minimum requests",
                            worst, 1.005, "x",
                            measured + " (worst " + format_fixed(worst, 4) + ")"));
    }
  }
}

void issue14_targets(const std::vector<SizeResult>& sizes, std::vector<Target>& out) {
  const SizeResult* small = find_size(sizes, 50, 20);
  const SizeResult* mid = find_size(sizes, 1000, 50);
  const SizeResult* big = find_size(sizes, 5000, 20);

  // 1. Steady cost independent of history.
  const auto big_steady = good_runs(big, "steady_sync");
  const auto big_cold = good_runs(big, "cold_sync");
  const auto small_steady = good_runs(small, "steady_sync");
  auto r = ratio(big_steady, big_cold, cpu, cpu, true);
  out.push_back(checked("1", "steady sync CPU at 5000x20 <= 0.05x the cold sync's CPU at 5000x20",
                        r, 0.05, "x", cpu_ratio_text("steady", big_steady, "cold", big_cold, r)));
  r = ratio(big_steady, small_steady, cpu, cpu, false);
  out.push_back(checked("1", "steady sync CPU at 5000x20 <= 2x the steady sync's CPU at 50x20", r,
                        2.0, "x",
                        cpu_ratio_text("5000x20", big_steady, "50x20", small_steady, r, false)));

  // 2. The audit beats the scripting yardstick.
  const auto text = good_runs(mid, "audit_file");
  const auto json = good_runs(mid, "audit_file_json");
  const auto python = good_runs(mid, "python_json_load");
  r = ratio(text, python, cpu, cpu, true);
  out.push_back(checked("2",
                        "audit --from-file (text) CPU at 1000x50 <= 0.25x Python json.load of the "
                        "same file",
                        r, 0.25, "x", cpu_ratio_text("audit", text, "python", python, r)));
  r = ratio(json, python, cpu, cpu, true);
  out.push_back(checked("2",
                        "audit --from-file --format json CPU at 1000x50 <= 0.25x Python json.load "
                        "of the same file",
                        r, 0.25, "x", cpu_ratio_text("audit json", json, "python", python, r)));
  r = ratio(json, text, cpu, cpu, true);
  out.push_back(checked("2", "audit --from-file JSON output CPU at 1000x50 <= 1.2x the text's", r,
                        1.2, "x", cpu_ratio_text("json", json, "text", text, r)));

  // 3. Memory bounded by the page, not by the history.
  for (const auto& [size, bugs, comments, limit] :
       {std::tuple{big, 5000, 20, 256.0}, std::tuple{mid, 1000, 50, 128.0}}) {
    const auto cold = good_runs(size, "cold_sync");
    const std::optional<double> mb =
        cold.empty() ? std::nullopt : std::optional(median_of(cold, rss_mb));
    out.push_back(checked(
        "3",
        "cold sync peak RSS at " + tag(bugs, comments) + " <= " + format_fixed(limit, 0) + " MB",
        mb, limit, "MB", mb ? format_fixed(*mb, 1) + " MB" : ""));
  }
  if (mid != nullptr) {
    const double file_mb = static_cast<double>(mid->facts.file_bytes) / 1048576;
    for (const auto& [runs, label] : {std::pair{text, "text"}, std::pair{json, "json"}}) {
      const std::optional<double> x =
          runs.empty() ? std::nullopt : std::optional(median_of(runs, rss_mb) / file_mb);
      out.push_back(checked("3",
                            std::string("audit --from-file (") + label +
                                ") peak RSS at 1000x50 <= 2x the dataset file",
                            x, 2.0, "x",
                            x ? format_fixed(median_of(runs, rss_mb), 1) + " MB / file " +
                                    format_fixed(file_mb, 1) + " MB = " + format_fixed(*x, 2) + "x"
                              : ""));
    }
  }

  // 4. Live audit against the file audit of the same data, at every size run.
  for (const SizeResult& s : sizes) {
    const auto live = good_runs(&s, "audit_live");
    const auto file = good_runs(&s, "audit_file");
    r = ratio(live, file, cpu, cpu, true);
    out.push_back(checked("4",
                          "live audit CPU at " + tag(s.spec.bugs, s.spec.comments_per_bug) +
                              " <= 1.5x the file audit's CPU",
                          r, 1.5, "x", cpu_ratio_text("live", live, "file", file, r)));
  }

  request_targets(sizes, out);
}

}  // namespace

const char* not_a_request_target(const std::string& scenario) {
  // With replies on, the search brings the issues' comments: the same requests.
  if (scenario == "first_sync_after_cold" || scenario == "first_sync_after_cold+replies") {
    return "re-reads the previous run's writes by design (2 + ceil(I/100)); reported against the "
           "steady minimum of 3 so its ratio shows that cost";
  }
  return nullptr;
}

std::vector<Target> targets(const std::vector<SizeResult>& sizes) {
  std::vector<Target> out;
  issue8_targets(sizes, out);
  issue14_targets(sizes, out);
  return out;
}

}  // namespace bzjira::bench
