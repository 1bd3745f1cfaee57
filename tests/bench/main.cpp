// bzjira-bench: generates datasets, starts bzjira-sim, runs bzjira's scenarios (cold sync, the
// first scheduled sync after it, steady and incremental sync; audit from file and live; the
// Python json.load yardstick) and reports requests, bytes, time, CPU and memory against the
// minimum the APIs allow (issue 8), and the targets of issues 8 and 14. Not part of ctest. See
// BENCHMARKS.md.
// Exit 0 when it ran (targets missed are reported, not failed), 2 on bad usage, 1 on a failure
// to run at all.
#include <unistd.h>
#include <boost/program_options.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "tests/bench/plot.h"
#include "tests/bench/process.h"
#include "tests/bench/report.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace bzjira::bench;

namespace {

std::vector<DatasetSpec> parse_sizes(const std::string& text, std::uint64_t seed) {
  std::vector<DatasetSpec> out;
  static const std::regex k_size(R"((\d+)x(\d+))");
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    std::smatch m;
    if (!std::regex_match(item, m, k_size) || std::stoi(m[1].str()) < 1 ||
        std::stoi(m[2].str()) < 1) {
      throw std::invalid_argument("--sizes: '" + item + "' is not BUGSxCOMMENTS (e.g. 1000x50)");
    }
    out.push_back(DatasetSpec{std::stoi(m[1].str()), std::stoi(m[2].str()), seed});
    start = comma + 1;
  }
  return out;
}

fs::path own_directory() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : self.parent_path();
}

// The 1-minute load average (0 when /proc/loadavg cannot be read).
double load_average() {
  std::ifstream in("/proc/loadavg");
  double load = 0;
  in >> load;
  return load;
}

double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

