// The tuple table's indexes against a scan of its rows: lookups by any set of columns, row ranges,
// groups that stop being single rows, and rows appended while a group is being listed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

#include "engine/eval/table.hpp"

using namespace phasegate::engine;
using phasegate::engine::eval_detail::Id;
using phasegate::engine::eval_detail::Table;

namespace {

// The rows in [lo, hi) whose columns in mask equal key's, by scanning.
std::vector<std::size_t> scan(const Table& t, std::uint64_t mask, const std::vector<Id>& key, std::size_t lo,
                              std::size_t hi) {
  std::vector<std::size_t> out;
  for (std::size_t r = lo; r < hi && r < t.rows(); ++r) {
    bool same = true;
    for (int c = 0; c < t.arity(); ++c)
      if ((mask & (1ULL << c)) && t.row(r)[c] != key[static_cast<std::size_t>(c)]) same = false;
    if (same) out.push_back(r);
  }
  return out;
}

std::vector<std::size_t> matches(const Table& t, std::uint64_t mask, const std::vector<Id>& key, std::size_t lo,
                                 std::size_t hi) {
  std::vector<std::size_t> out;
  t.for_matches(mask, key.data(), lo, hi, [&](std::size_t r) { out.push_back(r); });
  return out;
}

}  // namespace

TEST_CASE("a table's indexes list what a scan finds, in row order", "[table]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 40; ++round) {
    const int arity = 1 + round % 3;
    const Id values = 2 + static_cast<Id>(round % 5) * 7;  // few values: many groups of several rows
    Table t(arity);
    std::vector<Id> key(static_cast<std::size_t>(arity));
    // Indexes are built when first used, then kept up to date: use some early, while rows come in.
    for (int step = 0; step < 300; ++step) {
      for (auto& k : key) k = rng() % values;
      if (!t.find(key.data())) t.append(key.data(), Truth::true_);
      const std::uint64_t mask = rng() % (1ULL << arity);
      for (auto& k : key) k = rng() % values;
      const std::size_t lo = t.rows() ? rng() % t.rows() : 0, hi = lo + rng() % (t.rows() - lo + 1);
      REQUIRE(matches(t, mask, key, lo, hi) == scan(t, mask, key, lo, hi));
    }
    for (std::uint64_t mask = 0; mask < (1ULL << arity); ++mask)
      for (Id v = 0; v < values; ++v) {
        std::fill(key.begin(), key.end(), v);
        key[0] = (v * 3) % values;
        REQUIRE(matches(t, mask, key, 0, t.rows()) == scan(t, mask, key, 0, t.rows()));
      }
    // Every row is found by its whole tuple.
    for (std::size_t r = 0; r < t.rows(); ++r) {
      std::vector<Id> whole(t.row(r), t.row(r) + arity);
      REQUIRE(t.find(whole.data()) == r);
    }
  }
}

TEST_CASE("an index on a column whose values were distinct takes a repeated value", "[table]") {
  Table t(2);
  auto add = [&](Id a, Id b) {
    Id row[2] = {a, b};
    t.append(row, Truth::true_);
  };
  for (Id i = 0; i < 100; ++i) add(i, i);
  Id probe[2] = {42, 0};
  REQUIRE(matches(t, 1, {42, 0}, 0, t.rows()) == std::vector<std::size_t>{42});  // every group one row
  add(42, 1000);
  add(7, 1001);
  add(42, 1002);
  REQUIRE(matches(t, 1, {42, 0}, 0, t.rows()) == std::vector<std::size_t>{42, 100, 102});
  REQUIRE(matches(t, 1, {42, 0}, 43, t.rows()) == std::vector<std::size_t>{100, 102});
  REQUIRE(matches(t, 1, {42, 0}, 0, 101) == std::vector<std::size_t>{42, 100});
  REQUIRE(matches(t, 1, {7, 0}, 0, t.rows()) == std::vector<std::size_t>{7, 101});
  REQUIRE(matches(t, 1, {99, 0}, 0, t.rows()) == std::vector<std::size_t>{99});
  REQUIRE_FALSE(t.find(probe));
  Id whole[2] = {42, 1002};
  REQUIRE(t.find(whole) == 102u);
}

