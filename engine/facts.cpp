// FactBase: a pool of constants, each relation's entries as rows of pool ids, shared provenance.
#include <algorithm>
#include <functional>
#include <string_view>

#include "engine/program.hpp"

namespace phasegate::engine {

__extension__ typedef unsigned __int128 uint128;

namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

// splitmix64's finaliser: the tables take the low bits.
std::uint64_t finish(std::uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

std::uint64_t hash_constant(const Constant& c) {
  std::uint64_t h = mix(0x51ed, c.index());
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          h = mix(h, v ? 1 : 0);
        } else if constexpr (std::is_same_v<T, Decimal>) {
          auto raw = static_cast<uint128>(v.raw());
          h = mix(mix(h, static_cast<std::uint64_t>(raw)), static_cast<std::uint64_t>(raw >> 64));
        } else if constexpr (std::is_same_v<T, std::string>) {
          h = mix(h, std::hash<std::string_view>{}(v));
        } else if constexpr (std::is_same_v<T, Date> || std::is_same_v<T, Duration>) {
          h = mix(h, static_cast<std::uint64_t>(v.days));
        } else if constexpr (std::is_same_v<T, Member>) {
          h = mix(mix(h, static_cast<std::uint64_t>(v.enumeration)), static_cast<std::uint64_t>(v.index));
        }
      },
      c);
  return finish(h);
}

// Everything but the line: what entries of one table or one file share.
bool same_origin(const FactOrigin& a, const FactOrigin& b) {
  return a.column == b.column && a.record_id == b.record_id && a.assumption == b.assumption && a.as_of == b.as_of &&
         a.file == b.file && a.source == b.source && a.recorded_by == b.recorded_by && a.recorded_at == b.recorded_at;
}

constexpr std::uint64_t kEmpty = 0;

// Slots for `entries` at a load of at most one half, growing `current` (0: none yet) by doubling.
std::size_t capacity_for(std::size_t entries, std::size_t current, std::size_t least) {
  std::size_t cap = current == 0 ? least : current;
  while (entries * 2 > cap) cap *= 2;
  return cap;
}

}  // namespace

// ---------------------------------------------------------------- provenance

const FactBase::Provenance::Run& FactBase::Provenance::run_of(std::size_t i) const {
  // the last run starting at or before i
  auto after = std::upper_bound(runs_.begin(), runs_.end(), i, [](std::size_t k, const Run& r) { return k < r.first; });
  return *(after - 1);
}

std::uint32_t FactBase::Provenance::line(std::size_t i) const {
  if (dense_) return line_[i];
  const Run& r = run_of(i);
  return static_cast<std::uint32_t>(r.line + std::uint64_t{r.step} * (i - r.first));
}

void FactBase::Provenance::push(std::uint32_t origin, std::uint32_t line) {
  if (!dense_ && !runs_.empty()) {
    Run& r = runs_.back();
    const std::uint64_t len = n_ - r.first;
    if (r.origin == origin) {
      if (len == 1 && (line == r.line || std::uint64_t{line} == std::uint64_t{r.line} + 1)) {  // sets the step
        r.step = line - r.line;
        ++n_;
        return;
      }
      if (len > 1 && std::uint64_t{line} == r.line + std::uint64_t{r.step} * len) {
        ++n_;
        return;
      }
    }
    if (runs_.size() >= 16 && runs_.size() * 2 > n_) densify();  // runs of one or two: columns are smaller
  }
  if (dense_) {
    origin_.push_back(origin);
    line_.push_back(line);
  } else {
    runs_.push_back(Run{static_cast<std::uint32_t>(n_), origin, line, 0});
  }
  ++n_;
}

void FactBase::Provenance::densify() {
  if (dense_) return;
  origin_.resize(n_);
  line_.resize(n_);
  for (std::size_t k = 0; k < runs_.size(); ++k) {
    const Run& r = runs_[k];
    const std::size_t end = k + 1 < runs_.size() ? runs_[k + 1].first : n_;
    for (std::size_t i = r.first; i < end; ++i) {
      origin_[i] = r.origin;
      line_[i] = static_cast<std::uint32_t>(r.line + std::uint64_t{r.step} * (i - r.first));
    }
  }
  std::vector<Run>().swap(runs_);
  dense_ = true;
}

