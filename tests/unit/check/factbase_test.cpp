// FactBase: the compact store of one evaluation's facts (pooled constants, rows of ids, shared provenance).
#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "engine/program.hpp"

using namespace phasegate::engine;

namespace {

Constant num(std::int64_t v) { return Decimal::from_int(v); }
Constant frac(const char* s) { return *Decimal::parse(s); }

FactOrigin at(const std::string& file, std::uint32_t line, const std::string& source = "") {
  FactOrigin o;
  o.file = file;
  o.line = line;
  o.column = 1;
  o.source = source;
  return o;
}

}  // namespace

TEST_CASE("a later entry for the same tuple replaces the earlier one in its place") {
  FactBase fb(2);
  fb.set(0, FactEntry{{num(1), std::string("Rafah")}, num(500), at("a.facts", 3, "UN")});
  fb.set(0, FactEntry{{num(2), std::string("Khan Younis")}, std::nullopt, at("a.facts", 4, "UN")});
  fb.set(0, FactEntry{{num(1), std::string("Rafah")}, Constant{Unknown{}}, at("b.facts", 9, "press")});
  REQUIRE(fb.size(0) == 2);
  CHECK(fb.size(1) == 0);
  CHECK(fb.total() == 2);
  FactEntry first = fb.entry(0, 0);
  CHECK(first.args == std::vector<Constant>{num(1), std::string("Rafah")});
  CHECK(std::holds_alternative<Unknown>(*first.value));
  CHECK(first.origin.file == "b.facts");
  CHECK(first.origin.line == 9);
  CHECK(first.origin.source == "press");
  FactEntry second = fb.entry(0, 1);
  CHECK_FALSE(second.value);  // a relation with values keeps "no value" for an entry without one
  CHECK(second.origin.file == "a.facts");
  CHECK(second.origin.line == 4);
  CHECK(fb.find(0, {num(2), std::string("Khan Younis")}) == std::optional<std::size_t>(1));
  CHECK_FALSE(fb.find(0, {num(2), std::string("Rafah")}));
  CHECK_FALSE(fb.find(0, {num(3), std::string("Rafah")}));  // a constant never listed
}

TEST_CASE("small whole numbers, decimals and other constants are pooled once each") {
  FactBase fb(1);
  fb.set(0, FactEntry{{num(7), frac("7.5")}, std::nullopt, at("t.tsv", 1)});
  fb.set(0, FactEntry{{num(7), frac("7")}, std::nullopt, at("t.tsv", 2)});  // 7 and 7.0 are one number
  fb.set(0, FactEntry{{num(-7), num(5'000'000)}, std::nullopt, at("t.tsv", 3)});
  REQUIRE(fb.size(0) == 3);
  CHECK(fb.row(0, 0)[0] == fb.row(0, 1)[0]);
  CHECK(fb.row(0, 1)[0] == fb.row(0, 1)[1]);
  CHECK(fb.row(0, 0)[1] != fb.row(0, 1)[1]);
  CHECK(fb.intern_small(7) == fb.row(0, 0)[0]);
  CHECK(fb.intern(num(5'000'000)) == fb.row(0, 2)[1]);  // beyond the direct range: hashed
  CHECK(fb.constants().size() == 4);                    // 7, 7.5, -7, 5 000 000
  CHECK(fb.args(0, 2) == std::vector<Constant>{num(-7), num(5'000'000)});
}

TEST_CASE("erase removes one entry and keeps the others findable") {
  FactBase fb(1);
  for (int i = 0; i < 100; ++i) fb.set(0, FactEntry{{num(i)}, std::nullopt, at("u.tsv", static_cast<std::uint32_t>(i + 1))});
  CHECK(fb.erase(0, {num(40)}));
  CHECK_FALSE(fb.erase(0, {num(40)}));
  REQUIRE(fb.size(0) == 99);
  CHECK_FALSE(fb.find(0, {num(40)}));
  CHECK(fb.find(0, {num(41)}) == std::optional<std::size_t>(40));
  CHECK(fb.origin(0, 40).line == 42);
}

