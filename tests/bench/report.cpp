#include "tests/bench/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/bench/targets.h"

namespace bzjira::bench {

namespace {

using Json = nlohmann::json;

template <typename T>
T median_of(std::vector<T> values) {
  if (values.empty()) {
    return T{};
  }
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];  // runs are odd in practice (--runs 3): the middle one
}

template <typename T>
T median_field(const std::vector<ScenarioFigures>& runs,
               const std::function<T(const ScenarioFigures&)>& get) {
  std::vector<T> values;
  values.reserve(runs.size());
  for (const ScenarioFigures& f : runs) {
    values.push_back(get(f));
  }
  return median_of(values);
}

std::string fixed(double value, int decimals) { return format_fixed(value, decimals); }

std::string kib(long long bytes) { return fixed(static_cast<double>(bytes) / 1024.0, 0); }

// What limits the scenario, from where its wall time went. Requests are sent one after another,
// so with requests the three CPU shares add up to about the wall time: each round trip waits for
// bzjira, the proxy and the simulator in turn ("request round trips").
std::string bound(const ScenarioFigures& f) {
  const double wall = std::max(f.usage.wall_seconds, 1e-9);
  const double own = f.cpu_seconds() / wall;
  const double sim = f.sim_cpu_seconds / wall;
  const double proxy = f.proxy_cpu_seconds / wall;
  const std::string label = f.name.rfind("python", 0) == 0    ? "python CPU"
                            : f.requests() == 0 || own >= 0.7 ? "bzjira CPU"
                            : sim >= 0.6                      ? "simulator CPU"
                                                              : "request round trips";
  return label + " (bzjira " + fixed(100 * own, 0) + "%, sim " + fixed(100 * sim, 0) + "%, proxy " +
         fixed(100 * proxy, 0) + "% of wall)";
}

Json figures_json(const ScenarioFigures& f) {
  return {
      {"scenario", f.name},
      {"command", f.command},
      {"exit_code", f.usage.exit_code},
      {"requests",
       {{"bugzilla", f.bugzilla.total},
        {"jira", f.jira.total},
        {"total", f.requests()},
        {"bugzilla_routes", f.bugzilla.routes},
        {"jira_routes", f.jira.routes},
        {"reported_by_bzjira", {{"bugzilla", f.reported_bugzilla}, {"jira", f.reported_jira}}}}},
      {"minimum_requests",
       {{"bugzilla", f.floor.bugzilla},
        {"jira", f.floor.jira},
        {"total", f.floor.total()},
        {"how", f.floor.how}}},
      {"ratio_measured_to_minimum", f.floor.total() == 0 ? Json() : Json(f.ratio())},
      {"bytes",
       {{"bugzilla_sent", f.bugzilla_bytes.to_server},
        {"bugzilla_received", f.bugzilla_bytes.to_client},
        {"jira_sent", f.jira_bytes.to_server},
        {"jira_received", f.jira_bytes.to_client},
        {"total", f.bugzilla_bytes.to_server + f.bugzilla_bytes.to_client + f.jira_bytes.to_server +
                      f.jira_bytes.to_client},
        {"connections", f.bugzilla_bytes.connections + f.jira_bytes.connections}}},
      {"wall_seconds", f.usage.wall_seconds},
      {"cpu_user_seconds", f.usage.user_seconds},
      {"cpu_sys_seconds", f.usage.sys_seconds},
      {"cpu_seconds", f.cpu_seconds()},
      {"peak_rss_kb", f.usage.max_rss_kb},
      {"minor_page_faults", f.usage.minor_faults},
      {"sim_cpu_seconds", f.sim_cpu_seconds},
      {"proxy_cpu_seconds", f.proxy_cpu_seconds},
      {"bound", bound(f)},
      {"jira_issues_after", f.issues_after},
      {"jira_issues_expected", f.issues_expected},
      {"notes", f.notes}};
}

Json target_json(const Target& t) {
  return {{"issue", t.issue},
          {"item", t.item},
          {"target", t.text},
          {"verdict", t.verdict},
          {"measured", t.measured},
          {"value", t.value ? Json(*t.value) : Json()},
          {"limit", t.limit ? Json(*t.limit) : Json()},
          {"unit", t.unit}};
}

}  // namespace