void FactBase::Provenance::set(std::size_t i, std::uint32_t origin, std::uint32_t line) {
  if (!dense_ && this->origin(i) == origin && this->line(i) == line) return;
  densify();
  origin_[i] = origin;
  line_[i] = line;
}

void FactBase::Provenance::erase(std::size_t i) {
  densify();
  origin_.erase(origin_.begin() + static_cast<std::ptrdiff_t>(i));
  line_.erase(line_.begin() + static_cast<std::ptrdiff_t>(i));
  --n_;
}

void FactBase::Provenance::copy(std::size_t to, std::size_t from) {
  if (to == from) return;
  set(to, origin(from), line(from));
}

void FactBase::Provenance::truncate(std::size_t n) {
  if (n >= n_) return;
  densify();
  origin_.resize(n);
  line_.resize(n);
  n_ = n;
}

void FactBase::Provenance::reserve(std::size_t n) {
  if (!dense_) return;
  origin_.reserve(n);
  line_.reserve(n);
}

// ---------------------------------------------------------------- entries

std::size_t FactBase::size(int relation) const {
  if (relation < 0 || static_cast<std::size_t>(relation) >= rel_.size()) return 0;
  return rel_[static_cast<std::size_t>(relation)].prov.size();
}

std::size_t FactBase::total() const {
  std::size_t n = 0;
  for (const Rows& r : rel_) n += r.prov.size();
  return n;
}

std::size_t FactBase::arity(int relation) const {
  if (relation < 0 || static_cast<std::size_t>(relation) >= rel_.size()) return 0;
  return rel_[static_cast<std::size_t>(relation)].arity;
}

const std::uint32_t* FactBase::row(int relation, std::size_t i) const {
  const Rows& r = rel_[static_cast<std::size_t>(relation)];
  return r.cells.data() + i * r.arity;
}

std::uint32_t FactBase::value_id(int relation, std::size_t i) const {
  const Rows& r = rel_[static_cast<std::size_t>(relation)];
  return r.valued ? r.values[i] : kNoValue;
}

std::vector<Constant> FactBase::args(int relation, std::size_t i) const {
  const Rows& r = rel_[static_cast<std::size_t>(relation)];
  std::vector<Constant> out;
  out.reserve(r.arity);
  for (std::size_t k = 0; k < r.arity; ++k) out.push_back(pool_[r.cells[i * r.arity + k]]);
  return out;
}

std::optional<Constant> FactBase::value(int relation, std::size_t i) const {
  std::uint32_t v = value_id(relation, i);
  if (v == kNoValue) return std::nullopt;
  return pool_[v];
}

FactOrigin FactBase::origin(int relation, std::size_t i) const {
  const Rows& r = rel_[static_cast<std::size_t>(relation)];
  FactOrigin o = origins_[r.prov.origin(i)];
  o.line = r.prov.line(i);
  return o;
}

std::vector<std::pair<int, std::size_t>> FactBase::assumed_entries() const {
  std::vector<std::pair<int, std::size_t>> out;
  if (std::none_of(origins_.begin(), origins_.end(), [](const FactOrigin& o) { return o.assumption; })) return out;
  for (std::size_t r = 0; r < rel_.size(); ++r)
    for (std::size_t i = 0; i < rel_[r].prov.size(); ++i)
      if (origins_[rel_[r].prov.origin(i)].assumption) out.emplace_back(static_cast<int>(r), i);
  return out;
}

FactEntry FactBase::entry(int relation, std::size_t i) const {
  return FactEntry{args(relation, i), value(relation, i), origin(relation, i)};
}

// A slot holds an index + 1 in its low half (0: empty) and the high half of its hash, so a probe
// compares hashes before it touches the pool or a row.
namespace {
std::uint64_t slot_of(std::uint64_t hash, std::size_t index) {
  return (hash & 0xffffffff00000000ULL) | static_cast<std::uint32_t>(index + 1);
}
std::uint32_t index_of(std::uint64_t slot) { return static_cast<std::uint32_t>(slot) - 1; }
bool same_hash(std::uint64_t slot, std::uint64_t hash) { return (slot >> 32) == (hash >> 32); }
}  // namespace

