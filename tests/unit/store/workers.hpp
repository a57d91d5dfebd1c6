// Child-process workers for the crash and concurrency tests: import facts and record decisions, reporting each commit.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <random>

#include "support.hpp"

namespace store_test {

// Writes one report line with a single write() (atomic below PIPE_BUF).
inline void report(int fd, const std::string& line) {
  if (fd < 0) return;
  std::string s = line + "\n";
  ssize_t n = ::write(fd, s.data(), s.size());
  (void)n;
}

// One import of `lines` assertions: random gates plus filler facts tagged with the worker and step.
inline ps::ImportResult worker_import(ps::Store& s, std::mt19937& rng, const std::string& tag, int step, int lines) {
  std::vector<ps::FactAssertion> batch;
  const char* values[] = {"true", "false", "unknown"};
  batch.push_back(fact("gate_p1", "", values[rng() % 3]));
  batch.push_back(fact("gate_p2", "", values[rng() % 3]));
  for (int i = 2; i < lines; ++i)
    batch.push_back(fact("filler", "(\"" + std::to_string(i) + "\")", "\"" + tag + "-" + std::to_string(step) + "\"",
                         "worker " + tag, "2026-11-20", "w.facts", static_cast<std::uint32_t>(i)));
  return s.import_facts(batch, by("worker-" + tag));
}

// One decision on the gates the store holds now (as `advise --db --record` does).
inline ps::RecordedDecision worker_decide(ps::Store& s, const std::string& tag) {
  auto state = s.facts();
  std::vector<ps::SnapshotFact> facts;
  for (const auto& f : state.facts) {
    if (f.name.rfind("gate_", 0) != 0) continue;
    ps::SnapshotFact sf = snap(f.name, f.value_text, f.source);
    sf.record_id = f.id;
    sf.recorded_by = f.actor;
    sf.recorded_at = f.recorded_at;
    sf.file = "store";
    facts.push_back(sf);
  }
  auto in = toy_decision("phases: p1 p2 p3", facts, "worker-" + tag);
  in.facts_known_at = state.known_at;
  return s.record_decision(in);
}

// Runs in a child: `steps` imports and decisions, alternating, the first chosen at
// random (forever when steps < 0).
// Reports `I batch_id count` and `D id hash` after each commit. Returns the exit status.
inline int worker_main(const std::string& path, const std::string& tag, int steps, int report_fd, unsigned seed) {
  try {
    std::mt19937 rng(seed);
    auto s = ps::Store::open(path, ps::OpenMode::create_if_missing);
    int first = static_cast<int>(rng() % 2);
    for (int i = 0; steps < 0 || i < steps; ++i) {
      if ((i + first) % 2 == 0) {
        auto r = worker_import(s, rng, tag, i, 2 + static_cast<int>(rng() % 40));
        report(report_fd, "I " + std::to_string(r.batch_id) + " " + std::to_string(r.count));
      } else {
        auto d = worker_decide(s, tag);
        report(report_fd, "D " + std::to_string(d.id) + " " + d.hash);
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "worker %s: %s\n", tag.c_str(), e.what());
    return 1;
  }
}

// Everything a child reported before it died.
inline std::string drain(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace store_test
