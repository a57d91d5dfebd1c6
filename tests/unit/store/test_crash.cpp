// Crash test: children import facts and record decisions; the parent SIGKILLs them at random moments, hundreds
// of times. Afterwards the store must pass integrity_check and verify, hold every reported decision and import,
// and hold no half-applied import. PHASEGATE_STORE_CRASH_ITERATIONS runs it longer (default 300).
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "workers.hpp"

using namespace store_test;

TEST_CASE("crash: SIGKILL at random moments never loses a reported commit or half-applies an import",
          "[store][crash]") {
  int iterations = 300;
  if (const char* env = std::getenv("PHASEGATE_STORE_CRASH_ITERATIONS")) iterations = std::max(1, std::atoi(env));
  TempDir dir;
  std::string path = dir.file("crash.db");
  std::mt19937 rng(20261124);
  std::map<std::int64_t, std::string> reported_decisions;  // id -> hash
  std::map<std::int64_t, std::int64_t> reported_imports;   // batch -> count
  int killed = 0, finished = 0;
  auto start = std::chrono::steady_clock::now();

  for (int it = 0; it < iterations; ++it) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    // Two children at once some of the time, so that kills also land while one waits for the lock.
    int children = it % 3 == 0 ? 2 : 1;
    std::vector<pid_t> pids;
    for (int c = 0; c < children; ++c) {
      unsigned seed = static_cast<unsigned>(rng());
      pid_t pid = fork();
      REQUIRE(pid >= 0);
      if (pid == 0) {
        close(fds[0]);
        _exit(worker_main(path, std::to_string(it) + "." + std::to_string(c), -1, fds[1], seed));
      }
      pids.push_back(pid);
    }
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 40'000));
    for (pid_t pid : pids) kill(pid, SIGKILL);
    for (pid_t pid : pids) {
      int status = 0;
      waitpid(pid, &status, 0);
      if (WIFSIGNALED(status))
        ++killed;
      else
        ++finished;  // a worker that failed on its own would exit 1: counted and checked below
      CHECK_FALSE((WIFEXITED(status) && WEXITSTATUS(status) != 0));
    }
    std::istringstream lines(drain(fds[0]));
    close(fds[0]);
    std::string kind;
    while (lines >> kind) {
      std::int64_t id = 0;
      std::string rest;
      lines >> id >> rest;
      if (kind == "D") reported_decisions[id] = rest;
      if (kind == "I") reported_imports[id] = std::stoll(rest);
    }
  }
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO("iterations " << iterations << ", killed " << killed << ", " << seconds << " s");
  CHECK(killed > iterations / 2);

  auto s = ps::Store::open(path, ps::OpenMode::must_exist);
  CHECK(s.integrity_check() == "ok");
  for (const auto& [id, hash] : reported_decisions) {
    INFO("reported decision " << id);
    CHECK(s.decision(id).hash == hash);
  }
  std::map<std::int64_t, std::int64_t> batch_counts;
  for (const auto& b : s.batches()) batch_counts[b.id] = static_cast<std::int64_t>(b.count);
  for (const auto& [id, count] : reported_imports) {
    INFO("reported import " << id);
    CHECK(batch_counts[id] == count);
  }
  // No half import: every batch holds exactly the lines it recorded.
  CHECK(raw_int(path,
                "SELECT count(*) FROM import_batch b WHERE line_count <> "
                "(SELECT count(*) FROM fact_assertion a WHERE a.batch_id = b.id)") == 0);
  auto rep = s.verify(toy_replay);
  std::string msgs;
  for (const auto& p : rep.problems) msgs += p.message + "\n";
  INFO(msgs);
  CHECK(rep.ok());
  CHECK(rep.records >= static_cast<std::int64_t>(reported_decisions.size()));
  WARN("crash test: " << iterations << " rounds, " << killed << " kills, " << reported_decisions.size()
                      << " reported decisions, " << reported_imports.size() << " reported imports, " << rep.records
                      << " decisions in the log, " << seconds << " s");
}
