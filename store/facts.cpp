// The fact store: append-only assertions, the state as known at a moment, history and export.
#include <algorithm>

#include "store/impl.hpp"

namespace phasegate::store {
using detail::in_transaction;
using detail::Statement;

namespace {

constexpr const char* kFactColumns =
    "id, batch_id, name, args, kind, value, source, as_of, actor, recorded_at, file, line";

StoredFact read_fact(const Statement& st) {
  StoredFact f;
  f.id = st.integer(0);
  f.batch_id = st.integer(1);
  f.name = st.text(2);
  f.args_text = st.text(3);
  std::string kind = st.text(4);
  f.kind = kind == "tuple"     ? AssertionKind::tuple
           : kind == "retract" ? AssertionKind::retraction
                               : AssertionKind::value;
  if (!st.is_null(5)) f.value_text = st.text(5);
  f.source = st.text(6);
  f.as_of = st.text(7);
  f.actor = st.text(8);
  f.recorded_at = st.text(9);
  f.file = st.text(10);
  f.line = static_cast<std::uint32_t>(st.integer(11));
  return f;
}

std::string where(const FactAssertion& a) {
  return a.file.empty() ? std::string("line ") + std::to_string(a.line) : a.file + ":" + std::to_string(a.line);
}

}  // namespace

ImportResult Store::import_facts(const std::vector<FactAssertion>& lines, const ImportOptions& options) {
  for (const auto& a : lines) {
    if (a.name.empty()) throw StoreError(ErrorKind::invalid, where(a) + ": a fact assertion without a name");
    if (!a.as_of.empty() && !is_iso_date(a.as_of))
      throw StoreError(ErrorKind::invalid, where(a) + ": 'as of' is not a date: " + a.as_of);
  }
  std::string actor = options.actor.empty() ? os_user() : options.actor;
  nlohmann::json files = options.files;
  auto& c = impl_->conn;
  std::string files_json = detail::canonical_json(files);
  return in_transaction(c, true, [&] {
    ImportResult r;
    r.recorded_at = impl_->next_recorded_at();
    r.count = lines.size();
    std::string prev_hash = kGenesisHash;
    {
      Statement st(c.get(), "SELECT hash FROM import_batch ORDER BY id DESC LIMIT 1");
      if (st.step()) prev_hash = st.text(0);
    }
    {
      Statement st(c.get(),
                   "INSERT INTO import_batch (recorded_at, actor, title, files, line_count, prev_hash, hash) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, '')");
      st.bind(1, r.recorded_at).bind(2, actor).bind(3, options.title).bind(4, files_json);
      st.bind(5, static_cast<std::int64_t>(lines.size())).bind(6, prev_hash);
      st.step();
      r.batch_id = sqlite3_last_insert_rowid(c.get());
    }
    detail::BatchHasher hasher;
    hasher.header(r.batch_id, r.recorded_at, actor, options.title, files_json, static_cast<std::int64_t>(lines.size()));
    Statement ins(c.get(),
                  "INSERT INTO fact_assertion (batch_id, name, args, kind, value, source, as_of, actor, recorded_at, "
                  "file, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    for (const auto& a : lines) {
      ins.reset();
      std::string kind = a.retract ? "retract" : a.value_text ? "value" : "tuple";
      std::string value = kind == "value" ? *a.value_text : std::string();
      ins.bind(1, r.batch_id).bind(2, a.name).bind(3, a.args_text).bind(4, kind);
      if (kind == "value")
        ins.bind(5, value);
      else
        ins.bind_null(5);
      ins.bind(6, a.source).bind_opt(7, a.as_of).bind(8, actor).bind(9, r.recorded_at).bind(10, a.file);
      ins.bind(11, static_cast<std::int64_t>(a.line));
      ins.step();
      hasher.assertion(sqlite3_last_insert_rowid(c.get()), a.name, a.args_text, kind, value, a.source, a.as_of, actor,
                       r.recorded_at, a.file, a.line);
    }
    Statement up(c.get(), "UPDATE import_batch SET hash = ?1 WHERE id = ?2");
    up.bind(1, hasher.hash(prev_hash)).bind(2, r.batch_id);
    up.step();
    return r;
  });
}

FactState Store::facts(const std::optional<std::string>& known_at) const {
  std::string moment = known_at ? detail::normalise_moment(*known_at, DateBound::end_of_day) : std::string();
  auto& c = impl_->conn;
  return in_transaction(c, false, [&] {
    FactState state;
    // SQLite takes the bare columns of a max() aggregate from the row holding the maximum.
    std::string sql = std::string("SELECT ") + kFactColumns + ", max(id) FROM fact_assertion" +
                      (known_at ? " WHERE recorded_at <= ?1" : "") + " GROUP BY name, args ORDER BY name, args";
    Statement st(c.get(), sql);
    if (known_at) st.bind(1, moment);
    while (st.step()) {
      StoredFact f = read_fact(st);
      state.last_id = std::max(state.last_id, f.id);  // each group's newest: the newest of all, retractions too
      if (f.kind != AssertionKind::retraction) state.facts.push_back(std::move(f));
    }
    Statement last(c.get(), known_at
                                ? "SELECT max(recorded_at) FROM import_batch WHERE line_count > 0 AND recorded_at <= ?1"
                                : "SELECT max(recorded_at) FROM import_batch WHERE line_count > 0");
    if (known_at) last.bind(1, moment);
    if (last.step()) state.latest = last.text(0);
    state.known_at = known_at ? moment : state.latest;
    return state;
  });
}

FactUpdates Store::facts_since(std::int64_t after_id) const {
  auto& c = impl_->conn;
  return in_transaction(c, false, [&] {
    FactUpdates out;
    out.last_id = after_id;
    Statement st(c.get(), std::string("SELECT ") + kFactColumns + " FROM fact_assertion WHERE id > ?1 ORDER BY id");
    st.bind(1, after_id);
    while (st.step()) out.assertions.push_back(read_fact(st));
    if (!out.assertions.empty()) {
      out.last_id = out.assertions.back().id;
      out.latest = out.assertions.back().recorded_at;  // imports' recorded_at only increase
    }
    return out;
  });
}

std::vector<StoredFact> Store::history(const std::string& name) const {
  Statement st(impl_->conn.get(),
               std::string("SELECT ") + kFactColumns + " FROM fact_assertion WHERE name = ?1 ORDER BY id");
  st.bind(1, name);
  std::vector<StoredFact> out;
  while (st.step()) out.push_back(read_fact(st));
  return out;
}

std::vector<ImportBatch> Store::batches() const {
  Statement st(impl_->conn.get(),
               "SELECT id, recorded_at, actor, title, files, line_count FROM import_batch ORDER BY id");
  std::vector<ImportBatch> out;
  while (st.step()) {
    ImportBatch b;
    b.id = st.integer(0);
    b.recorded_at = st.text(1);
    b.actor = st.text(2);
    b.title = st.text(3);
    auto files = nlohmann::json::parse(st.text(4), nullptr, false);
    if (files.is_array())
      for (const auto& f : files)
        if (f.is_string()) b.files.push_back(f.get<std::string>());
    b.count = static_cast<std::size_t>(st.integer(5));
    out.push_back(std::move(b));
  }
  return out;
}

std::string Store::export_facts(const std::optional<std::string>& known_at, const std::string& title) const {
  FactState state = facts(known_at);
  std::string out = "# Exported from the phasegate store " + impl_->path;
  out += state.known_at.empty() ? std::string(" (empty)") : " as known at " + state.known_at;
  out += "\n# Each line keeps the source and as-of date it was recorded with.\n";
  out += "facts " + quote_facts_string(title.empty() ? "Export of " + impl_->path : title) + "\n\n";
  for (const auto& f : state.facts) {
    out += f.fact_text();
    if (!f.as_of.empty()) out += "   as of " + f.as_of;
    if (!f.source.empty()) out += "   source " + quote_facts_string(f.source);
    out += '\n';
  }
  return out;
}

}  // namespace phasegate::store