TEST_CASE("rows appended while a group is listed are not listed", "[table]") {
  Table t(2);
  for (Id i = 0; i < 5; ++i) {
    Id row[2] = {1, i};
    t.append(row, Truth::true_);
  }
  std::vector<std::size_t> seen;
  const std::size_t hi = t.rows();
  Id key[2] = {1, 0};
  t.for_matches(1, key, 0, hi, [&](std::size_t r) {
    seen.push_back(r);
    Id row[2] = {1, static_cast<Id>(100 + r)};  // same group, and enough rows to grow the index
    for (Id k = 0; k < 40; ++k) {
      row[1] = static_cast<Id>(1000 * (r + 1) + k);
      t.append(row, Truth::true_);
    }
  });
  REQUIRE(seen == std::vector<std::size_t>{0, 1, 2, 3, 4});
  REQUIRE(matches(t, 1, {1, 0}, 0, t.rows()).size() == 5 + 5 * 40);
}

TEST_CASE("an interner gives each constant one id, numbers below its limit found by value", "[table]") {
  using phasegate::engine::eval_detail::Interner;
  for (std::uint32_t limit : {0u, 100u, 5000u}) {
    INFO("direct below " << limit);
    Interner in;
    in.direct_below(limit);
    std::mt19937 rng(limit + 1);
    std::vector<Constant> seen;
    std::vector<Id> ids;
    for (int i = 0; i < 20'000; ++i) {
      Constant c;
      switch (rng() % 4) {
        case 0: c = Decimal::from_int(static_cast<std::int64_t>(rng() % 10'000)); break;  // around the limits
        case 1: c = *Decimal::parse(std::to_string(rng() % 200) + ".5"); break;
        case 2: c = Decimal::from_int(-static_cast<std::int64_t>(rng() % 50)); break;
        default: c = "s" + std::to_string(rng() % 3000); break;
      }
      const Id id = in.intern(c);
      CHECK(in.get(id) == c);
      CHECK(in.find(c) == std::optional<Id>(id));
      auto at = std::find(seen.begin(), seen.end(), c);
      if (at == seen.end()) {
        CHECK(id == seen.size());  // a new constant gets the next id
        seen.push_back(c);
      } else {
        CHECK(id == static_cast<Id>(at - seen.begin()));
      }
    }
    CHECK(in.size() == seen.size());
    CHECK(in.intern(*Decimal::parse("7.000")) == in.intern(Decimal::from_int(7)));  // one number
    CHECK_FALSE(in.find(Decimal::from_int(123'456)));
    CHECK_FALSE(in.find(std::string("never")));
  }
}

TEST_CASE("an interner sharing a fact base's pool gives its constants their pool ids", "[table]") {
  using phasegate::engine::eval_detail::Interner;
  for (std::uint32_t limit : {0u, 100u, 5000u}) {
    INFO("direct below " << limit);
    std::mt19937 rng(limit + 3);
    auto random_constant = [&]() -> Constant {
      switch (rng() % 4) {
        case 0: return Decimal::from_int(static_cast<std::int64_t>(rng() % 10'000));  // around the limits
        case 1: return *Decimal::parse(std::to_string(rng() % 200) + ".5");
        case 2: return Decimal::from_int(-static_cast<std::int64_t>(rng() % 50));
        default: return "s" + std::to_string(rng() % 3000);
      }
    };
    FactBase fb;
    for (int i = 0; i < 5'000; ++i) fb.intern(random_constant());
    const std::size_t shared = fb.constants().size();
    Interner in;
    in.direct_below(limit);
    in.share(fb.constants());
    REQUIRE(in.size() == shared);
    for (std::size_t id = 0; id < shared; ++id) {
      const Constant& c = fb.constants()[id];
      CHECK(&in.get(static_cast<Id>(id)) == &c);  // read in place, not copied
      CHECK(in.find(c) == std::optional<Id>(static_cast<Id>(id)));
      CHECK(in.intern(c) == static_cast<Id>(id));
      CHECK_FALSE(in.uncertain(static_cast<Id>(id)));
    }
    // Constants met later get ids after the pool's, and grow the hash table past the pool's.
    std::vector<Constant> seen(fb.constants().begin(), fb.constants().end());
    for (int i = 0; i < 20'000; ++i) {
      const Constant c = random_constant();
      const Id id = in.intern(c);
      CHECK(in.get(id) == c);
      CHECK(in.find(c) == std::optional<Id>(id));
      auto at = std::find(seen.begin(), seen.end(), c);
      if (at == seen.end()) {
        CHECK(id == seen.size());
        seen.push_back(c);
      } else {
        CHECK(id == static_cast<Id>(at - seen.begin()));
      }
    }
    CHECK(in.size() == seen.size());
    // The fact base's later constants (an update) are new to the interner: they get its next id.
    const std::uint32_t later = fb.intern(std::string("added after"));
    CHECK(later == shared);
    CHECK(in.intern(fb.constants()[later]) == static_cast<Id>(seen.size()));
    CHECK(in.get(0) == fb.constants()[0]);
  }
}

TEST_CASE("an index built over many rows in few groups gives back its empty slots and still grows", "[table]") {
  std::mt19937 rng(5);
  Table t(2);
  Id row[2];
  for (Id i = 0; i < 5000; ++i) {
    row[0] = static_cast<Id>(rng() % 7);  // seven groups on the first column
    row[1] = i;
    t.append(row, Truth::true_);
  }
  for (Id v = 0; v < 7; ++v) REQUIRE(matches(t, 1, {v, 0}, 0, t.rows()) == scan(t, 1, {v, 0}, 0, t.rows()));
  // Then the groups multiply: the small index grows again, and every group lists its rows in order.
  for (Id i = 5000; i < 9000; ++i) {
    row[0] = static_cast<Id>(rng() % 3000);
    row[1] = i;
    t.append(row, Truth::true_);
  }
  for (Id v = 0; v < 3000; v += 7) REQUIRE(matches(t, 1, {v, 0}, 0, t.rows()) == scan(t, 1, {v, 0}, 0, t.rows()));
  for (std::size_t r = 0; r < t.rows(); r += 13) {
    std::vector<Id> whole(t.row(r), t.row(r) + 2);
    REQUIRE(t.find(whole.data()) == r);
  }
}

TEST_CASE("a table reading borrowed rows copies them at its first append", "[table]") {
  std::vector<Id> cells;
  for (Id i = 0; i < 1000; ++i) {
    cells.push_back(i % 10);
    cells.push_back(i);
  }
  Table t(2);
  t.borrow(cells.data(), 1000);
  REQUIRE(t.rows() == 1000);
  CHECK(t.row(7) == cells.data() + 14);  // read in place
  CHECK(t.truth[999] == Truth::true_);
  REQUIRE(matches(t, 1, {3, 0}, 0, t.rows()) == scan(t, 1, {3, 0}, 0, t.rows()));
  Id row[2] = {3, 5000};
  REQUIRE(t.append(row, Truth::unknown) == 1000);
  CHECK(t.row(7) != cells.data() + 14);  // its own copy now
  cells.assign(cells.size(), 77);          // the borrowed rows may change: the table no longer reads them
  for (Id i = 0; i < 1000; i += 37) {
    Id whole[2] = {i % 10, i};
    CHECK(t.find(whole) == std::optional<std::size_t>(i));
  }
  CHECK(t.find(row) == std::optional<std::size_t>(1000));
  CHECK(matches(t, 1, {3, 0}, 0, t.rows()).size() == 101);
}

TEST_CASE("a column of values keeps each distinct value once and each row's own", "[table]") {
  eval_detail::ValueColumn column;
  int made = 0;
  auto number = [&](std::uint64_t key) {
    return [&made, key] {
      ++made;
      return Value::point(BaseType::number, Decimal::from_int(static_cast<std::int64_t>(key)));
    };
  };
  for (std::size_t r = 0; r < 1000; ++r) column.set(r, r % 7, number(r % 7));
  CHECK(made == 7);  // one Value per key, however many rows take it
  REQUIRE(column.size() == 1000);
  column.set(5, 100, number(100));  // row 5 changes; no row is added
  column.set(12, 3, number(3));
  CHECK(made == 8);
  CHECK(!column.dense());
  REQUIRE(column.size() == 1000);
  for (std::size_t r = 0; r < 1000; ++r) {
    INFO(r);
    const std::int64_t want = r == 5 ? 100 : r == 12 ? 3 : static_cast<std::int64_t>(r % 7);
    CHECK(column[r].lo.v == Decimal::from_int(want));
  }
}

TEST_CASE("a column of mostly distinct values keeps a value per row and each row's own", "[table]") {
  eval_detail::ValueColumn column;
  auto number = [](std::int64_t v) { return [v] { return Value::point(BaseType::number, Decimal::from_int(v)); }; };
  column.set(0, 7, number(7));
  column.set(1, 7, number(7));
  for (std::size_t r = 2; r < 3000; ++r) column.set(r, 1000 + r, number(static_cast<std::int64_t>(1000 + r)));
  CHECK(column.dense());  // 2 999 distinct values in 3 000 rows
  column.set(3000, 7, number(7));
  column.set(5, 7, number(7));
  REQUIRE(column.size() == 3001);
  for (std::size_t r = 0; r < column.size(); ++r) {
    INFO(r);
    const std::int64_t want = r <= 1 || r == 5 || r == 3000 ? 7 : static_cast<std::int64_t>(1000 + r);
    CHECK(column[r].lo.v == Decimal::from_int(want));
  }
}

TEST_CASE("an interner used by several threads at once gives each constant one id", "[table]") {
  using phasegate::engine::eval_detail::Interner;
  Interner in;
  in.direct_below(1000);
  in.concurrent(true);
  constexpr int kThreads = 4, kEach = 20'000;
  std::vector<std::vector<std::pair<Constant, Id>>> got(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        std::mt19937 rng(static_cast<unsigned>(t) + 11);
        for (int i = 0; i < kEach; ++i) {
          // Overlapping constants (every thread meets most of them), some found by value, some by
          // hash; each is read back at once, while the other threads are adding theirs.
          Constant c = rng() % 2 ? Constant(Decimal::from_int(static_cast<std::int64_t>(rng() % 3000)))
                                 : Constant("s" + std::to_string(rng() % 3000));
          const Id id = in.intern(c);
          if (in.get(id) != c) FAIL_CHECK("thread " << t << " reads another constant for its id");
          got[static_cast<std::size_t>(t)].emplace_back(std::move(c), id);
        }
      });
  }
  in.concurrent(false);
  for (const auto& list : got)
    for (const auto& [c, id] : list) {
      REQUIRE(in.find(c) == std::optional<Id>(id));  // the same id on every thread
      REQUIRE(in.get(id) == c);
    }
  CHECK(in.size() <= 6000);
}

TEST_CASE("threads asking a table for the same new index at once share one", "[table]") {
  Table t(2);
  for (Id r = 0; r < 5000; ++r) {
    const Id row[2] = {r % 50, r};
    t.append(row, Truth::true_);
  }
  std::vector<std::vector<std::size_t>> found(4);
  {
    std::vector<std::jthread> threads;
    for (std::size_t k = 0; k < found.size(); ++k)
      threads.emplace_back([&, k] {
        for (Id v = 0; v < 50; ++v) {
          const std::vector<Id> key{v, 0};
          auto rows = matches(t, 1, key, 0, t.rows());
          found[k].insert(found[k].end(), rows.begin(), rows.end());
        }
      });
  }
  for (const auto& rows : found) {
    REQUIRE(rows.size() == 5000);
    for (std::size_t i = 0; i < rows.size(); ++i) REQUIRE(rows[i] == (i % 100) * 50 + i / 100);
  }
}

TEST_CASE("a key hashed by prepare_find while the table is small is found after the table grows", "[table]") {
  // Small tables are searched row by row, without an index; the hash prepare_find gives then must
  // still be the one the index uses once rows enough have come for it to be built.
  Table t(2);
  std::vector<std::vector<Id>> keys;
  for (Id i = 0; i < 3; ++i) keys.push_back({i, i + 100});
  for (const auto& k : keys) t.append(k.data(), Truth::true_);
  std::vector<std::uint32_t> hashes;
  for (const auto& k : keys) hashes.push_back(t.prepare_find(k.data()));
  for (Id i = 3; i < 40; ++i) {  // well past the rows searched one by one
    std::vector<Id> k{i, i + 100};
    t.append(k.data(), Truth::true_);
  }
  for (std::size_t i = 0; i < keys.size(); ++i) REQUIRE(t.find(keys[i].data(), hashes[i]) == i);
  std::vector<Id> absent{1, 1};
  REQUIRE_FALSE(t.find(absent.data(), t.prepare_find(absent.data())));
}