std::optional<std::uint32_t> FactBase::find_constant(const Constant& c) const {
  if (auto v = small_value(c)) {
    if (*v < small_ids_.size() && small_ids_[*v] != 0) return small_ids_[*v] - 1;
    return std::nullopt;
  }
  if (hashed_ == 0) return std::nullopt;
  if (pool_slots_.empty()) rehash_pool(capacity_for(hashed_, 0, 64));  // released
  const std::uint64_t h = hash_constant(c);
  const std::size_t mask = pool_slots_.size() - 1;
  for (std::size_t s = h & mask;; s = (s + 1) & mask) {
    std::uint64_t slot = pool_slots_[s];
    if (slot == kEmpty) return std::nullopt;
    if (same_hash(slot, h) && pool_[index_of(slot)] == c) return index_of(slot);
  }
}

std::uint32_t FactBase::intern_small(std::uint32_t v) {
  if (v >= small_ids_.size()) small_ids_.resize(std::max<std::size_t>({v + 1, small_ids_.size() * 2, 1024}), 0);
  std::uint32_t& slot = small_ids_[v];
  if (slot == 0) {
    pool_.push_back(Decimal::from_int(v));
    slot = static_cast<std::uint32_t>(pool_.size());
  }
  return slot - 1;
}

std::optional<std::uint32_t> FactBase::small_value(const Constant& c) {
  const auto* d = std::get_if<Decimal>(&c);
  if (!d || d->raw() < 0 || d->raw() >= static_cast<int128>(kSmallInts) * Decimal::kScale) return std::nullopt;
  const auto raw = static_cast<std::int64_t>(d->raw());  // in range: 64-bit arithmetic will do
  if (raw % Decimal::kScale != 0) return std::nullopt;
  return static_cast<std::uint32_t>(raw / Decimal::kScale);
}

std::uint32_t FactBase::intern(const Constant& c) {
  if (auto v = small_value(c)) return intern_small(*v);
  if (const std::size_t cap = capacity_for(hashed_ + 1, pool_slots_.size(), 64); cap != pool_slots_.size())
    rehash_pool(cap);
  const std::uint64_t h = hash_constant(c);
  const std::size_t mask = pool_slots_.size() - 1;
  std::size_t s = h & mask;
  for (; pool_slots_[s] != kEmpty; s = (s + 1) & mask)
    if (same_hash(pool_slots_[s], h) && pool_[index_of(pool_slots_[s])] == c) return index_of(pool_slots_[s]);
  pool_.push_back(c);
  ++hashed_;
  pool_slots_[s] = slot_of(h, pool_.size() - 1);
  return static_cast<std::uint32_t>(pool_.size() - 1);
}

// Indexes the pool's hashed constants afresh in `capacity` slots.
void FactBase::rehash_pool(std::size_t capacity) const {
  pool_slots_.assign(capacity, kEmpty);
  for (std::size_t id = 0; id < pool_.size(); ++id) {
    if (small_value(pool_[id])) continue;
    const std::uint64_t h = hash_constant(pool_[id]);
    std::size_t s = h & (capacity - 1);
    while (pool_slots_[s] != kEmpty) s = (s + 1) & (capacity - 1);
    pool_slots_[s] = slot_of(h, id);
  }
}

std::uint64_t FactBase::hash_row(const std::uint32_t* ids, std::size_t arity) const {
  std::uint64_t h = 0x12345;
  for (std::size_t k = 0; k < arity; ++k) h = mix(h, ids[k]);
  return finish(h);
}

// Indexes entries [0, entries) afresh in `capacity` slots.
void FactBase::rehash(const Rows& rows, std::size_t capacity, std::size_t entries) const {
  rows.slots.assign(capacity, kEmpty);
  const std::size_t mask = capacity - 1;
  for (std::size_t i = 0; i < entries; ++i) {
    const std::uint64_t h = hash_row(rows.cells.data() + i * rows.arity, rows.arity);
    std::size_t s = h & mask;
    while (rows.slots[s] != kEmpty) s = (s + 1) & mask;
    rows.slots[s] = slot_of(h, i);
  }
}

