// Shared simulator pieces: seeded fault decisions, request counters, free-port picking.
#include "tests/sim/sim_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace bzjira::sim {

const char* to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::none:
      return "none";
    case FaultKind::http500:
      return "http500";
    case FaultKind::http503_html:
      return "http503_html";
    case FaultKind::hang:
      return "hang";
    case FaultKind::reset:
      return "reset";
    case FaultKind::truncated_json:
      return "truncated_json";
    case FaultKind::rate_limit:
      return "rate_limit";
  }
  return "unknown";
}

FaultPlan::FaultPlan(double rate, std::uint64_t seed) : m_rate(rate), m_rng(seed) {}

void FaultPlan::set_rate(double rate) {
  std::lock_guard<std::mutex> lock(m_mu);
  m_rate = rate;
}

double FaultPlan::rate() const {
  std::lock_guard<std::mutex> lock(m_mu);
  return m_rate;
}

FaultKind FaultPlan::next() {
  constexpr FaultKind k_kinds[] = {FaultKind::http500,        FaultKind::http503_html,
                                   FaultKind::hang,           FaultKind::reset,
                                   FaultKind::truncated_json, FaultKind::rate_limit};
  constexpr std::uint64_t k_kind_count = sizeof(k_kinds) / sizeof(k_kinds[0]);
  std::lock_guard<std::mutex> lock(m_mu);
  if (m_rate <= 0) {
    return FaultKind::none;
  }
  // Hand-rolled draws instead of std::uniform_*_distribution: those are implementation-defined,
  // and a seed must give the same fault sequence with any standard library.
  const double u = static_cast<double>(m_rng() >> 11) * 0x1.0p-53;
  if (u >= m_rate) {
    return FaultKind::none;
  }
  ++m_injected;
  return k_kinds[m_rng() % k_kind_count];
}

long FaultPlan::injected() const {
  std::lock_guard<std::mutex> lock(m_mu);
  return m_injected;
}

void RequestCounter::add(const std::string& route) {
  std::lock_guard<std::mutex> lock(m_mu);
  ++m_counts[route];
}

std::map<std::string, long> RequestCounter::snapshot() const {
  std::lock_guard<std::mutex> lock(m_mu);
  return m_counts;
}

long RequestCounter::total() const {
  std::lock_guard<std::mutex> lock(m_mu);
  long sum = 0;
  for (const auto& [route, count] : m_counts) {
    sum += count;
  }
  return sum;
}

void RequestCounter::reset() {
  std::lock_guard<std::mutex> lock(m_mu);
  m_counts.clear();
}

int pick_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    throw std::runtime_error("pick_free_port: socket() failed");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("pick_free_port: bind() failed");
  }
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

}  // namespace bzjira::sim
