// The simulators' shared pieces: seeded fault plans, request counters, free ports.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <vector>

#include "tests/sim/sim_common.h"

using bzjira::sim::FaultKind;
using bzjira::sim::FaultPlan;

namespace {

std::vector<FaultKind> draw(FaultPlan& plan, int n) {
  std::vector<FaultKind> kinds;
  kinds.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    kinds.push_back(plan.next());
  }
  return kinds;
}

}  // namespace

TEST_CASE("A fault plan with rate zero never injects a fault", "[sim]") {
  FaultPlan plan(0.0, 42);
  for (FaultKind kind : draw(plan, 200)) {
    CHECK(kind == FaultKind::none);
  }
  CHECK(plan.injected() == 0);
}

TEST_CASE("A fault plan with rate one injects every kind and counts them", "[sim]") {
  FaultPlan plan(1.0, 7);
  std::set<FaultKind> seen;
  for (FaultKind kind : draw(plan, 600)) {
    CHECK(kind != FaultKind::none);
    seen.insert(kind);
  }
  CHECK(seen == std::set<FaultKind>{FaultKind::http500, FaultKind::http503_html, FaultKind::hang,
                                    FaultKind::reset, FaultKind::truncated_json,
                                    FaultKind::rate_limit});
  CHECK(plan.injected() == 600);
}

TEST_CASE("The same seed gives the same fault sequence and another seed a different one", "[sim]") {
  FaultPlan a(0.3, 1234);
  FaultPlan b(0.3, 1234);
  FaultPlan c(0.3, 999);
  const auto seq_a = draw(a, 300);
  CHECK(seq_a == draw(b, 300));
  CHECK(seq_a != draw(c, 300));
}

TEST_CASE("A fault rate of one fifth injects roughly a fifth of the time", "[sim]") {
  FaultPlan plan(0.2, 5);
  draw(plan, 5000);
  // Binomial(5000, 0.2): mean 1000, standard deviation ~28; 6 sigma either way.
  CHECK(plan.injected() > 830);
  CHECK(plan.injected() < 1170);
}

TEST_CASE("Changing the fault rate takes effect on the next request", "[sim]") {
  FaultPlan plan(0.0, 3);
  CHECK(plan.next() == FaultKind::none);
  plan.set_rate(1.0);
  CHECK(plan.rate() == 1.0);
  CHECK(plan.next() != FaultKind::none);
}

TEST_CASE("Fault kinds have stable names", "[sim]") {
  CHECK(std::string(to_string(FaultKind::none)) == "none");
  CHECK(std::string(to_string(FaultKind::http500)) == "http500");
  CHECK(std::string(to_string(FaultKind::http503_html)) == "http503_html");
  CHECK(std::string(to_string(FaultKind::hang)) == "hang");
  CHECK(std::string(to_string(FaultKind::reset)) == "reset");
  CHECK(std::string(to_string(FaultKind::truncated_json)) == "truncated_json");
  CHECK(std::string(to_string(FaultKind::rate_limit)) == "rate_limit");
}

TEST_CASE("The request counter counts per route, totals and resets", "[sim]") {
  bzjira::sim::RequestCounter counter;
  counter.add("GET /rest/bug");
  counter.add("GET /rest/bug");
  counter.add("GET /rest/time");
  const auto counts = counter.snapshot();
  CHECK(counts.at("GET /rest/bug") == 2);
  CHECK(counts.at("GET /rest/time") == 1);
  CHECK(counter.total() == 3);
  counter.reset();
  CHECK(counter.snapshot().empty());
  CHECK(counter.total() == 0);
}

TEST_CASE("A picked port is free to bind on the loopback address", "[sim]") {
  const int port = bzjira::sim::pick_free_port();
  REQUIRE(port > 0);
  REQUIRE(port < 65536);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  CHECK(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  ::close(fd);
}