// The slot holding the entry with these ids, or the empty slot where it would go (slots must not be full).
std::size_t FactBase::probe(const Rows& rows, const std::uint32_t* ids, std::uint64_t h) const {
  const std::size_t mask = rows.slots.size() - 1;
  std::size_t s = h & mask;
  for (; rows.slots[s] != kEmpty; s = (s + 1) & mask)
    if (same_hash(rows.slots[s], h) &&
        std::equal(ids, ids + rows.arity, rows.cells.data() + std::size_t{index_of(rows.slots[s])} * rows.arity))
      break;
  return s;
}

std::optional<std::size_t> FactBase::find_ids(const Rows& rows, const std::uint32_t* ids) const {
  if (rows.prov.size() == 0) return std::nullopt;
  if (rows.slots.empty()) rehash(rows, capacity_for(rows.prov.size(), 0, 16), rows.prov.size());  // released
  const std::uint64_t slot = rows.slots[probe(rows, ids, hash_row(ids, rows.arity))];
  if (slot == kEmpty) return std::nullopt;
  return index_of(slot);
}

std::optional<std::size_t> FactBase::find(int relation, const std::vector<Constant>& args) const {
  if (relation < 0 || static_cast<std::size_t>(relation) >= rel_.size()) return std::nullopt;
  const Rows& rows = rel_[static_cast<std::size_t>(relation)];
  if (args.size() != rows.arity || rows.prov.size() == 0) return std::nullopt;
  std::vector<std::uint32_t> ids;
  ids.reserve(args.size());
  for (const Constant& c : args) {
    auto id = find_constant(c);
    if (!id) return std::nullopt;  // a constant never listed: no entry has it
    ids.push_back(*id);
  }
  return find_ids(rows, ids.data());
}

FactBase::Rows& FactBase::rows_of(int relation, std::size_t arity) {
  if (static_cast<std::size_t>(relation) >= rel_.size()) rel_.resize(static_cast<std::size_t>(relation) + 1);
  Rows& rows = rel_[static_cast<std::size_t>(relation)];
  if (rows.prov.size() == 0) rows.arity = arity;
  return rows;
}

void FactBase::reserve(int relation, std::size_t arity, std::size_t more) {
  if (relation < 0) return;
  Rows& rows = rows_of(relation, arity);
  const std::size_t n = rows.prov.size() + more;
  rows.cells.reserve(n * rows.arity);
  rows.prov.reserve(n);
  const std::size_t cap = capacity_for(n, rows.slots.size(), 16);
  if (cap != rows.slots.size()) rehash(rows, cap, rows.prov.size());
}

std::uint32_t FactBase::origin_id(const FactOrigin& origin) {
  // Entries arrive table by table, file by file: the last few origins are nearly always the one.
  const std::size_t n = origins_.size();
  for (std::size_t k = n; k > 0 && k + 4 > n; --k)
    if (same_origin(origins_[k - 1], origin)) return static_cast<std::uint32_t>(k - 1);
  origins_.push_back(origin);
  origins_.back().line = 0;
  return static_cast<std::uint32_t>(n);
}

// The first value: the relation's entries get a value column.
void FactBase::value_column(Rows& rows, std::uint32_t value) {
  if (value == kNoValue || rows.valued) return;
  rows.valued = true;
  rows.values.assign(rows.prov.size(), kNoValue);
}

// Appends an entry, unindexed.
void FactBase::push_entry(Rows& rows, const std::uint32_t* ids, std::uint32_t value, std::uint32_t origin,
                          std::uint32_t line) {
  value_column(rows, value);
  rows.cells.insert(rows.cells.end(), ids, ids + rows.arity);
  if (rows.valued) rows.values.push_back(value);
  rows.prov.push(origin, line);
}

void FactBase::place(Rows& rows, const std::uint32_t* ids, std::uint32_t value, std::uint32_t origin,
                     std::uint32_t line) {
  const std::size_t n = rows.prov.size();
  if (const std::size_t cap = capacity_for(n + 1, rows.slots.size(), 16); cap != rows.slots.size()) rehash(rows, cap, n);
  const std::uint64_t h = hash_row(ids, rows.arity);
  const std::size_t s = probe(rows, ids, h);
  if (rows.slots[s] != kEmpty) {  // a later value replaces the earlier one, in its place
    value_column(rows, value);
    const std::size_t i = index_of(rows.slots[s]);
    if (rows.valued) rows.values[i] = value;
    rows.prov.set(i, origin, line);
    return;
  }
  push_entry(rows, ids, value, origin, line);
  rows.slots[s] = slot_of(h, n);
}

