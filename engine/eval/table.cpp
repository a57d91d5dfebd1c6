// Interning and hash indexes for tuple tables.
#include "engine/eval/table.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <numeric>
#include <string_view>

namespace phasegate::engine::eval_detail {

std::size_t ConstantHash::operator()(const Constant& c) const {
  std::uint64_t h = mix_hash(0x51ed, c.index());
  switch (c.index()) {
    case 0: h = mix_hash(h, std::get<bool>(c) ? 1 : 0); break;
    case 1: {
      int128 raw = std::get<Decimal>(c).raw();
      h = mix_hash(h, static_cast<std::uint64_t>(raw));
      h = mix_hash(h, static_cast<std::uint64_t>(raw >> 64));
      break;
    }
    case 2: h = mix_hash(h, std::hash<std::string_view>{}(std::get<std::string>(c))); break;
    case 3: h = mix_hash(h, static_cast<std::uint64_t>(std::get<Date>(c).days)); break;
    case 4: h = mix_hash(h, static_cast<std::uint64_t>(std::get<Duration>(c).days)); break;
    case 5: {
      const Member& m = std::get<Member>(c);
      h = mix_hash(mix_hash(h, static_cast<std::uint64_t>(m.enumeration)), static_cast<std::uint64_t>(m.index));
      break;
    }
    default: break;
  }
  h ^= h >> 33;  // the slot comes from the low bits
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return static_cast<std::size_t>(h);
}

std::optional<Id> Interner::lookup(const Constant& c, std::uint64_t h, std::size_t& slot) const {
  std::size_t mask = slots_.size() - 1;
  for (slot = static_cast<std::size_t>(h) & mask;; slot = (slot + 1) & mask) {
    Id stored = slots_[slot];
    if (stored == 0) return std::nullopt;
    const Id id = stored - 1;  // a shared constant's hash is not kept: its value is compared
    if ((id < shared_ || hashes_[id - shared_] == h) && get(id) == c) return id;
  }
}

void Interner::grow() {
  std::size_t cap = slots_.empty() ? 64 : slots_.size() * 2;
  while ((hashed_ + 1) * 2 > cap) cap *= 2;
  slots_.assign(cap, 0);
  for (std::size_t id = 0; id < size(); ++id) {
    std::uint64_t h = 0;
    if (id < shared_) {
      if (direct(get(static_cast<Id>(id)))) continue;
      h = ConstantHash{}(get(static_cast<Id>(id)));
    } else {
      if (uncertain_of_[id - shared_] >= 0 || direct(values_[id - shared_])) continue;  // not found by hash
      h = hashes_[id - shared_];
    }
    std::size_t i = static_cast<std::size_t>(h) & (cap - 1);
    while (slots_[i] != 0) i = (i + 1) & (cap - 1);
    slots_[i] = static_cast<Id>(id + 1);
  }
}

void Interner::reset() {
  lock_.reset();
  pool_ = nullptr;
  shared_ = 0;
  values_.clear();
  hashes_.clear();
  direct_limit_ = 0;
  small_ids_.clear();
  slots_.clear();
  hashed_ = 0;
  uncertain_of_.clear();
  uncertain_.clear();
  uncertain_ids_.clear();
}

void Interner::share(const std::deque<Constant>& pool) {
  pool_ = &pool;
  shared_ = static_cast<Id>(pool.size());
  for (Id id = 0; id < shared_; ++id) {
    const Constant& c = pool[id];
    if (auto v = direct(c)) {
      small_id(*v) = id + 1;
    } else {
      ++hashed_;
    }
  }
  if (hashed_ > 0) grow();
}

Id& Interner::small_id(std::uint32_t v) {
  if (v >= small_ids_.size())
    small_ids_.resize(std::min<std::size_t>(std::max<std::size_t>({v + 1, small_ids_.size() * 2, 1024}), direct_limit_));
  return small_ids_[v];
}

Id Interner::add(const Constant& c, std::uint64_t h) {
  Id id = static_cast<Id>(size());
  values_.push_back(c);
  hashes_.push_back(h);
  uncertain_of_.push_back(-1);
  return id;
}

Id Interner::intern(const Constant& c) {
  auto held = guard();
  if (auto v = direct(c)) {
    Id& known = small_id(*v);
    if (known == 0) known = add(c, 0) + 1;
    return known - 1;
  }
  if ((hashed_ + 1) * 2 > slots_.size()) grow();
  std::uint64_t h = ConstantHash{}(c);
  std::size_t slot = 0;
  if (auto id = lookup(c, h, slot)) return *id;
  Id id = add(c, h);
  ++hashed_;
  slots_[slot] = id + 1;
  return id;
}

Id Interner::intern_uncertain(const Value& v) {
  auto held = guard();
  std::string key;
  auto put = [&](const void* p, std::size_t n) { key.append(static_cast<const char*>(p), n); };
  int128 lo = v.lo.v.raw(), hi = v.hi.v.raw();
  put(&v.kind, sizeof v.kind);
  put(&v.base, sizeof v.base);
  put(&v.maybe_none, sizeof v.maybe_none);
  put(&v.enumeration, sizeof v.enumeration);
  put(&v.lo.inf, sizeof v.lo.inf);
  put(&lo, sizeof lo);
  put(&v.hi.inf, sizeof v.hi.inf);
  put(&hi, sizeof hi);
  put(&v.truth, sizeof v.truth);
  put(&v.text, sizeof v.text);
  auto it = uncertain_ids_.find(key);
  if (it != uncertain_ids_.end()) return it->second;
  Id id = static_cast<Id>(size());
  values_.push_back(Constant(std::in_place_type<Unknown>));
  hashes_.push_back(0);
  uncertain_of_.push_back(static_cast<int>(uncertain_.size()));
  uncertain_.push_back(v);
  uncertain_ids_.emplace(std::move(key), id);
  return id;
}

std::optional<Id> Interner::find(const Constant& c) const {
  auto held = guard();
  if (auto v = direct(c)) {
    if (*v < small_ids_.size() && small_ids_[*v] != 0) return small_ids_[*v] - 1;
    return std::nullopt;
  }
  if (slots_.empty()) return std::nullopt;
  std::size_t slot = 0;
  return lookup(c, ConstantHash{}(c), slot);
}

// Ids are handed out in the order constants are first met, so a table read in order is usually
// probed with ascending ids. The low three bits of the first key column go into the hash unmixed:
// eight neighbouring ids land in neighbouring slots (one or two cache lines instead of eight), and
// blocks of eight are scattered by the mixed part as any other hash. Not more than eight: in a dense
// relation (a closure, where nearly every pair exists) the blocks fill up, and a probe that meets a
// full block walks through it: blocks of sixteen made probes walk twice as far.
std::uint64_t Table::hash_of(std::uint64_t mask, const Id* key) const {
  std::uint64_t h = 0x9ae16a3b2f90404fULL;
  std::uint64_t low = 0;
  bool first = true;
  for (int c = 0; c < arity_ && c < 64; ++c) {
    if (!(mask & (1ULL << c))) continue;
    if (first) {
      low = key[c] & 7u;
      h = mix_hash(h, key[c] >> 3);
      first = false;
    } else {
      h = mix_hash(h, key[c]);
    }
  }
  // final avalanche (murmur3 fmix64): the slot comes from the low bits
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return (h << 3) | low;
}

bool Table::same_columns(std::uint64_t mask, const Id* key, std::size_t r) const {
  const Id* row_cells = row(r);
  for (int c = 0; c < arity_; ++c) {
    bool in_mask = c >= 64 || (mask & (1ULL << c));
    if (in_mask && row_cells[c] != key[c]) return false;
  }
  return true;
}

std::uint32_t Table::Index::group(const Table& t, const Id* key, std::uint32_t h) const {
  if (slots.empty()) return kNone;
  const std::size_t cap = slots.size();
  for (std::size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
    const Slot& s = slots[i];
    if (s.last == kNone) return kNone;
    if (s.hash == h && t.same_columns(mask, key, s.last)) return s.last;
  }
}

// Growing frees the old slots before allocating the new ones and places the rows again from the
// table: copying slot to slot would hold both arrays at once, and for a large index that moment is
// the peak of the whole evaluation (the closure's path index goes from 32 to 64 MB). A group's links
// do not depend on the capacity: its first row takes a slot and each later row of the group, met in
// increasing order, becomes the slot's last row.
void Table::Index::rebuild(const Table& t, std::size_t capacity, std::uint32_t indexed_rows) {
  slots = std::vector<Slot>();
  slots.assign(capacity, Slot{});
  groups = 0;
  // Rows in row order land in random slots: hashed a batch ahead, with their slots prefetched, so
  // the cache misses of a batch overlap instead of coming one after the other.
  constexpr std::uint32_t kBatch = 32;
  std::uint32_t hashes[kBatch];
  for (std::size_t base = 0; base < indexed_rows; base += kBatch) {  // size_t: base + kBatch cannot wrap
    const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(kBatch, indexed_rows - base));
    for (std::uint32_t k = 0; k < n; ++k) {
      hashes[k] = static_cast<std::uint32_t>(t.hash_of(mask, t.row(base + k)));
      __builtin_prefetch(&slots[hashes[k] & (capacity - 1)], 1);
    }
    for (std::uint32_t k = 0; k < n; ++k) {
      const auto r = static_cast<std::uint32_t>(base + k);
      const std::uint32_t h = hashes[k];
      for (std::size_t i = h & (capacity - 1);; i = (i + 1) & (capacity - 1)) {
        Slot& s = slots[i];
        if (s.last == kNone) {
          s = Slot{r, h};
          ++groups;
          break;
        }
        // rows of one group arrive in increasing order; a unique index has no two rows in one group
        if (!unique && s.hash == h && t.same_columns(mask, t.row(r), s.last)) {
          s.last = r;
          break;
        }
      }
    }
  }
}

