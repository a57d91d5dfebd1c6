// Concurrency test: several processes create the store, import facts and record decisions at once; nothing is lost
// and no process fails with "database is locked".
#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "workers.hpp"

using namespace store_test;

TEST_CASE("concurrency: parallel writers lose nothing and never see 'database is locked'", "[store][concurrency]") {
  constexpr int kWorkers = 6;
  constexpr int kSteps = 30;  // 15 imports and 15 decisions each
  TempDir dir;
  std::string path = dir.file("busy.db");  // not created yet: the workers race to create it

  int go[2];
  REQUIRE(pipe(go) == 0);
  std::vector<std::pair<pid_t, int>> children;  // pid, report fd
  for (int w = 0; w < kWorkers; ++w) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      close(go[1]);
      char c;
      while (read(go[0], &c, 1) > 0) {
      }  // start together: the parent closes the pipe
      _exit(worker_main(path, "w" + std::to_string(w), kSteps, fds[1], 1000u + static_cast<unsigned>(w)));
    }
    close(fds[1]);
    children.emplace_back(pid, fds[0]);
  }
  close(go[0]);
  close(go[1]);

  std::set<std::int64_t> decisions, imports;
  std::int64_t lines_reported = 0;
  for (auto [pid, fd] : children) {
    std::istringstream in(drain(fd));
    close(fd);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);  // a "locked" failure would exit 1 and print it
    std::string kind, rest;
    std::int64_t id = 0;
    while (in >> kind >> id >> rest) {
      if (kind == "D") CHECK(decisions.insert(id).second);
      if (kind == "I") {
        CHECK(imports.insert(id).second);
        lines_reported += std::stoll(rest);
      }
    }
  }
  CHECK(decisions.size() == kWorkers * kSteps / 2);
  CHECK(imports.size() == kWorkers * kSteps / 2);

  auto s = ps::Store::open(path, ps::OpenMode::must_exist);
  CHECK(s.integrity_check() == "ok");
  CHECK(s.list_decisions().size() == decisions.size());
  CHECK(s.batches().size() == imports.size());
  CHECK(raw_int(path, "SELECT count(*) FROM fact_assertion") == lines_reported);
  auto rep = s.verify(toy_replay);
  std::string msgs;
  for (const auto& p : rep.problems) msgs += p.message + "\n";
  INFO(msgs);
  CHECK(rep.ok());
  CHECK(rep.records == static_cast<std::int64_t>(decisions.size()));
}