std::string format_fixed(double value, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::vector<ScenarioFigures> runs_named(const SizeResult& size, const std::string& name) {
  std::vector<ScenarioFigures> runs;
  for (const auto& run : size.runs) {
    for (const ScenarioFigures& f : run) {
      if (f.name == name) {
        runs.push_back(f);
      }
    }
  }
  return runs;
}

std::vector<Growth> growth(const std::vector<SizeResult>& sizes) {
  if (sizes.size() < 2) {
    return {};
  }
  const auto by_comments = [](const SizeResult& a, const SizeResult& b) {
    return a.facts.comments < b.facts.comments;
  };
  const SizeResult& low = *std::min_element(sizes.begin(), sizes.end(), by_comments);
  const SizeResult& high = *std::max_element(sizes.begin(), sizes.end(), by_comments);
  if (low.facts.comments == high.facts.comments || low.facts.comments == 0) {
    return {};
  }
  const double span =
      std::log(static_cast<double>(high.facts.comments) / static_cast<double>(low.facts.comments));
  const auto exponent = [&](double from, double to) {
    return from > 0 && to > 0 ? std::log(to / from) / span : 0.0;
  };
  std::vector<Growth> out;
  for (const ScenarioFigures& f : low.runs.front()) {
    const auto a = runs_named(low, f.name);
    const auto b = runs_named(high, f.name);
    if (b.empty()) {
      continue;
    }
    const ScenarioFigures ma = median_figures(a);
    const ScenarioFigures mb = median_figures(b);
    Growth g;
    g.scenario = f.name;
    g.comments_from = low.facts.comments;
    g.comments_to = high.facts.comments;
    g.cpu_from = ma.cpu_seconds();
    g.cpu_to = mb.cpu_seconds();
    g.cpu_exponent = exponent(g.cpu_from, g.cpu_to);
    g.rss_mb_from = static_cast<double>(ma.usage.max_rss_kb) / 1024;
    g.rss_mb_to = static_cast<double>(mb.usage.max_rss_kb) / 1024;
    g.rss_exponent = exponent(g.rss_mb_from, g.rss_mb_to);
    out.push_back(g);
  }
  return out;
}

void print_growth(std::ostream& out, const std::vector<SizeResult>& sizes) {
  const std::vector<Growth> rows = growth(sizes);
  if (rows.empty()) {
    return;
  }
  out << "\n== growth from " << rows.front().comments_from << " to " << rows.front().comments_to
      << " comments (cost ~ comments^k) ==\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-21s %9s %9s %6s %9s %9s %6s\n", "scenario", "cpu from",
                "cpu to", "k", "rss from", "rss to", "k");
  out << line;
  for (const Growth& g : rows) {
    std::snprintf(line, sizeof line, "%-21s %9.3f %9.3f %6.2f %9.1f %9.1f %6.2f\n",
                  g.scenario.c_str(), g.cpu_from, g.cpu_to, g.cpu_exponent, g.rss_mb_from,
                  g.rss_mb_to, g.rss_exponent);
    out << line;
  }
}

