// Issue 7 item 6: transport safety. A self-signed TLS server is refused unless its certificate is
// in the configured CA bundle, and http:// to a host that is not loopback is refused before any
// connection is attempted unless the mapping explicitly allows it. No traffic ever leaves
// 127.0.0.1: the non-loopback address (10.255.255.1) is only ever written in a mapping.
#include <catch2/catch.hpp>

#include <filesystem>
#include "tests/reliability/tls_tunnel.h"

#include "tests/reliability/world.h"

namespace bzjira::reliability {
namespace {

constexpr const char* k_now = "2026-10-05T12:00:00Z";

}  // namespace

TEST_CASE("issue 7: a self-signed TLS Bugzilla is refused unless its CA bundle is configured",
          "[e2e]") {
  World world(world_options(data_file("two_bugs.json"), k_now));
  TlsTunnel tls(world.bugzilla_port());
  world.point_at(tls.url(), world.jira_url());

  // No bundle: the system trust store does not know the certificate. Nothing reaches Bugzilla.
  const long before = sim_stats(world.bugzilla_port()).total;
  RunResult refused = world.sync(k_now);
  INFO(refused.out << refused.err);
  // sync/run.h: a failed read ends the run with 3; status and audit say 2 for the same error.
  CHECK((refused.code == 2 || refused.code == 3));
  CHECK(contains(refused.err, "TLS certificate verification failed for host 127.0.0.1"));
  CHECK(tls.handshakes_completed() == 0);
  CHECK(tls.handshakes_failed() >= 1);
  CHECK(sim_stats(world.bugzilla_port()).total == before);
  CHECK(world.issues().empty());
  // The online check says the same.
  const RunResult check = world.bzjira({"check", "-c", world.mapping_path(), "--online"});
  INFO(check.out << check.err);
  CHECK(check.code != 0);
  CHECK(contains(check.out + check.err, "certificate"));
  CHECK(sim_stats(world.bugzilla_port()).total == before);

  // With the certificate as the bundle, the same server is trusted and the sync goes through.
  Json mapping = world.mapping();
  mapping["bugzilla"]["http"]["ca_bundle"] = tls.certificate_path();
  write_file(world.mapping_path(), mapping.dump(2));
  const RunResult trusted = world.sync(k_now);
  INFO(trusted.out << trusted.err);
  CHECK(trusted.code == 0);
  CHECK(tls.handshakes_completed() >= 1);
  CHECK(sim_stats(world.bugzilla_port()).total > before);
  CHECK(world.issues().size() == 5);

  // A bundle that does not hold the server's CA is refused again (here: an unrelated PEM).
  TlsTunnel other(world.bugzilla_port());
  mapping["bugzilla"]["http"]["ca_bundle"] = other.certificate_path();
  write_file(world.mapping_path(), mapping.dump(2));
  const long trusted_count = sim_stats(world.bugzilla_port()).total;
  const RunResult wrong = world.sync(plus_minutes(k_now, 5));
  INFO(wrong.out << wrong.err);
  CHECK((wrong.code == 2 || wrong.code == 3));
  CHECK(contains(wrong.err, "the CA bundle " + other.certificate_path()));
  CHECK(sim_stats(world.bugzilla_port()).total == trusted_count);
}

TEST_CASE("issue 7: plain http to a non-loopback host is refused before any connection", "[e2e]") {
  World world(world_options(data_file("two_bugs.json"), k_now));
  struct Case {
    const char* side;
    const char* url;
  };
  // 10.255.255.1 does not answer: a connection attempt would hang for the connect timeout (set to
  // 300 s below), so a run that ends within the 60 s limit never tried.
  for (const Case c :
       {Case{"bugzilla", "http://10.255.255.1"}, Case{"jira", "http://10.255.255.1:8080"},
        Case{"bugzilla", "http://bugzilla.example.com"}}) {
    Json mapping = world.mapping();
    mapping[c.side]["url"] = c.url;
    mapping[c.side]["http"]["connect_timeout_seconds"] = 300;
    mapping[c.side]["http"]["request_timeout_seconds"] = 600;
    write_file(world.mapping_path(), mapping.dump(2));
    const long before = world.requests();
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"sync", "-c", world.mapping_path(), "--state",
                                   world.state_path(), "--now", k_now},
          std::vector<std::string>{"check", "-c", world.mapping_path(), "--online"},
          std::vector<std::string>{"snapshot", "-c", world.mapping_path(), "-o",
                                   world.dir().file("snap.json")}}) {
      const RunResult r = world.bzjira(args, std::chrono::seconds(60));
      INFO(c.side << " " << c.url << ": " << args[0] << "\n" << r.out << r.err);
      CHECK_FALSE(r.timed_out);
      CHECK(r.code == 2);
      CHECK(contains(r.err, world.mapping_path() + ": $." + c.side + ".url: "));
      CHECK(contains(r.err, "not loopback"));
      CHECK(contains(r.err, "allow_insecure_http"));
    }
    CHECK(world.requests() == before);  // not even the other service was asked
    CHECK_FALSE(std::filesystem::exists(world.state_path()));
    // Explicitly allowed, the mapping is valid (checked offline: no traffic is sent).
    mapping[c.side]["http"]["allow_insecure_http"] = true;
    write_file(world.mapping_path(), mapping.dump(2));
    const RunResult allowed = world.bzjira({"check", "-c", world.mapping_path()});
    INFO(allowed.out << allowed.err);
    CHECK(allowed.code == 0);
  }
}

}  // namespace bzjira::reliability
