// Interned constants and flat, hash-indexed tuple tables: the storage of the evaluator.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/eval/evaluate.hpp"
#include "engine/eval/value.hpp"
#include "engine/program.hpp"

namespace phasegate::engine::eval_detail {

using Id = std::uint32_t;
constexpr Id kUnbound = 0xffffffffu;

inline std::uint64_t mix_hash(std::uint64_t h, std::uint64_t x) {
  h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

struct ConstantHash {
  std::size_t operator()(const Constant& c) const;
};

// An append-only array whose elements never move: segment s holds kFirst << s elements, allocated
// when the first of them is appended. One thread appends (the interner's, under its lock) while
// others read elements appended before they were told of them: a reader touches only the pointer of
// its element's segment, which was written before the element, so nothing it reads is being written.
template <class T>
class StableStore {
 public:
  std::size_t size() const { return size_; }
  const T& operator[](std::size_t i) const {
    auto [s, at] = locate(i);
    return segments_[s][at];
  }
  void push_back(T v) {
    auto [s, at] = locate(size_);
    if (!segments_[s]) segments_[s] = std::make_unique<T[]>(kFirst << s);
    segments_[s][at] = std::move(v);
    ++size_;
  }
  // Empty again, its segments kept for the next elements (which are assigned over the old ones).
  void clear() { size_ = 0; }

 private:
  static constexpr std::size_t kFirst = 64;
  static std::pair<std::size_t, std::size_t> locate(std::size_t i) {
    const std::size_t s = static_cast<std::size_t>(std::bit_width(i / kFirst + 1)) - 1;
    return {s, i - kFirst * ((std::size_t{1} << s) - 1)};
  }
  std::array<std::unique_ptr<T[]>, 40> segments_;
  std::size_t size_ = 0;
};

// Every constant of an evaluation gets a small id, so tuples are rows of ids and equality is id equality.
// While concurrent (strata evaluated on several threads), interning and find() take a lock; get(),
// uncertain() and the ids a thread was given stay lock-free (constants never move, see StableStore).
class Interner {
 public:
  void concurrent(bool on) { lock_ = on ? std::make_unique<std::mutex>() : nullptr; }
  // Whole numbers below `limit` (and FactBase::kSmallInts) are found by value, not by hash: for
  // evaluations over large tables of identifiers. Before the first intern() only.
  void direct_below(std::uint32_t limit) { direct_limit_ = std::min(limit, FactBase::kSmallInts); }
  // The constants of a fact base's pool become ids 0..pool.size()-1, read in place rather than
  // copied (a table of a million rows brings hundreds of thousands of constants). The pool must
  // outlive the interner and keep them unchanged (FactBase only appends). Before the first intern(),
  // after direct_below(); the pool's constants must be distinct, as a FactBase's are.
  void share(const std::deque<Constant>& pool);
  Id intern(const Constant& c);
  std::optional<Id> find(const Constant& c) const;
  // Empty again, as if new (no pool shared, nothing interned), its memory kept: an evaluator that
  // evaluates one program over and over reuses it.
  void reset();
  const Constant& get(Id id) const { return id < shared_ ? (*pool_)[id] : values_[id - shared_]; }
  std::size_t size() const { return shared_ + values_.size(); }  // not while concurrent

  // An id for a value that is not known (an interval, unknown text): what `VAR = EXPR` binds when
  // EXPR is uncertain. get() gives Unknown for it; equal values share an id.
  Id intern_uncertain(const Value& v);
  const Value* uncertain(Id id) const {
    if (id < shared_) return nullptr;
    int k = uncertain_of_[id - shared_];
    return k < 0 ? nullptr : &uncertain_[static_cast<std::size_t>(k)];
  }

 private:
  std::unique_lock<std::mutex> guard() const { return lock_ ? std::unique_lock(*lock_) : std::unique_lock<std::mutex>(); }
  std::optional<Id> lookup(const Constant& c, std::uint64_t h, std::size_t& slot) const;
  void grow();
  Id add(const Constant& c, std::uint64_t h);
  Id& small_id(std::uint32_t v);  // small_ids_[v], grown to hold it (v < direct_limit_)

  const std::deque<Constant>* pool_ = nullptr;  // ids below shared_ (see share)
  Id shared_ = 0;
  // The other ids, from shared_ on: their constants, hashes and uncertain values.
  std::unique_ptr<std::mutex> lock_;  // while concurrent
  StableStore<Constant> values_;      // constants keep their address (Values point at strings)
  std::vector<std::uint64_t> hashes_;
  // Whole numbers below direct_limit_ are found directly, by value: small_ids_[v] is the id + 1 of
  // v, 0 when absent. The others by hash: slots_ holds id + 1 in open addressing, 0 when empty, for
  // the `hashed_` constants that are neither direct nor uncertain.
  std::optional<std::uint32_t> direct(const Constant& c) const {
    auto v = direct_limit_ ? FactBase::small_value(c) : std::nullopt;
    return v && *v < direct_limit_ ? v : std::nullopt;
  }
  std::uint32_t direct_limit_ = 0;
  std::vector<Id> small_ids_;
  std::vector<Id> slots_;
  std::size_t hashed_ = 0;
  StableStore<int> uncertain_of_;      // index into uncertain_, or -1
  StableStore<Value> uncertain_;
  std::unordered_map<std::string, Id> uncertain_ids_;
};

// The values of a valued fact relation, one per row. Each is the value of one constant of the facts
// (or the relation's unknown value), so while few values repeat over many rows a row holds a small
// number and each distinct value is kept once: a table of 100 000 fuel levels keeps about a hundred
// Values (96 bytes each), not 100 000. A column whose values are mostly distinct (amounts) would
// pay more that way, so past a few hundred values it turns into a Value per row.
class ValueColumn {
 public:
  std::size_t size() const { return dense() ? per_row_.size() : slot_.size(); }
  const Value& operator[](std::size_t r) const { return dense() ? per_row_[r] : distinct_[slot_[r]]; }
  void reserve(std::size_t rows) { slot_.reserve(rows); }
  // No rows again, the memory of the vectors kept.
  void clear() {
    slot_.clear();
    distinct_.clear();
    slot_of_.clear();
    per_row_.clear();
  }
  bool dense() const { return !per_row_.empty(); }
  // Row r (r == size() appends) takes the value that `key` names; make() computes it the first
  // time the column sees the key. A key must name the same value every time it is given.
  // A reference from operator[] is good until the next set().
  template <class Make>
  void set(std::size_t r, std::uint64_t key, Make&& make) {
    if (!dense()) {
      auto at = slot_of_.find(key);
      const bool many = distinct_.size() >= kDenseAfter && distinct_.size() * 2 > slot_.size();
      if (at != slot_of_.end() || !many) {
        if (at == slot_of_.end()) {  // the value first, so that a failure leaves no key without one
          distinct_.push_back(make());
          at = slot_of_.emplace(key, static_cast<std::uint32_t>(distinct_.size() - 1)).first;
        }
        if (r == slot_.size()) slot_.push_back(at->second);
        else slot_[r] = at->second;
        return;
      }
      make_dense();  // a new value, and already more distinct values than half the rows
    }
    if (r == per_row_.size()) per_row_.push_back(make());
    else per_row_[r] = make();
  }

 private:
  static constexpr std::size_t kDenseAfter = 256;  // distinct values kept before a column may turn dense
  void make_dense();

  std::vector<std::uint32_t> slot_;  // per row, an index into distinct_
  std::vector<Value> distinct_;
  std::unordered_map<std::uint64_t, std::uint32_t> slot_of_;
  std::vector<Value> per_row_;  // once dense: the rows' values, and the three above are empty
};

// The tuples of one relation: rows of `arity` ids, each with a truth (and a value for valued facts).
// Rows are only appended, so a row range [lo, hi) is a stable "delta" for semi-naive evaluation.
class Table {
 public:
  explicit Table(int arity = 0) : arity_(arity) {}
  // An empty table of this arity, as Table(arity), keeping the memory of its rows (an evaluator
  // reusing its tables from one evaluation to the next allocates nothing for a handful of rows).
  void reset(int arity);

  int arity() const { return arity_; }
  std::size_t rows() const { return truth.size(); }
  const Id* row(std::size_t r) const { return data_ + r * static_cast<std::size_t>(arity_); }

  // The row equal to `key` (all columns), if any.
  std::optional<std::size_t> find(const Id* key) const { return find(key, std::nullopt); }
  // The same in two steps, for probing many keys: prepare_find hashes a key and prefetches the slot
  // its probe starts at, so that the cache misses of a batch of keys overlap; find(key, hash) probes.
  // The hash does not depend on the index's size: it stays valid if appends grow the index between.
  std::uint32_t prepare_find(const Id* key) const;
  std::optional<std::size_t> find(const Id* key, std::optional<std::uint32_t> hash) const;
  void reserve(std::size_t rows) {
    cells_.reserve(rows * static_cast<std::size_t>(arity_));
    if (!borrowed_) data_ = cells_.data();
    truth.reserve(rows);
  }
  // An empty table takes `rows` rows, true, read in place from `cells`, which its owner keeps
  // unchanged while the table lives (a fact base's rows). They are copied at the first append.
  void borrow(const Id* cells, std::size_t rows);
  // Appends a row (the caller checked it is absent) and returns its index.
  std::size_t append(const Id* key, Truth t);

  // Calls f(row) for the rows in [lo, hi) whose columns in `mask` equal `key`'s, in row order.
  // Safe against rows appended by f (they are beyond hi, and links are re-read by index).
  template <class F>
  void for_matches(std::uint64_t mask, const Id* key, std::size_t lo, std::size_t hi, F&& f) const {
    if (mask == 0) {
      for (std::size_t r = lo; r < hi; ++r) f(r);
      return;
    }
    if (hi - lo <= kScanRows) {  // a few rows: compared one by one, no index built for them
      for (std::size_t r = lo; r < hi; ++r)
        if (same_columns(mask, key, r)) f(r);
      return;
    }
    const Index& index = index_for(mask);
    const std::uint32_t last = index.group(*this, key);
    if (last == kNone) return;
    // The group's rows in increasing order, from its first to the `last` read now (rows f appends
    // join after it, and are beyond hi anyway).
    for (std::uint32_t r = index.first(last);; r = index.next[r]) {
      if (r >= hi) return;
      if (r >= lo) f(r);
      if (r == last) return;
    }
  }

  std::uint64_t full_mask() const { return arity_ >= 64 ? ~0ULL : ((1ULL << arity_) - 1); }

  std::vector<Truth> truth;
  ValueColumn values;            // valued facts only: one per row
  // Facts only: the index of each row's entry in the FactBase; -1 for a tuple no longer listed (an
  // update erased it: the row stays, false, and lookups read the tuple as unlisted). Row i is entry
  // i when loaded; the table keeps a column of entries only once an update makes them differ.
  void hold_facts() { holds_facts_ = true; }
  int fact_entry(std::size_t r) const {
    if (!holds_facts_) return -1;
    return entries_.empty() ? static_cast<int>(r) : entries_[r];
  }
  void set_fact_entry(std::size_t r, int entry);  // r < rows()
  bool unlisted(std::size_t r) const { return !entries_.empty() && entries_[r] < 0; }
  // Derived rows holding an uncertain value (Interner::intern_uncertain): an index cannot find
  // them by value, so lookups also compare with each of these.
  std::vector<std::uint32_t> uncertain_rows;

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  // Up to this many rows are searched by comparing each: cheaper than building and probing an index
  // (a policy's small relations, a decision's handful of facts).
  static constexpr std::size_t kScanRows = 8;

  // Rows grouped by the values of the columns in `mask`: an open-addressing table of groups, one
  // 8-byte slot each (the group's last row, 32 bits of its hash: a probe touches one cache line, a
  // mismatch is mostly told without reading rows), and while some group has two rows or more, a
  // per-row link making each group a circular list in increasing row order (next[last] is the
  // first). An index stays `unique`, with no links at all, while every group is one row: always so
  // for the index on all columns, whose tuples are distinct.
  struct Slot {
    std::uint32_t last = kNone;  // kNone: empty
    std::uint32_t hash = 0;
  };
  struct Index {
    std::uint64_t mask = 0;
    std::vector<Slot> slots;
    bool unique = true;
    std::vector<std::uint32_t> next;  // per row, once not unique
    std::size_t groups = 0;

    std::uint32_t group(const Table& t, const Id* key) const {  // the group's last row, or kNone
      return group(t, key, static_cast<std::uint32_t>(t.hash_of(mask, key)));
    }
    std::uint32_t group(const Table& t, const Id* key, std::uint32_t hash) const;
    std::uint32_t first(std::uint32_t last) const { return unique ? last : next[last]; }
    void add(const Table& t, std::uint32_t row);    // grows the slots first if they would pass a load of 1/2
    void place(const Table& t, std::uint32_t row);  // the slots must have room
    // Empties the index into `capacity` slots (a power of two) and places rows [0, indexed_rows)
    // again; their links stay as they are.
    void rebuild(const Table& t, std::size_t capacity, std::uint32_t indexed_rows);
    Index* next_index = nullptr;  // the table's next index (IndexChain)
  };
  // A table's indexes, newest first. Strata evaluated on several threads may ask a table of a lower
  // stratum (or of the facts) for an index at once: find() reads without a lock while index_for,
  // under one lock for all tables, builds an index in full and then publishes it at the head.
  class IndexChain {
   public:
    IndexChain() = default;
    IndexChain(IndexChain&& o) noexcept : head_(o.head_.exchange(nullptr, std::memory_order_relaxed)) {}
    IndexChain& operator=(IndexChain&& o) noexcept {
      if (this != &o) {
        clear();
        head_.store(o.head_.exchange(nullptr, std::memory_order_relaxed), std::memory_order_relaxed);
      }
      return *this;
    }
    ~IndexChain() { clear(); }
    Index* find(std::uint64_t mask) const {
      for (Index* i = head_.load(std::memory_order_acquire); i; i = i->next_index)
        if (i->mask == mask) return i;
      return nullptr;
    }
    Index& publish(std::unique_ptr<Index> index) {
      index->next_index = head_.load(std::memory_order_relaxed);
      Index* added = index.release();
      head_.store(added, std::memory_order_release);
      return *added;
    }
    template <class F>
    void each(F&& f) {
      for (Index* i = head_.load(std::memory_order_acquire); i; i = i->next_index) f(*i);
    }

   private:
    void clear() {
      for (Index* i = head_.exchange(nullptr, std::memory_order_relaxed); i;) delete std::exchange(i, i->next_index);
    }
    std::atomic<Index*> head_{nullptr};
  };
  std::uint64_t hash_of(std::uint64_t mask, const Id* key) const;
  bool same_columns(std::uint64_t mask, const Id* key, std::size_t r) const;
  const Index& index_for(std::uint64_t mask) const;

  int arity_ = 0;
  bool holds_facts_ = false;
  std::vector<int> entries_;  // per row, once some row is not its own entry (see fact_entry)
  std::vector<Id> cells_;
  const Id* data_ = nullptr;  // the rows: cells_.data(), or borrowed ones (cells_ then empty)
  bool borrowed_ = false;
  mutable IndexChain indexes_;  // built on first use, kept up to date
};

}  // namespace phasegate::engine::eval_detail
