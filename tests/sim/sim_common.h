// Shared pieces of the two simulator halves: seeded fault decisions and request counting.
// Each half owns its own cpprest http_listener on its own port.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>

namespace bzjira::sim {

// The fault kinds both halves can inject (issue 3 item 9, issue 4 item 13).
enum class FaultKind { none, http500, http503_html, hang, reset, truncated_json, rate_limit };

const char* to_string(FaultKind kind);

// Decides, reproducibly from a seed, whether and how the next request fails. Thread-safe.
class FaultPlan {
 public:
  FaultPlan(double rate, std::uint64_t seed);
  void set_rate(double rate);
  double rate() const;
  FaultKind next();  // none with probability 1 - rate, else one kind uniformly
  long injected() const;

 private:
  mutable std::mutex m_mu;
  double m_rate;
  std::mt19937_64 m_rng;
  long m_injected = 0;
};

// Request counts per route ("GET /rest/bug"), reported by /__sim/stats.
class RequestCounter {
 public:
  void add(const std::string& route);
  std::map<std::string, long> snapshot() const;
  long total() const;
  void reset();

 private:
  mutable std::mutex m_mu;
  std::map<std::string, long> m_counts;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to 0, read, close).
int pick_free_port();

}  // namespace bzjira::sim