void Table::Index::add(const Table& t, std::uint32_t row) {
  if ((groups + 1) * 2 > slots.size()) rebuild(t, slots.empty() ? 16 : slots.size() * 2, row);
  place(t, row);
}

void Table::Index::place(const Table& t, std::uint32_t row) {
  if (!unique) {
    if (next.size() <= row) next.resize(std::max<std::size_t>(row + 1, next.size() * 2), kNone);
    next[row] = row;
  }
  const Id* key = t.row(row);
  const auto h = static_cast<std::uint32_t>(t.hash_of(mask, key));
  const std::size_t cap = slots.size();
  for (std::size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
    Slot& s = slots[i];
    if (s.last == kNone) {
      s.last = row;
      s.hash = h;
      ++groups;
      return;
    }
    if (s.hash == h && t.same_columns(mask, key, s.last)) {
      if (unique) {  // the first group of two rows: every row so far is a group of one
        unique = false;
        next.resize(std::max<std::size_t>(row + 1, 16));
        for (std::uint32_t r = 0; r <= row; ++r) next[r] = r;
      }
      next[row] = next[s.last];  // the first row
      next[s.last] = row;
      s.last = row;
      return;
    }
  }
}

const Table::Index& Table::index_for(std::uint64_t mask) const {
  if (const Index* index = indexes_.find(mask)) return *index;
  static std::mutex building;  // one index built at a time, over all tables (see IndexChain)
  std::lock_guard<std::mutex> held(building);
  if (const Index* index = indexes_.find(mask)) return *index;  // another thread built it meanwhile
  auto index = std::make_unique<Index>();
  index->mask = mask;
  // Slots for n groups at a load of at most three quarters. An index built over existing rows is
  // mostly a fact table's, looked up far more than appended to; one that grows by appends (a derived
  // table's, probed for every new tuple) keeps a load of at most one half (add): at three quarters
  // the probes for tuples not yet there make the 2 000-node chain closure 18% slower.
  auto slots_for = [](std::size_t n) {
    std::size_t cap = 16;
    while (cap * 3 < 4 * n) cap *= 2;
    return cap;
  };
  index->slots.assign(slots_for(rows()), Slot{});
  for (std::size_t r = 0; r < rows(); ++r) index->place(*this, static_cast<std::uint32_t>(r));  // they fit
  // Sized for every row to be its own group; where rows share groups (a column of a few kinds, the
  // items of each unit) most slots stay empty: they are given back.
  if (slots_for(index->groups) < index->slots.size())
    index->rebuild(*this, slots_for(index->groups), static_cast<std::uint32_t>(rows()));
  return indexes_.publish(std::move(index));
}