SizeResult run_size(const DatasetSpec& spec, int runs, bool live_audit, const fs::path& work,
                    const fs::path& bin, const std::string& python) {
  SizeResult result;
  result.spec = spec;
  result.load_before = load_average();
  const std::string tag = std::to_string(spec.bugs) + "x" + std::to_string(spec.comments_per_bug);
  const fs::path dir = work / tag;
  fs::create_directories(dir);
  const std::string dataset = (dir / "dataset.json").string();
  auto t0 = std::chrono::steady_clock::now();
  result.facts = write_dataset(spec, dataset);
  result.generate_seconds = since(t0);
  std::cerr << "bzjira-bench: " << tag << ": dataset written (" << result.facts.file_bytes / 1048576
            << " MiB, " << result.generate_seconds << " s)\n";
  std::vector<double> starts;
  for (int r = 0; r < runs; ++r) {
    BenchPaths paths{(bin / "bzjira").string(), (bin / "bzjira-sim").string(),
                     (dir / ("run" + std::to_string(r + 1))).string(), python};
    t0 = std::chrono::steady_clock::now();
    BenchSession session(paths, result.facts, dataset);
    starts.push_back(since(t0));
    std::vector<ScenarioFigures> figures;
    const auto step = [&](ScenarioFigures f) {
      std::cerr << "bzjira-bench: " << tag << " run " << r + 1 << ": " << f.name << " "
                << f.requests() << " requests, " << f.usage.wall_seconds << " s wall, "
                << f.cpu_seconds() << " s CPU, exit " << f.usage.exit_code << "\n";
      figures.push_back(std::move(f));
    };
    for (const ScenarioStep& s : bench_steps()) {
      if (!s.live || live_audit) {
        step((session.*s.run)());
      }
    }
    result.sim_rss_kb = session.sim().rss_kb();
    {  // the sync scenarios again with replies from Jira enabled (issue 12), named "...+replies"
      BenchSession replies(BenchPaths{paths.bzjira, paths.sim, paths.work_dir + "-replies", ""},
                           result.facts, dataset, true);
      step(replies.cold_sync());
      step(replies.first_sync_after_cold());
      step(replies.steady_sync());
      step(replies.incremental_sync());
    }
    result.runs.push_back(std::move(figures));
  }
  result.load_after = load_average();
  std::sort(starts.begin(), starts.end());
  result.sim_start_seconds = starts[starts.size() / 2];
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  // First, while this process is small and has one thread: children measured later must not
  // report the memory the bench holds by then (tests/bench/process.h).
  try {
    start_spawner();
  } catch (const std::exception& e) {
    std::cerr << "bzjira-bench: " << e.what() << "\n";
    return 1;
  }
  po::options_description desc("bzjira-bench: request economy and cost of bzjira at scale");
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("sizes", po::value<std::string>()->default_value("50x20,1000x50,5000x20"),
       "comma-separated BUGSxCOMMENTS datasets to run")
      ("runs", po::value<int>()->default_value(3), "runs per size (medians are reported)")
      ("json", po::value<std::string>(), "also write every figure to this JSON file")
      ("svg", po::value<std::string>(),
       "also draw how CPU and memory grow with the dataset (log-log) into this SVG file")
      ("python", po::value<std::string>(),
       "the Python 3 of the json.load yardstick (default: python3 on PATH; 'none' skips it)")
      ("seed", po::value<std::uint64_t>()->default_value(1), "dataset seed")
      ("no-live-audit", "skip the live audit (it reads every bug's history)")
      ("work-dir", po::value<std::string>(),
       "scratch directory (default: a new one under the system temp directory, removed unless --keep)")
      ("keep", "keep the scratch directory (datasets, mappings, state, outputs)")
      ("bin-dir", po::value<std::string>(),
       "where bzjira and bzjira-sim are (default: this program's directory)");
  // clang-format on
  po::variables_map vm;
  std::vector<DatasetSpec> sizes;
  int runs = 3;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help") != 0) {
      std::cout << desc;
      return 0;
    }
    sizes = parse_sizes(vm["sizes"].as<std::string>(), vm["seed"].as<std::uint64_t>());
    runs = vm["runs"].as<int>();
    if (runs < 1) {
      throw std::invalid_argument("--runs must be at least 1");
    }
  } catch (const std::exception& e) {
    std::cerr << "bzjira-bench: " << e.what() << "\n" << desc;
    return 2;
  }
  const fs::path bin =
      vm.count("bin-dir") ? fs::path(vm["bin-dir"].as<std::string>()) : own_directory();
  const bool own_work = vm.count("work-dir") == 0;
  const fs::path work =
      own_work ? fs::temp_directory_path() / ("bzjira-bench-" + std::to_string(::getpid()))
               : fs::path(vm["work-dir"].as<std::string>());
  std::string command = "bzjira-bench";
  for (int i = 1; i < argc; ++i) {
    command += ' ';
    command += argv[i];
  }
  std::string python = vm.count("python") != 0 ? vm["python"].as<std::string>() : find_python();
  if (python == "none") {
    python.clear();
  }
  std::cerr << "bzjira-bench: yardstick: "
            << (python.empty() ? std::string("not run") : python + " -c 'import json; ...'")
            << "\n";
  int code = 0;
  try {
    // The memory figures are only worth reading if a child's leave out the bench's own.
    constexpr long k_held_mb = 100;
    const long child_kb = measured_rss_holding(static_cast<std::size_t>(k_held_mb) << 20);
    if (child_kb >= 30 * 1024) {
      std::cerr << "bzjira-bench: /bin/true measured at " << child_kb / 1024
                << " MB peak while the bench held " << k_held_mb
                << " MB: children's peak memory would include the bench's\n";
      return 1;
    }
    fs::create_directories(work);
    std::vector<SizeResult> results;
    for (const DatasetSpec& spec : sizes) {
      results.push_back(run_size(spec, runs, vm.count("no-live-audit") == 0, work, bin, python));
      print_size(std::cout, results.back());
      std::cout.flush();
    }
    print_growth(std::cout, results);
    print_targets(std::cout, results);
    if (vm.count("json") != 0) {
      std::ofstream out(vm["json"].as<std::string>(), std::ios::trunc);
      out << results_json(results, command);
      if (!out) {
        std::cerr << "bzjira-bench: cannot write " << vm["json"].as<std::string>() << "\n";
        code = 1;
      }
    }
    if (vm.count("svg") != 0) {
      std::ofstream out(vm["svg"].as<std::string>(), std::ios::trunc);
      out << cost_growth_svg(results);
      if (!out) {
        std::cerr << "bzjira-bench: cannot write " << vm["svg"].as<std::string>() << "\n";
        code = 1;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "bzjira-bench: " << e.what() << "\n";
    code = 1;
  }
  if (own_work && vm.count("keep") == 0) {
    std::error_code ignored;
    fs::remove_all(work, ignored);
  } else {
    std::cerr << "bzjira-bench: scratch files kept in " << work.string() << "\n";
  }
  return code;
}