ScenarioFigures median_figures(const std::vector<ScenarioFigures>& runs) {
  ScenarioFigures m = runs.front();
  using F = const ScenarioFigures&;
  m.usage.wall_seconds = median_field<double>(runs, [](F f) { return f.usage.wall_seconds; });
  m.usage.user_seconds = median_field<double>(runs, [](F f) { return f.usage.user_seconds; });
  m.usage.sys_seconds = median_field<double>(runs, [](F f) { return f.usage.sys_seconds; });
  m.usage.max_rss_kb = median_field<long>(runs, [](F f) { return f.usage.max_rss_kb; });
  m.usage.minor_faults = median_field<long>(runs, [](F f) { return f.usage.minor_faults; });
  m.usage.exit_code = median_field<int>(runs, [](F f) { return f.usage.exit_code; });
  m.sim_cpu_seconds = median_field<double>(runs, [](F f) { return f.sim_cpu_seconds; });
  m.proxy_cpu_seconds = median_field<double>(runs, [](F f) { return f.proxy_cpu_seconds; });
  m.bugzilla.total = median_field<long>(runs, [](F f) { return f.bugzilla.total; });
  m.jira.total = median_field<long>(runs, [](F f) { return f.jira.total; });
  m.bugzilla_bytes.to_server =
      median_field<long long>(runs, [](F f) { return f.bugzilla_bytes.to_server; });
  m.bugzilla_bytes.to_client =
      median_field<long long>(runs, [](F f) { return f.bugzilla_bytes.to_client; });
  m.jira_bytes.to_server =
      median_field<long long>(runs, [](F f) { return f.jira_bytes.to_server; });
  m.jira_bytes.to_client =
      median_field<long long>(runs, [](F f) { return f.jira_bytes.to_client; });
  std::set<long> totals;
  std::set<std::string> notes;
  for (const ScenarioFigures& f : runs) {
    totals.insert(f.requests());
    if (!f.notes.empty()) {
      notes.insert(f.notes);
    }
  }
  m.notes.clear();
  for (const std::string& n : notes) {
    m.notes += n;
  }
  if (totals.size() > 1) {
    m.notes += "request totals differ between runs (" + std::to_string(*totals.begin()) + ".." +
               std::to_string(*totals.rbegin()) + "). ";
  }
  return m;
}

void print_size(std::ostream& out, const SizeResult& size) {
  const DatasetFacts& d = size.facts;
  out << "\n== " << size.spec.bugs << " bugs x " << size.spec.comments_per_bug << " comments ("
      << size.runs.size() << " run(s), medians) ==\n"
      << "dataset: " << d.comments << " comments, " << fixed(d.text_bytes / 1048576.0, 1)
      << " MiB of comment text, file " << fixed(static_cast<double>(d.file_bytes) / 1048576.0, 1)
      << " MiB; " << d.resolved << " resolved, " << d.open_ids.size() << " open ("
      << d.with_next_update << " with Next update, " << d.revocation_delay
      << " revocation-delay); needinfo " << d.needinfo_open << " open + " << d.needinfo_answered
      << " answered; " << d.open_questions << " unanswered questions => " << d.open_obligations()
      << " open obligations\n"
      << "generated in " << fixed(size.generate_seconds, 1) << " s; bzjira-sim loaded it in "
      << fixed(size.sim_start_seconds, 1) << " s (RSS " << size.sim_rss_kb / 1024 << " MB)"
      << "; load average " << fixed(size.load_before, 2) << " -> " << fixed(size.load_after, 2)
      << " on " << std::thread::hardware_concurrency() << " cores\n";
  std::vector<std::string> names;
  for (const ScenarioFigures& f : size.runs.front()) {
    names.push_back(f.name);
  }
  char line[512];
  std::snprintf(line, sizeof line, "%-21s %6s %6s %6s %6s %6s %9s %9s %8s %8s %8s %8s %8s\n",
                "scenario", "bz", "jira", "total", "min", "ratio", "sent KiB", "recv KiB", "wall s",
                "cpu s", "rss MB", "faults k", "sim cpu");
  out << line;
  for (const std::string& name : names) {
    const ScenarioFigures m = median_figures(runs_named(size, name));
    std::snprintf(line, sizeof line,
                  "%-21s %6ld %6ld %6ld %6ld %6s %9s %9s %8.2f %8.3f %8.1f %8.1f %8.2f\n",
                  name.c_str(), m.bugzilla.total, m.jira.total, m.requests(), m.floor.total(),
                  m.floor.total() == 0 ? "-" : fixed(m.ratio(), 2).c_str(),
                  kib(m.bugzilla_bytes.to_server + m.jira_bytes.to_server).c_str(),
                  kib(m.bugzilla_bytes.to_client + m.jira_bytes.to_client).c_str(),
                  m.usage.wall_seconds, m.cpu_seconds(), m.usage.max_rss_kb / 1024.0,
                  m.usage.minor_faults / 1000.0, m.sim_cpu_seconds);
    out << line;
  }
  for (const std::string& name : names) {
    const ScenarioFigures m = median_figures(runs_named(size, name));
    out << "  " << name << ": bound by " << bound(m) << "\n    minimum: " << m.floor.how << "\n";
    std::string routes;
    for (const auto* counts : {&m.bugzilla, &m.jira}) {
      for (const auto& [route, count] : counts->routes) {
        routes += (routes.empty() ? "" : ", ") + route + " " + std::to_string(count);
      }
    }
    if (!routes.empty()) {
      out << "    routes: " << routes << "\n";
    }
    if (!m.notes.empty()) {
      out << "    notes: " << m.notes << "\n";
    }
  }
}

