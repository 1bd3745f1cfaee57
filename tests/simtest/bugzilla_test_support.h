// Helpers shared by the Bugzilla simulator and client tests: a running simulator on a dataset,
// raw single requests (no retries) through the HTTP transport, the real samples, temp datasets.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "adapters/bugzilla/bugzilla_client.h"
#include "tests/sim/bugzilla_sim.h"

namespace bzjira::simtest {

using nlohmann::json;

// tests/data/bugzilla/small.json (its _about member says what is in it).
std::string small_dataset_path();

// The JSON body and the HTTP status of a real sample:
// tests/data/samples/<dir>/<name>.json/.headers.
json sample_json(const std::string& dir, const std::string& name);
int sample_status(const std::string& dir, const std::string& name);

// A dataset written to a unique temporary file, removed when this object goes away.
class TempFile {
 public:
  explicit TempFile(const std::string& contents);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

// `count` open bugs with ids first_id, first_id+1, ... in CA Program / CA Certificate Compliance,
// each with one comment by ca@example.org; api key "ca-key-0000000001" for ca@example.org.
json generate_dataset(int count, long first_id);

// A started simulator.
struct RunningSim {
  explicit RunningSim(bzjira::sim::BugzillaSimOptions options);
  std::unique_ptr<TempFile> data;  // when the dataset was generated
  std::unique_ptr<bzjira::sim::BugzillaSim> sim;
  std::string url() const { return sim->base_url(); }
};
RunningSim start_sim(const std::string& data_path, const std::string& auth = "bmo",
                     const std::string& clock = "2026-10-01T12:00:00Z");
RunningSim start_sim_with(const json& dataset, const std::string& auth = "bmo");

struct RawResponse {
  int status = 0;                              // 0 when no answer came (connection dropped)
  std::string error;                           // the transport's message then
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  json json_body() const;                                   // discarded value when not JSON
  std::string header(const std::string& lower_name) const;  // empty when absent
};

// One request, no retries, through the cpprest transport.
RawResponse raw(const std::string& base, const std::string& method, const std::string& target,
                const std::vector<std::pair<std::string, std::string>>& headers = {},
                const std::string& body = "");

// POST a control endpoint and return its JSON answer.
json control(const std::string& base, const std::string& path, const json& body);
// GET /__sim/stats "requests" member.
json sim_requests(const std::string& base);

// The sorted member names of a JSON object.
std::vector<std::string> keys_of(const json& object);

// The ids of `bugs`, in their order.
std::vector<long> ids_of(const std::vector<sync::Bug>& bugs);

// Settings for a client of a simulator: loopback URL, short timeouts, few attempts.
sync::BugzillaSettings client_settings(const std::string& url, sync::BugzillaAuth auth,
                                       int request_timeout_seconds = 5, int max_attempts = 4);
// A client whose retries wait `sleep_seconds` instead of the real backoff.
std::unique_ptr<adapters::bugzilla::BugzillaClient> make_client(
    const std::string& url, sync::BugzillaAuth auth, const std::string& key,
    int request_timeout_seconds = 5, int max_attempts = 4,
    adapters::bugzilla::BugzillaClientOptions options = {}, double sleep_seconds = 0.02);

inline constexpr const char* k_ca_key = "ca-key-0000000001";
inline constexpr const char* k_moderator_key = "mod-key-000000002";
inline constexpr const char* k_insider_key = "ins-key-000000003";

}  // namespace bzjira::simtest