// The rows of a relation for an entry of `arity` ids; null when they cannot take it (a checked entry
// always has its relation's arity).
FactBase::Rows* FactBase::rows_for_entry(int relation, std::size_t arity) {
  if (relation < 0) return nullptr;
  Rows& rows = rows_of(relation, arity);
  return arity == rows.arity ? &rows : nullptr;
}

void FactBase::append_ids(int relation, const std::uint32_t* ids, std::size_t arity, std::uint32_t value,
                          const FactOrigin& origin) {
  if (Rows* rows = rows_for_entry(relation, arity)) push_entry(*rows, ids, value, origin_id(origin), origin.line);
}

void FactBase::append_ids(int relation, const std::uint32_t* ids, std::size_t arity, std::uint32_t value,
                          std::uint32_t origin, std::uint32_t line) {
  if (Rows* rows = rows_for_entry(relation, arity)) push_entry(*rows, ids, value, origin, line);
}

// The new entries are placed in the order of their home slots, not as they come: a table of a
// million rows placed row by row costs a cache miss per row (a tenth of the time the readiness
// benchmark spends), while in slot order the probes stay within a few pages at a time. Equal
// entries keep their order within a bucket, so the last one's value is the one that stays.
void FactBase::settle(int relation, std::size_t first) {
  if (relation < 0 || static_cast<std::size_t>(relation) >= rel_.size()) return;
  Rows& rows = rel_[static_cast<std::size_t>(relation)];
  const std::size_t n = rows.prov.size();
  if (first >= n) return;
  const std::size_t cap = capacity_for(n, rows.slots.size(), 16);
  if (cap != rows.slots.size()) rehash(rows, cap, first);
  const std::size_t mask = cap - 1;
  constexpr int kBucketShift = 9;  // 512 slots (4 KB) per bucket
  const std::size_t buckets = std::max<std::size_t>(cap >> kBucketShift, 1);
  auto bucket = [&](std::uint64_t h) { return (h & mask) >> kBucketShift; };
  // A counting sort of the new entries by bucket, stable: their hashes, then (hash, entry) in order.
  std::vector<std::uint64_t> hashes(n - first);
  std::vector<std::uint32_t> start(buckets + 1, 0);
  for (std::size_t i = first; i < n; ++i) {
    hashes[i - first] = hash_row(rows.cells.data() + i * rows.arity, rows.arity);
    ++start[bucket(hashes[i - first]) + 1];
  }
  for (std::size_t b = 0; b < buckets; ++b) start[b + 1] += start[b];
  struct Pending {
    std::uint64_t hash;
    std::uint32_t entry;
  };
  std::vector<Pending> sorted(n - first);
  for (std::size_t i = first; i < n; ++i) {
    const std::uint64_t h = hashes[i - first];
    sorted[start[bucket(h)]++] = Pending{h, static_cast<std::uint32_t>(i)};
  }
  hashes = std::vector<std::uint64_t>();
  std::vector<char> merged;  // per new entry: folded into an equal earlier one
  for (const Pending& e : sorted) {
    const std::uint32_t* ids = rows.cells.data() + std::size_t{e.entry} * rows.arity;
    const std::size_t s = probe(rows, ids, e.hash);
    if (rows.slots[s] == kEmpty) {
      rows.slots[s] = slot_of(e.hash, e.entry);
      continue;
    }
    const std::size_t j = index_of(rows.slots[s]);
    if (rows.valued) rows.values[j] = rows.values[e.entry];
    rows.prov.set(j, rows.prov.origin(e.entry), rows.prov.line(e.entry));
    if (merged.empty()) merged.assign(n - first, 0);
    merged[e.entry - first] = 1;
  }
  if (merged.empty()) return;
  // Some entries repeated others: drop them, then index what is left afresh.
  std::size_t to = first;
  for (std::size_t i = first; i < n; ++i) {
    if (merged[i - first]) continue;
    std::copy_n(rows.cells.data() + i * rows.arity, rows.arity, rows.cells.data() + to * rows.arity);
    if (rows.valued) rows.values[to] = rows.values[i];
    rows.prov.copy(to, i);
    ++to;
  }
  rows.cells.resize(to * rows.arity);
  if (rows.valued) rows.values.resize(to);
  rows.prov.truncate(to);
  rehash(rows, cap, to);
}

