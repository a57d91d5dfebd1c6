// Full-disk tests: a write that does not fit fails with a clear I/O error (exit 74) and leaves the store intact.
// Simulated with SQLite's max_page_count; as root also on a real, small tmpfs.
#include <sys/mount.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "support.hpp"

using namespace store_test;

namespace {

std::vector<ps::FactAssertion> big_batch(int n) {
  std::vector<ps::FactAssertion> out;
  for (int i = 0; i < n; ++i)
    out.push_back(fact("filler", "(\"" + std::to_string(i) + "\")", "\"" + std::string(300, 'x') + "\""));
  return out;
}

void expect_full(const std::function<void()>& attempt, const char* what) {
  try {
    attempt();
    FAIL(what << " fitted on a full disk");
  } catch (const ps::StoreError& e) {
    INFO(e.what());
    CHECK(e.kind() == ps::ErrorKind::io);
    CHECK(e.exit_code() == 74);
    CHECK(std::string(e.what()).find("disk is full") != std::string::npos);
  }
}

// Imports and records a little, fills the disk, then checks that a large import and
// decision fail cleanly (on an open store and on one opened after the disk filled).
void fill_and_check(const std::string& path, const ps::StoreOptions& full_options,
                    const std::function<void()>& make_full, const std::function<void()>& make_room,
                    bool full_before_open) {
  std::string head;
  std::size_t facts_before = 0;
  {
    auto s = ps::Store::open(path, ps::OpenMode::create_if_missing);
    s.import_facts({fact("gate_p1", "", "true"), fact("gate_p2", "", "false")}, by("alice"));
    s.record_decision(toy_decision("phases: p1 p2", {snap("gate_p1", "true"), snap("gate_p2", "false")}));
    head = s.head()->hash;
    facts_before = s.facts().facts.size();
  }
  std::vector<ps::SnapshotFact> many;
  for (int i = 0; i < 3000; ++i) many.push_back(snap("f" + std::to_string(i), "\"" + std::string(300, 'y') + "\""));
  {
    if (full_before_open) make_full();
    auto s = ps::Store::open(path, ps::OpenMode::must_exist, full_options);
    if (!full_before_open) make_full();
    expect_full([&] { s.import_facts(big_batch(3000), by("alice")); }, "a 1 MB import");
    expect_full([&] { s.record_decision(toy_decision("phases: p1 p2", many)); }, "a 1 MB decision");
    // The same connection still reads the intact store.
    CHECK(s.head()->hash == head);
    CHECK(s.facts().facts.size() == facts_before);
  }
  // Opening on the full disk: either it opens (and the write fails) or the open fails, clearly.
  expect_full(
      [&] {
        auto s = ps::Store::open(path, ps::OpenMode::must_exist, full_options);
        s.import_facts(big_batch(3000), by("alice"));
      },
      "an import on a store opened on a full disk");
  make_room();
  {
    auto s = ps::Store::open(path, ps::OpenMode::must_exist);
    CHECK(s.integrity_check() == "ok");
    CHECK(s.head()->hash == head);
    CHECK(s.facts().facts.size() == facts_before);
    CHECK(s.batches().size() == 1);
    CHECK(s.verify(toy_replay, head).ok());
    s.import_facts({fact("gate_p2", "", "true")}, by("alice"));
    CHECK(s.verify(toy_replay, head).ok());
  }
}

}  // namespace

TEST_CASE("disk full (simulated with max_page_count): clear error, store intact", "[store][disk-full]") {
  TempDir dir;
  std::string path = dir.file("s.db");
  ps::StoreOptions full;
  fill_and_check(
      path, full, [&] { full.max_page_count = raw_int(path, "PRAGMA page_count") + 4; }, [] {}, true);
}

TEST_CASE("disk full on a real 2 MB tmpfs (root only)", "[store][disk-full]") {
  if (geteuid() != 0) {
    WARN("not root: skipping the tmpfs full-disk test (the max_page_count one still runs)");
    return;
  }
  TempDir dir;
  std::string mnt = dir.file("mnt");
  fs::create_directory(mnt);
  if (mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=2m") != 0) {
    WARN("cannot mount a tmpfs (" << std::strerror(errno) << "): skipping");
    return;
  }
  struct Unmount {
    std::string p;
    ~Unmount() { umount2(p.c_str(), MNT_DETACH); }
  } unmount{mnt};
  std::string path = mnt + "/s.db";
  std::string filler = mnt + "/filler";
  fill_and_check(
      path, {},
      [&] {
        std::ofstream out(filler, std::ios::binary);
        std::string block(4096, 'f');
        while (out.write(block.data(), block.size())) {
        }
      },
      [&] { fs::remove(filler); }, false);
}