TEST_CASE("merging adds entries as set() would, remapping constants and provenance") {
  FactBase a(2), b(2);
  a.set(0, FactEntry{{std::string("x")}, num(1), at("a.facts", 1, "A")});
  a.set(1, FactEntry{{}, Constant{true}, at("a.facts", 2, "A")});
  b.set(0, FactEntry{{std::string("y")}, num(2), at("b.facts", 5, "B")});
  b.set(0, FactEntry{{std::string("x")}, num(3), at("b.facts", 6, "B")});
  a.merge(std::move(b));
  REQUIRE(a.size(0) == 2);
  CHECK(a.entry(0, 0).value == std::optional<Constant>(num(3)));
  CHECK(a.origin(0, 0).file == "b.facts");
  CHECK(a.origin(0, 0).line == 6);
  CHECK(a.entry(0, 1).args == std::vector<Constant>{std::string("y")});
  CHECK(a.origin(0, 1).source == "B");
  CHECK(a.entry(1, 0).value == std::optional<Constant>(Constant{true}));

  FactBase empty;
  empty.merge(std::move(a));  // into an empty base: taken whole
  CHECK(empty.total() == 3);
  CHECK(empty.relations() == 2);
}

TEST_CASE("a FactBase agrees with a map of its entries under random sets and erases") {
  std::mt19937 rng(7);
  FactBase fb(1);
  std::map<std::vector<std::int64_t>, std::int64_t> model;
  for (int step = 0; step < 20'000; ++step) {
    std::vector<std::int64_t> key{static_cast<std::int64_t>(rng() % 300), static_cast<std::int64_t>(rng() % 5) - 2};
    std::vector<Constant> args{num(key[0]), num(key[1])};
    if (rng() % 5 == 0) {
      CHECK(fb.erase(0, args) == (model.erase(key) == 1));
    } else {
      auto v = static_cast<std::int64_t>(rng() % 1000);
      fb.set(0, FactEntry{args, num(v), at("r.facts", static_cast<std::uint32_t>(step))});
      model[key] = v;
    }
  }
  REQUIRE(fb.size(0) == model.size());
  for (const auto& [key, v] : model) {
    auto i = fb.find(0, {num(key[0]), num(key[1])});
    REQUIRE(i);
    CHECK(fb.value(0, *i) == std::optional<Constant>(num(v)));
  }
}

TEST_CASE("entries appended together and settled are those set() one by one would give") {
  std::mt19937 rng(11);
  FactBase bulk(2), one_by_one(2);
  std::size_t line = 0;
  for (int batch = 0; batch < 30; ++batch) {
    // Batches from a few rows to a few thousand (many buckets), with keys repeated inside a batch
    // and across batches; values only from the fifth batch on (the value column appears late).
    const std::size_t rows = rng() % 3 == 0 ? 3 + rng() % 10 : 200 + rng() % 3000;
    const std::uint32_t keys = 50 + rng() % 5000;
    const std::size_t first = bulk.size(1);
    for (std::size_t i = 0; i < rows; ++i) {
      // the same numbers interned in the same order in both: the ids agree
      auto both = [&](std::uint32_t v) {
        const std::uint32_t id = bulk.intern_small(v);
        REQUIRE(one_by_one.intern_small(v) == id);
        return id;
      };
      std::uint32_t ids[2] = {both(static_cast<std::uint32_t>(rng() % keys)), both(static_cast<std::uint32_t>(rng() % 3))};
      std::uint32_t value = FactBase::kNoValue;
      if (batch >= 4 && rng() % 2) value = both(static_cast<std::uint32_t>(rng() % 100));
      FactOrigin o = at("t" + std::to_string(batch) + ".tsv", static_cast<std::uint32_t>(++line));
      bulk.append_ids(1, ids, 2, value, o);
      one_by_one.set_ids(1, ids, 2, value, o);
    }
    bulk.settle(1, first);
    REQUIRE(bulk.size(1) == one_by_one.size(1));
  }
  for (std::size_t i = 0; i < bulk.size(1); ++i) {
    CHECK(bulk.entry(1, i).args == one_by_one.entry(1, i).args);
    CHECK(bulk.value(1, i) == one_by_one.value(1, i));
    CHECK(bulk.origin(1, i).line == one_by_one.origin(1, i).line);
    CHECK(bulk.origin(1, i).file == one_by_one.origin(1, i).file);
    CHECK(bulk.find(1, bulk.entry(1, i).args) == std::optional<std::size_t>(i));
  }
}

