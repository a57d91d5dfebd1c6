// Interning and hash indexes for tuple tables.
#include "engine/eval/table.hpp"

#include <functional>
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
  return static_cast<std::size_t>(h);
}

Id Interner::intern(const Constant& c) {
  auto it = ids_.find(c);
  if (it != ids_.end()) return it->second;
  Id id = static_cast<Id>(values_.size());
  values_.push_back(c);
  ids_.emplace(c, id);
  return id;
}

std::optional<Id> Interner::find(const Constant& c) const {
  auto it = ids_.find(c);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::uint64_t Table::hash_of(std::uint64_t mask, const Id* key) const {
  std::uint64_t h = 0x9ae16a3b2f90404fULL;
  for (int c = 0; c < arity_ && c < 64; ++c)
    if (mask & (1ULL << c)) h = mix_hash(h, key[c]);
  return h;
}

bool Table::same_columns(std::uint64_t mask, const Id* key, std::size_t r) const {
  const Id* row_cells = row(r);
  for (int c = 0; c < arity_; ++c) {
    bool in_mask = c >= 64 || (mask & (1ULL << c));
    if (in_mask && row_cells[c] != key[c]) return false;
  }
  return true;
}

const Table::Index& Table::index_for(std::uint64_t mask) const {
  auto it = indexes_.find(mask);
  if (it != indexes_.end()) return it->second;
  Index& index = indexes_[mask];
  for (std::size_t r = 0; r < rows(); ++r) index.buckets[hash_of(mask, row(r))].push_back(static_cast<std::uint32_t>(r));
  return index;
}

std::optional<std::size_t> Table::find(const Id* key) const {
  if (arity_ == 0) {
    if (rows() == 0) return std::nullopt;
    return 0;
  }
  std::optional<std::size_t> found;
  for_matches(full_mask(), key, 0, rows(), [&](std::size_t r) {
    if (!found) found = r;
  });
  return found;
}

std::size_t Table::append(const Id* key, Truth t) {
  std::size_t r = rows();
  cells_.insert(cells_.end(), key, key + arity_);
  truth.push_back(t);
  for (auto& [mask, index] : indexes_) index.buckets[hash_of(mask, key)].push_back(static_cast<std::uint32_t>(r));
  return r;
}

}  // namespace phasegate::engine::eval_detail