void FactBase::set_ids(int relation, const std::uint32_t* ids, std::size_t arity, std::uint32_t value,
                       const FactOrigin& origin) {
  if (Rows* rows = rows_for_entry(relation, arity)) place(*rows, ids, value, origin_id(origin), origin.line);
}

void FactBase::merge(FactBase&& other) {
  if (total() == 0 && pool_.empty()) {  // (a pool, even unused, keeps its constants: models share them)
    const std::size_t n = std::max(rel_.size(), other.rel_.size());
    *this = std::move(other);
    rel_.resize(n);
    return;
  }
  std::vector<std::uint32_t> id_of(other.pool_.size());
  for (std::size_t i = 0; i < other.pool_.size(); ++i) id_of[i] = intern(other.pool_[i]);
  std::vector<std::uint32_t> origin_of(other.origins_.size());
  for (std::size_t i = 0; i < other.origins_.size(); ++i) origin_of[i] = origin_id(other.origins_[i]);
  std::vector<std::uint32_t> ids;
  for (std::size_t r = 0; r < other.rel_.size(); ++r) {
    const Rows& from = other.rel_[r];
    if (from.prov.size() == 0) continue;
    reserve(static_cast<int>(r), from.arity, from.prov.size());
    Rows& rows = rel_[r];
    if (rows.arity != from.arity) continue;
    ids.resize(from.arity);
    for (std::size_t i = 0; i < from.prov.size(); ++i) {
      for (std::size_t k = 0; k < from.arity; ++k) ids[k] = id_of[from.cells[i * from.arity + k]];
      std::uint32_t v = !from.valued || from.values[i] == kNoValue ? kNoValue : id_of[from.values[i]];
      place(rows, ids.data(), v, origin_of[from.prov.origin(i)], from.prov.line(i));
    }
  }
}

void FactBase::set(int relation, const FactEntry& entry) {
  std::vector<std::uint32_t> ids;
  ids.reserve(entry.args.size());
  for (const Constant& c : entry.args) ids.push_back(intern(c));
  std::uint32_t value = entry.value ? intern(*entry.value) : kNoValue;
  set_ids(relation, ids.data(), ids.size(), value, entry.origin);
}

void FactBase::index_all() const {
  if (hashed_ != 0 && pool_slots_.empty()) rehash_pool(capacity_for(hashed_, 0, 64));
  for (const Rows& rows : rel_)
    if (rows.prov.size() != 0 && rows.slots.empty()) rehash(rows, capacity_for(rows.prov.size(), 0, 16), rows.prov.size());
}

void FactBase::release_index() {
  for (Rows& rows : rel_) std::vector<std::uint64_t>().swap(rows.slots);
  std::vector<std::uint64_t>().swap(pool_slots_);
}

void FactBase::release_index(int relation) {
  if (relation >= 0 && static_cast<std::size_t>(relation) < rel_.size())
    std::vector<std::uint64_t>().swap(rel_[static_cast<std::size_t>(relation)].slots);
}

bool FactBase::erase(int relation, const std::vector<Constant>& args) {
  auto i = find(relation, args);
  if (!i) return false;
  Rows& rows = rel_[static_cast<std::size_t>(relation)];
  auto at = static_cast<std::ptrdiff_t>(*i);
  auto width = static_cast<std::ptrdiff_t>(rows.arity);
  rows.cells.erase(rows.cells.begin() + at * width, rows.cells.begin() + (at + 1) * width);
  if (rows.valued) rows.values.erase(rows.values.begin() + at);
  rows.prov.erase(*i);
  rehash(rows, rows.slots.size(), rows.prov.size());
  return true;
}

}  // namespace phasegate::engine