TEST_CASE("a fact base whose indexes were released answers and changes as one that kept them") {
  std::mt19937 rng(23);
  FactBase kept(2), released(2);
  // Text and large numbers are hashed in the pool; small whole numbers are looked up directly.
  auto constant = [&](std::uint32_t k) -> Constant {
    switch (k % 3) {
      case 0: return num(k);
      case 1: return std::string("unit-") + std::to_string(k);
      default: return num(10'000'000 + k);
    }
  };
  std::size_t line = 0;
  for (int round = 0; round < 40; ++round) {
    released.release_index();
    const int what = static_cast<int>(rng() % 4);
    const int steps = static_cast<int>(1 + rng() % 300);
    const std::size_t first = kept.size(1);
    for (int step = 0; step < steps; ++step) {
      std::vector<Constant> args{constant(static_cast<std::uint32_t>(rng() % 400)), constant(rng() % 4)};
      const FactEntry entry{args, num(rng() % 100), at("r.facts", static_cast<std::uint32_t>(++line))};
      if (what == 0) {
        CHECK(released.erase(1, args) == kept.erase(1, args));
      } else if (what == 1) {  // a table: appended, then settled
        std::uint32_t ids[2], kids[2];
        for (int k = 0; k < 2; ++k) {
          ids[k] = released.intern(args[static_cast<std::size_t>(k)]);
          kids[k] = kept.intern(args[static_cast<std::size_t>(k)]);
        }
        released.append_ids(1, ids, 2, released.intern(*entry.value), entry.origin);
        kept.append_ids(1, kids, 2, kept.intern(*entry.value), entry.origin);
      } else {
        released.set(1, entry);
        kept.set(1, entry);
      }
    }
    if (what == 1) {
      released.settle(1, first);
      kept.settle(1, first);
    }
    if (what == 3) {  // merged into a copy that was released too
      FactBase copy = released;
      copy.release_index();
      FactBase extra(2);
      extra.set(1, FactEntry{{constant(5), constant(1)}, num(1), at("m.facts", 1)});
      copy.merge(std::move(extra));
      released = std::move(copy);
      kept.set(1, FactEntry{{constant(5), constant(1)}, num(1), at("m.facts", 1)});
    }
    REQUIRE(released.size(1) == kept.size(1));
  }
  released.release_index();
  for (std::size_t i = 0; i < kept.size(1); ++i) {
    const FactEntry e = kept.entry(1, i);
    CHECK(released.entry(1, i).args == e.args);
    CHECK(released.value(1, i) == e.value);
    CHECK(released.origin(1, i).line == e.origin.line);
    CHECK(released.find(1, e.args) == std::optional<std::size_t>(i));
  }
  for (std::uint32_t k = 0; k < 500; ++k)
    CHECK(released.find(1, {constant(k), constant(k % 4)}) == kept.find(1, {constant(k), constant(k % 4)}));
  CHECK_FALSE(released.find(1, {std::string("never listed"), constant(1)}));
}

TEST_CASE("merging into a fact base without entries keeps the constants it has at their ids") {
  FactBase fb(1);
  fb.set(0, FactEntry{{std::string("kept")}, std::nullopt, at("a.facts", 1)});
  REQUIRE(fb.erase(0, {std::string("kept")}));
  REQUIRE(fb.total() == 0);
  const Constant* address = &fb.constants()[0];
  FactBase other(1);
  other.set(0, FactEntry{{std::string("new")}, std::nullopt, at("b.facts", 2)});
  fb.merge(std::move(other));
  CHECK(&fb.constants()[0] == address);  // an evaluation may read it in place
  CHECK(fb.constants()[0] == Constant{std::string("kept")});
  CHECK(fb.args(0, 0) == std::vector<Constant>{std::string("new")});
}