void print_targets(std::ostream& out, const std::vector<SizeResult>& sizes) {
  std::string issue;
  for (const Target& t : targets(sizes)) {
    if (t.issue != issue) {
      issue = t.issue;
      out << "\n== issue " << issue << " targets ==\n";
    }
    out << "  " << t.verdict << "  " << (t.item.empty() ? "" : "[" + t.item + "] ") << t.text
        << ": " << t.measured << "\n";
  }
}

std::string results_json(const std::vector<SizeResult>& sizes, const std::string& command) {
  Json out = {{"command", command}, {"sizes", Json::array()}, {"targets", Json::array()}};
  for (const SizeResult& s : sizes) {
    const DatasetFacts& d = s.facts;
    Json size = {{"bugs", s.spec.bugs},
                 {"comments_per_bug", s.spec.comments_per_bug},
                 {"seed", s.spec.seed},
                 {"dataset",
                  {{"comments", d.comments},
                   {"text_bytes", d.text_bytes},
                   {"file_bytes", d.file_bytes},
                   {"resolved", d.resolved},
                   {"open", d.open_ids.size()},
                   {"with_next_update", d.with_next_update},
                   {"revocation_delay", d.revocation_delay},
                   {"needinfo_open", d.needinfo_open},
                   {"needinfo_answered", d.needinfo_answered},
                   {"open_questions", d.open_questions},
                   {"open_obligations", d.open_obligations()}}},
                 {"generate_seconds", s.generate_seconds},
                 {"sim_start_seconds", s.sim_start_seconds},
                 {"sim_rss_kb", s.sim_rss_kb},
                 {"load_average_before", s.load_before},
                 {"load_average_after", s.load_after},
                 {"cores", std::thread::hardware_concurrency()},
                 {"runs", Json::array()},
                 {"medians", Json::array()}};
    for (const auto& run : s.runs) {
      Json list = Json::array();
      for (const ScenarioFigures& f : run) {
        list.push_back(figures_json(f));
      }
      size["runs"].push_back(list);
    }
    for (std::size_t i = 0; i < s.runs.front().size(); ++i) {
      std::vector<ScenarioFigures> runs;
      for (const auto& run : s.runs) {
        if (i < run.size()) {
          runs.push_back(run[i]);
        }
      }
      size["medians"].push_back(figures_json(median_figures(runs)));
    }
    out["sizes"].push_back(size);
  }
  for (const Target& t : targets(sizes)) {
    out["targets"].push_back(target_json(t));
  }
  out["growth"] = Json::array();
  for (const Growth& g : growth(sizes)) {
    out["growth"].push_back({{"scenario", g.scenario},
                             {"comments_from", g.comments_from},
                             {"comments_to", g.comments_to},
                             {"cpu_seconds_from", g.cpu_from},
                             {"cpu_seconds_to", g.cpu_to},
                             {"cpu_exponent", g.cpu_exponent},
                             {"peak_rss_mb_from", g.rss_mb_from},
                             {"peak_rss_mb_to", g.rss_mb_to},
                             {"peak_rss_exponent", g.rss_exponent}});
  }
  return out.dump(2) + "\n";
}

}  // namespace bzjira::bench
