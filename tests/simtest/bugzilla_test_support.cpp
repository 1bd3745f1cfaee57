// Helpers for the Bugzilla simulator and client tests (see the header).
#include "tests/simtest/bugzilla_test_support.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/http/http_client.h"
#include "tests/support/paths.h"

namespace bzjira::simtest {

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::string small_dataset_path() {
  return bzjira::test_support::source_dir() + "/tests/data/bugzilla/small.json";
}

json sample_json(const std::string& dir, const std::string& name) {
  return json::parse(
      read_text(bzjira::test_support::test_data_dir() + "/samples/" + dir + "/" + name + ".json"));
}

int sample_status(const std::string& dir, const std::string& name) {
  const std::string headers = read_text(bzjira::test_support::test_data_dir() + "/samples/" + dir +
                                        "/" + name + ".headers");
  int status = 0;
  std::sscanf(headers.c_str(), "HTTP/%*s %d", &status);
  return status;
}

TempFile::TempFile(const std::string& contents) {
  static std::atomic<int> counter{0};
  m_path =
      (std::filesystem::temp_directory_path() /
       ("bzjira-simtest-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".json"))
          .string();
  std::ofstream out(m_path, std::ios::binary | std::ios::trunc);
  out << contents;
}

TempFile::~TempFile() {
  std::error_code ec;
  std::filesystem::remove(m_path, ec);
}

json generate_dataset(int count, long first_id) {
  json bugs = json::array();
  json comments = json::object();
  for (int i = 0; i < count; ++i) {
    const long id = first_id + i;
    bugs.push_back({{"id", id},
                    {"summary", "Example CA: generated incident " + std::to_string(i)},
                    {"product", "CA Program"},
                    {"component", "CA Certificate Compliance"},
                    {"status", "NEW"},
                    {"resolution", ""},
                    {"whiteboard", "[ca-compliance]"},
                    {"creator", "ca@example.org"},
                    {"assigned_to", "ca@example.org"},
                    {"creation_time", "2026-09-01T00:00:00Z"},
                    {"last_change_time", "2026-09-01T00:00:00Z"},
                    {"flags", json::array()}});
    comments[std::to_string(id)] = json::array({{{"id", 100000 + i},
                                                 {"bug_id", id},
                                                 {"count", 0},
                                                 {"creator", "ca@example.org"},
                                                 {"creation_time", "2026-09-01T00:00:00Z"},
                                                 {"time", "2026-09-01T00:00:00Z"},
                                                 {"text", "Report " + std::to_string(i)},
                                                 {"is_private", false},
                                                 {"tags", json::array()},
                                                 {"attachment_id", nullptr}}});
  }
  return {{"bugs", bugs}, {"comments", comments}, {"api_keys", {{k_ca_key, "ca@example.org"}}}};
}

RunningSim::RunningSim(bzjira::sim::BugzillaSimOptions options)
    : sim(std::make_unique<bzjira::sim::BugzillaSim>(std::move(options))) {
  sim->start();
}

RunningSim start_sim(const std::string& data_path, const std::string& auth,
                     const std::string& clock) {
  bzjira::sim::BugzillaSimOptions options;
  options.data_path = data_path;
  options.auth = auth;
  options.clock = clock;
  options.hang_seconds = 2;
  return RunningSim(options);
}

RunningSim start_sim_with(const json& dataset, const std::string& auth) {
  auto file = std::make_unique<TempFile>(dataset.dump());
  RunningSim running = start_sim(file->path(), auth);
  running.data = std::move(file);
  return running;
}

json RawResponse::json_body() const { return json::parse(body, nullptr, false); }

std::string RawResponse::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

RawResponse raw(const std::string& base, const std::string& method, const std::string& target,
                const std::vector<std::pair<std::string, std::string>>& headers,
                const std::string& body) {
  sync::HttpSettings settings;
  settings.request_timeout_seconds = 10;
  auto transport = adapters::http::make_cpprest_transport(settings);
  adapters::http::Request request;
  request.method = method;
  request.url = base + target;
  request.headers = headers;
  request.body = body;
  auto outcome = transport->send_once(request);
  RawResponse out;
  if (!outcome.result.ok()) {
    out.error = outcome.result.error().message;
    return out;
  }
  out.status = outcome.result->status;
  out.body = outcome.result->body;
  for (const auto& [name, value] : outcome.result->headers) {
    std::string lower = name;
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    out.headers[lower] = value;
  }
  return out;
}

json control(const std::string& base, const std::string& path, const json& body) {
  return raw(base, "POST", path, {{"Content-Type", "application/json"}}, body.dump()).json_body();
}

json sim_requests(const std::string& base) {
  return raw(base, "GET", "/__sim/stats").json_body().value("requests", json::object());
}

std::vector<std::string> keys_of(const json& object) {
  std::vector<std::string> keys;
  if (object.is_object()) {
    for (const auto& [key, value] : object.items()) {
      keys.push_back(key);
    }
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<long> ids_of(const std::vector<sync::Bug>& bugs) {
  std::vector<long> ids;
  ids.reserve(bugs.size());
  for (const auto& bug : bugs) {
    ids.push_back(static_cast<long>(bug.id));
  }
  return ids;
}

sync::BugzillaSettings client_settings(const std::string& url, sync::BugzillaAuth auth,
                                       int request_timeout_seconds, int max_attempts) {
  sync::BugzillaSettings settings;
  settings.url = url;
  settings.auth = auth;
  settings.http.connect_timeout_seconds = 2;
  settings.http.request_timeout_seconds = request_timeout_seconds;
  settings.http.max_attempts = max_attempts;
  settings.http.max_retry_seconds = 30;
  return settings;
}

std::unique_ptr<adapters::bugzilla::BugzillaClient> make_client(
    const std::string& url, sync::BugzillaAuth auth, const std::string& key,
    int request_timeout_seconds, int max_attempts,
    adapters::bugzilla::BugzillaClientOptions options, double sleep_seconds) {
  auto client = std::make_unique<adapters::bugzilla::BugzillaClient>(
      client_settings(url, auth, request_timeout_seconds, max_attempts), key, nullptr, options);
  client->set_sleep_function([sleep_seconds](double) {
    std::this_thread::sleep_for(std::chrono::duration<double>(sleep_seconds));
  });
  return client;
}

}  // namespace bzjira::simtest