TEST_CASE("each entry keeps its file and line through appends in runs, replacements, erases and merges") {
  std::mt19937 rng(31);
  FactBase fb(1);
  struct Expected {
    std::int64_t key;
    std::string file;
    std::uint32_t line;
  };
  std::vector<Expected> want;  // in entry order
  auto place = [&](std::int64_t key, const std::string& file, std::uint32_t line) {
    for (Expected& e : want)
      if (e.key == key) {  // replaced in its place
        e.file = file;
        e.line = line;
        return;
      }
    want.push_back({key, file, line});
  };
  auto check_all = [&](const FactBase& got, std::size_t offset) {
    for (std::size_t i = 0; i < want.size(); ++i) {
      INFO("entry " << i);
      REQUIRE(got.args(0, i + offset) == std::vector<Constant>{num(want[i].key)});
      REQUIRE(got.origin(0, i + offset).file == want[i].file);
      REQUIRE(got.origin(0, i + offset).line == want[i].line);
    }
  };
  std::int64_t next_key = 0;
  for (int round = 0; round < 300; ++round) {
    const std::string file = "f" + std::to_string(rng() % 3) + ".facts";
    // Appends only at first, mostly long runs (kept as runs), then everything.
    const int what = round < 100 ? (rng() % 10 == 0 ? 2 : static_cast<int>(rng() % 2)) : static_cast<int>(rng() % 6);
    const int n = static_cast<int>(1 + rng() % 40);
    std::uint32_t line = rng() % 1000;
    if (what <= 2) {  // a run: new keys on lines counting up (a table), on one line (the store), or scattered
      for (int i = 0; i < n; ++i) {
        const std::uint32_t l = what == 0 ? line + static_cast<std::uint32_t>(i) : what == 1 ? line : static_cast<std::uint32_t>(rng() % 50);
        fb.set(0, FactEntry{{num(next_key)}, std::nullopt, at(file, l)});
        place(next_key++, file, l);
      }
    } else if (what == 3 && next_key > 0) {  // earlier keys listed again: replaced in place
      for (int i = 0; i < n; ++i) {
        const auto key = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(next_key));
        fb.set(0, FactEntry{{num(key)}, std::nullopt, at(file, line + static_cast<std::uint32_t>(i))});
        place(key, file, line + static_cast<std::uint32_t>(i));
      }
    } else if (what == 4 && next_key > 0) {  // erased
      const auto key = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(next_key));
      const bool listed = std::any_of(want.begin(), want.end(), [&](const Expected& e) { return e.key == key; });
      CHECK(fb.erase(0, {num(key)}) == listed);
      want.erase(std::remove_if(want.begin(), want.end(), [&](const Expected& e) { return e.key == key; }), want.end());
    } else {  // a table appended and settled, some of its rows repeating earlier keys or each other
      const std::size_t first = fb.size(0);
      for (int i = 0; i < n; ++i) {
        const std::int64_t key = rng() % 4 == 0 && next_key > 0 ? static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(next_key)) : next_key++;
        const std::uint32_t id = fb.intern(num(key));
        fb.append_ids(0, &id, 1, FactBase::kNoValue, at(file, line + static_cast<std::uint32_t>(i)));
        place(key, file, line + static_cast<std::uint32_t>(i));
      }
      fb.settle(0, first);
    }
    REQUIRE(fb.size(0) == want.size());
    if (round % 10 == 9) check_all(fb, 0);
  }
  check_all(fb, 0);
  FactBase merged(1);
  merged.set(0, FactEntry{{num(-1)}, std::nullopt, at("first.facts", 1)});
  merged.merge(FactBase(fb));
  check_all(merged, 1);
}

TEST_CASE("a table's entries share their provenance but each keeps its line") {
  FactBase fb(1);
  for (std::uint32_t i = 0; i < 100'000; ++i) {
    const std::uint32_t id = fb.intern_small(i);
    fb.append_ids(0, &id, 1, FactBase::kNoValue, at("big.tsv", 2 + i, "census"));
  }
  fb.settle(0, 0);
  for (std::uint32_t i = 0; i < 100'000; i += 997) {
    CHECK(fb.origin(0, i).line == 2 + i);
    CHECK(fb.origin(0, i).source == "census");
  }
  fb.set(0, FactEntry{{num(500)}, std::nullopt, at("fix.facts", 7)});  // one replaced: the others unchanged
  CHECK(fb.origin(0, 500).file == "fix.facts");
  CHECK(fb.origin(0, 500).line == 7);
  CHECK(fb.origin(0, 501).line == 503);
  CHECK(fb.origin(0, 499).file == "big.tsv");
}