std::uint32_t Table::prepare_find(const Id* key) const {
  if (arity_ == 0) return 0;
  const auto h = static_cast<std::uint32_t>(hash_of(full_mask(), key));  // valid whether the index exists yet or not
  if (rows() <= kScanRows) return h;  // find() compares the rows
  const Index& index = index_for(full_mask());
  if (!index.slots.empty()) __builtin_prefetch(&index.slots[h & (index.slots.size() - 1)]);
  return h;
}

std::optional<std::size_t> Table::find(const Id* key, std::optional<std::uint32_t> hash) const {
  if (arity_ == 0) {
    if (rows() == 0) return std::nullopt;
    return 0;
  }
  if (rows() <= kScanRows) {
    for (std::size_t r = 0; r < rows(); ++r)
      if (same_columns(full_mask(), key, r)) return r;
    return std::nullopt;
  }
  const Index& index = index_for(full_mask());
  std::uint32_t last = hash ? index.group(*this, key, *hash) : index.group(*this, key);
  if (last == kNone) return std::nullopt;
  return index.first(last);
}

std::size_t Table::append(const Id* key, Truth t) {
  std::size_t r = rows();
  if (borrowed_) {
    cells_.assign(data_, data_ + r * static_cast<std::size_t>(arity_));
    borrowed_ = false;
  }
  if (truth.capacity() == 0) reserve(kScanRows);  // a decision's table holds a handful: one allocation, not four
  cells_.insert(cells_.end(), key, key + arity_);
  data_ = cells_.data();
  truth.push_back(t);
  indexes_.each([&](Index& index) { index.add(*this, static_cast<std::uint32_t>(r)); });
  return r;
}

void ValueColumn::make_dense() {
  per_row_.reserve(std::max(slot_.capacity(), slot_.size() + 1));
  for (std::uint32_t s : slot_) per_row_.push_back(distinct_[s]);
  slot_ = {};
  distinct_ = {};
  slot_of_ = {};
}

void Table::reset(int arity) {
  arity_ = arity;
  holds_facts_ = false;
  entries_.clear();
  cells_.clear();
  data_ = cells_.data();
  borrowed_ = false;
  indexes_ = IndexChain();  // an index names columns of the old rows
  truth.clear();
  values.clear();
  uncertain_rows.clear();
}

void Table::borrow(const Id* cells, std::size_t rows) {
  data_ = cells;
  borrowed_ = true;
  truth.assign(rows, Truth::true_);
}

void Table::set_fact_entry(std::size_t r, int entry) {
  if (entries_.empty()) {
    if (entry == static_cast<int>(r)) return;
    entries_.resize(rows());
    std::iota(entries_.begin(), entries_.end(), 0);
  }
  entries_.resize(rows(), -1);  // the row just appended, if r is one (each row is given its entry right after)
  entries_[r] = entry;
}

}  // namespace phasegate::engine::eval_detail
