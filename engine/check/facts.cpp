// FactBaseBuilder: facts lines, `load` tables, `--assume` lines and store entries, checked against the declarations.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "engine/calendar.hpp"
#include "engine/check/check.hpp"
#include "engine/check/context.hpp"
#include "engine/check/tables.hpp"
#include "grammar/front.hpp"

namespace phasegate::engine {

using check::a_type;
using check::format_number;
using check::join_members;
using check::TableReader;
using check::type_name;
namespace code = check::code;

namespace {

std::string literal_kind(const syntax::Literal& l) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, syntax::NumberLit>)
          return "a number";
        else if constexpr (std::is_same_v<T, syntax::StringLit>)
          return "text";
        else if constexpr (std::is_same_v<T, syntax::DateLit>)
          return "a date";
        else if constexpr (std::is_same_v<T, syntax::DurationLit>)
          return "a duration";
        else if constexpr (std::is_same_v<T, syntax::BoolLit>)
          return "true/false";
        else if constexpr (std::is_same_v<T, syntax::UnknownLit>)
          return "unknown";
        else
          return "the name `" + v.name + "`";
      },
      l);
}

std::string example_of(const Program& p, const ValueType& t) {
  switch (t.base) {
    case BaseType::boolean:
      return "true";
    case BaseType::number:
      return "42";
    case BaseType::text:
      return "\"Rafah\"";
    case BaseType::date:
      return "2026-03-31";
    case BaseType::duration:
      return "30 days";
    default:
      if (t.enumeration >= 0) return p.enums[static_cast<std::size_t>(t.enumeration)].members.front();
      return "?";
  }
}

}  // namespace

// A literal of a facts line (or of a scenario's expectation) as a constant of type `t`.
std::optional<Constant> convert_literal(const Program& program, const syntax::Literal& lit, const ValueType& t,
                                        const syntax::Position& pos, bool allow_unknown, const std::string& what,
                                        Diagnostics& diags) {
  if (std::holds_alternative<syntax::UnknownLit>(lit)) {
    if (allow_unknown) return Constant{Unknown{}};
    diags.error(code::fact_type, pos, what + " cannot be `unknown`",
                {"an argument names a tuple: give its value instead, e.g. `= unknown` after the arguments"});
    return std::nullopt;
  }
  auto mismatch = [&]() -> std::optional<Constant> {
    std::vector<std::string> notes{"write " + a_type(program, t) + " such as `" + example_of(program, t) + "`"};
    if (t.base == BaseType::text && std::holds_alternative<syntax::MemberLit>(lit))
      notes = {"put text in quotes: `\"" + std::get<syntax::MemberLit>(lit).name + "\"`"};
    if ((t.base == BaseType::level || t.base == BaseType::choice) && std::holds_alternative<syntax::StringLit>(lit))
      notes = {"write a member without quotes: `" + std::get<syntax::StringLit>(lit).value + "`",
               "the members are: " + join_members(program.enums[static_cast<std::size_t>(t.enumeration)])};
    diags.error(code::fact_type, pos, what + " is " + a_type(program, t) + ", not " + literal_kind(lit),
                std::move(notes));
    return std::nullopt;
  };
  switch (t.base) {
    case BaseType::boolean:
      if (const auto* b = std::get_if<syntax::BoolLit>(&lit)) return Constant{b->value};
      return mismatch();
    case BaseType::text:
      if (const auto* s = std::get_if<syntax::StringLit>(&lit)) return Constant{s->value};
      return mismatch();
    case BaseType::date:
      if (const auto* d = std::get_if<syntax::DateLit>(&lit)) {
        if (!is_valid_date(d->year, d->month, d->day)) {
          diags.error(code::fact_type, pos, "not a calendar date");
          return std::nullopt;
        }
        return Constant{Date{days_from_civil(d->year, d->month, d->day)}};
      }
      return mismatch();
    case BaseType::duration:
      if (const auto* d = std::get_if<syntax::DurationLit>(&lit);
          d && d->amount <= 100'000'000 && d->amount >= -100'000'000)
        return Constant{Duration{d->amount * (d->unit == syntax::DurationUnit::weeks ? 7 : 1)}};
      return mismatch();
    case BaseType::number: {
      const auto* n = std::get_if<syntax::NumberLit>(&lit);
      if (!n) return mismatch();
      auto d = Decimal::parse(n->text);
      if (!d) {
        diags.error(code::fact_type, pos, "number `" + n->text + "` cannot be represented exactly",
                    {"numbers have at most nine digits after the point and must lie within about ±1.7e29"});
        return std::nullopt;
      }
      if ((t.lo && *d < *t.lo) || (t.hi && *t.hi < *d)) {
        std::string range = (t.lo ? format_number(*t.lo) : "") + ".." + (t.hi ? format_number(*t.hi) : "");
        diags.error(code::fact_out_of_range, pos,
                    format_number(*d) + " is outside the range " + range + " declared for " + what,
                    {"the declaration says `in " + range + "`: correct the value, or widen the range"});
        return std::nullopt;
      }
      return Constant{*d};
    }
    case BaseType::level:
    case BaseType::choice: {
      const auto* m = std::get_if<syntax::MemberLit>(&lit);
      if (!m) return mismatch();
      const auto& en = program.enums[static_cast<std::size_t>(t.enumeration)];
      for (std::size_t i = 0; i < en.members.size(); ++i)
        if (en.members[i] == m->name) return Constant{Member{t.enumeration, static_cast<int>(i)}};
      std::vector<std::string> notes;
      auto near = nearest_name(m->name, en.members);
      if (!near.empty()) notes.push_back("did you mean `" + near + "`?");
      notes.push_back("the members are: " + join_members(en));
      diags.error(code::fact_member, pos,
                  "`" + m->name + "` is not a member of " + what + ": " + type_name(program, t), std::move(notes));
      return std::nullopt;
    }
  }
  return std::nullopt;
}

struct FactBaseBuilder::State {
  const Program& program;
  std::unordered_map<std::string, int> by_name;
  FactBase facts;  // what the builder has accepted so far

  explicit State(const Program& p) : program(p), facts(p.relations.size()) {
    for (std::size_t i = 0; i < p.relations.size(); ++i) by_name.emplace(p.relations[i].name, static_cast<int>(i));
  }

  // Resolves a relation named in a facts line, reporting why it cannot take values.
  int relation(const syntax::Ident& name, Diagnostics& diags) {
    auto it = by_name.find(name.name);
    if (it == by_name.end()) {
      std::vector<std::string> names;
      for (const auto& r : program.relations)
        if (r.kind == RelationKind::fact) names.push_back(r.name);
      auto near = nearest_name(name.name, names);
      std::vector<std::string> notes;
      if (!near.empty()) notes.push_back("did you mean `" + near + "`?");
      if (program.find_phase(name.name) >= 0)
        notes.push_back("`" + name.name + "` is a phase: phases are decided, not given");
      else
        notes.push_back("declare it in the ruleset with `fact " + name.name + ": ...`");
      diags.error(code::fact_undeclared, name.pos, "fact `" + name.name + "` is not declared in the ruleset",
                  std::move(notes));
      return -1;
    }
    const auto& rel = program.relations[static_cast<std::size_t>(it->second)];
    if (rel.kind == RelationKind::condition) {
      diags.error(code::fact_is_derived, name.pos,
                  "`" + name.name + "` is a condition: it is derived from the rules, not given",
                  {"give values to the facts it is derived from"});
      return -1;
    }
    return it->second;
  }

  std::optional<Constant> convert(const syntax::Literal& lit, const ValueType& t, const syntax::Position& pos,
                                  bool allow_unknown, const std::string& what, Diagnostics& diags) {
    return convert_literal(program, lit, t, pos, allow_unknown, what, diags);
  }

  // Checks one line; nullopt (after reporting) when it is wrong.
  std::optional<std::pair<int, FactEntry>> check_line(const syntax::FactLine& line, FactOrigin origin,
                                                      Diagnostics& diags) {
    int rid = relation(line.name, diags);
    if (rid < 0) return std::nullopt;
    const Relation& rel = program.relations[static_cast<std::size_t>(rid)];
    const std::size_t nparams = rel.param_names.size();
    const std::size_t given = line.args ? line.args->size() : 0;
    if (given != nparams || (nparams > 0 && !line.args)) {
      std::string sig = rel.name;
      if (nparams) {
        sig += "(";
        for (std::size_t i = 0; i < nparams; ++i)
          sig += (i ? ", " : "") + rel.param_names[i] + ": " + type_name(program, rel.param_types[i]);
        sig += ")";
      }
      diags.error(code::fact_arity, line.name.pos,
                  "`" + rel.name + "` takes " + std::to_string(nparams) + " argument(s), not " + std::to_string(given),
                  {"it is declared as `" + sig + "`"});
      return std::nullopt;
    }
    FactEntry e;
    bool ok = true;
    for (std::size_t i = 0; i < given; ++i) {
      const auto& pos = i < line.arg_pos.size() ? line.arg_pos[i] : line.name.pos;
      auto c = convert((*line.args)[i], rel.param_types[i], pos, false,
                       "argument `" + rel.param_names[i] + "` of `" + rel.name + "`", diags);
      if (!c) {
        ok = false;
        continue;
      }
      e.args.push_back(std::move(*c));
    }
    if (rel.value_type) {
      if (!line.value) {
        if (rel.value_type->base == BaseType::boolean) {
          e.value = Constant{true};
        } else {
          diags.error(code::fact_value_shape, line.name.pos, "`" + rel.name + "` needs a value",
                      {"write `" + rel.name + (nparams ? "(...)" : "") + " = " + example_of(program, *rel.value_type) +
                       "` (or `= unknown`)"});
          return std::nullopt;
        }
      } else {
        auto c = convert(*line.value, *rel.value_type, line.value_pos, true, "`" + rel.name + "`", diags);
        if (!c) return std::nullopt;
        e.value = std::move(*c);
      }
    } else if (line.value) {
      // a tuple of a relation without values: `= true` lists it, `= false` unlists it, `= unknown` is unknown
      const auto* b = std::get_if<syntax::BoolLit>(&*line.value);
      if (b && b->value) {
      } else if (b) {
        e.value = Constant{false};
      } else if (std::holds_alternative<syntax::UnknownLit>(*line.value)) {
        e.value = Constant{Unknown{}};
      } else {
        diags.error(code::fact_value_shape, line.value_pos, "`" + rel.name + "` lists tuples and carries no value",
                    {"write the tuple alone: `" + rel.name + "(...)`, or `= true`, `= false`, `= unknown`"});
        return std::nullopt;
      }
    }
    if (!ok) return std::nullopt;
    if (origin.line == 0) {  // else the line it was first written on (a store record's)
      origin.line = line.pos.line;
      origin.column = line.pos.column;
    }
    if (line.prov.source) origin.source = *line.prov.source;
    if (line.prov.as_of)
      origin.as_of = Date{days_from_civil(line.prov.as_of->year, line.prov.as_of->month, line.prov.as_of->day)};
    e.origin = std::move(origin);
    return std::make_pair(rid, std::move(e));
  }

  bool load_table(const syntax::LoadLine& load, const std::string& facts_path, const FactOrigin& base,
                  FactBase& out, SourceMap& sources, Diagnostics& diags);
  std::size_t max_table_bytes = ParseLimits{}.max_file_bytes;

  // The relations the file being added loads from tables, and the one whose index its staged facts
  // keep (the last loaded): the others gave theirs back (see load_table).
  std::vector<int> table_relations;
  int indexed_table = -1;
};

namespace {

// A cell of a table as a constant of type `t`; nullopt with `error` set when it does not fit.
std::optional<Constant> parse_cell(const Program& p, std::string_view s, const ValueType& t, std::string& error,
                                   std::string& numbuf) {
  switch (t.base) {
    case BaseType::text:
      return Constant{std::string(s)};
    case BaseType::boolean:
      if (s == "true") return Constant{true};
      if (s == "false") return Constant{false};
      error = "expected true or false, found `" + std::string(s) + "`";
      return std::nullopt;
    case BaseType::date: {
      auto d = parse_iso_date(s);
      if (!d) {
        error = "expected a date such as 2026-03-31, found `" + std::string(s) + "`";
        return std::nullopt;
      }
      return Constant{Date{*d}};
    }
    case BaseType::number: {
      std::optional<Decimal> d;
      bool simple = !s.empty() && s.size() <= 18;
      std::size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
      if (i == s.size()) simple = false;
      for (std::size_t k = i; simple && k < s.size(); ++k)
        if (s[k] < '0' || s[k] > '9') simple = false;
      if (simple) {
        std::int64_t v = 0;
        for (std::size_t k = i; k < s.size(); ++k) v = v * 10 + (s[k] - '0');
        d = Decimal::from_int(i ? -v : v);
      } else {
        numbuf.clear();
        for (char c : s)
          if (c != '_') numbuf += c;
        d = Decimal::parse(numbuf);
      }
      if (!d) {
        error = "expected a number, found `" + std::string(s) + "`";
        return std::nullopt;
      }
      if ((t.lo && *d < *t.lo) || (t.hi && *t.hi < *d)) {
        error = format_number(*d) + " is outside the declared range " + (t.lo ? format_number(*t.lo) : "") + ".." +
                (t.hi ? format_number(*t.hi) : "");
        return std::nullopt;
      }
      return Constant{*d};
    }
    case BaseType::level:
    case BaseType::choice: {
      const auto& en = p.enums[static_cast<std::size_t>(t.enumeration)];
      for (std::size_t i = 0; i < en.members.size(); ++i)
        if (en.members[i] == s) return Constant{Member{t.enumeration, static_cast<int>(i)}};
      error = "`" + std::string(s) + "` is not a member (the members are: " + join_members(en) + ")";
      return std::nullopt;
    }
    case BaseType::duration: {
      error = "durations cannot be loaded from tables";
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// A cell that is a whole number 0 <= v < FactBase::kSmallInts within the column's declared range.
// Where the first byte of a cell that is not UTF-8 text (a NUL, a malformed sequence) is, if any.
std::optional<std::size_t> bad_text_byte(std::string_view s) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const auto* e = b + s.size();
  for (const auto* q = b; q < e;) {
    if (*q == 0) return static_cast<std::size_t>(q - b);
    if (*q < 0x80) {
      ++q;
      continue;
    }
    const std::size_t n = grammar::utf8_length(q, e);
    if (n == 0) return static_cast<std::size_t>(q - b);
    q += n;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> small_whole_number(std::string_view s, const ValueType& t) {
  if (t.base != BaseType::number || s.empty() || s.size() > 7) return std::nullopt;
  std::uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (v >= FactBase::kSmallInts) return std::nullopt;
  const Decimal d = Decimal::from_int(v);
  if ((t.lo && d < *t.lo) || (t.hi && *t.hi < d)) return std::nullopt;  // parse_cell reports it
  return v;
}

}  // namespace

bool FactBaseBuilder::State::load_table(const syntax::LoadLine& load, const std::string& facts_path,
                                        const FactOrigin& base, FactBase& out, SourceMap& sources,
                                        Diagnostics& diags) {
  int rid = relation(load.relation, diags);
  if (rid < 0) return false;
  // One table's index at a time: large tables' indexes together were a third of the peak memory of
  // loading. The table loaded before gives its index back, unless it is this relation again (a
  // relation loaded from many tables is indexed once, not once per table); whatever looks its
  // entries up later indexes them again then.
  if (indexed_table >= 0 && indexed_table != rid) out.release_index(indexed_table);
  indexed_table = rid;
  table_relations.push_back(rid);
  const Relation& rel = program.relations[static_cast<std::size_t>(rid)];
  if (rel.param_names.empty()) {
    diags.error(code::fact_value_shape, load.relation.pos,
                "`" + rel.name + "` has no parameters: give its value on a line, not in a table",
                {"write `" + rel.name + " = ...`"});
    return false;
  }
  namespace fs = std::filesystem;
  fs::path path(load.path);
  if (path.is_relative()) path = fs::path(facts_path).parent_path() / path;
  const std::string table = path.lexically_normal().string();
  std::string ext = path.extension().string();
  TableReader::Format format;
  if (ext == ".csv")
    format = TableReader::Format::csv;
  else if (ext == ".tsv")
    format = TableReader::Format::tsv;
  else {
    diags.error(code::table_format, load.pos, "a table must be a `.csv` or `.tsv` file: `" + load.path + "`",
                {".csv: a header row names the columns, RFC 4180 quoting; .tsv: tab-separated, no header"});
    return false;
  }
  std::string text;
  {
    // As facts files are read: within the size limit, a pipe or device read to its end (or refused
    // at the limit), a FIFO nobody writes to read as empty rather than waited on.
    std::string why;
    bool too_big = false;
    if (!read_input(table, text, why, max_table_bytes, too_big)) {
      if (too_big)
        diags.error("E0002", load.pos, "table `" + table + "` is too large to read (" + why + ")",
                    {"the limit is " + std::to_string(max_table_bytes) +
                     " bytes (`--max-file-bytes`, which applies to tables too)"});
      else
        diags.error(code::table_unreadable, load.pos, "cannot read table `" + table + "`: " + why,
                    {std::string(why == "it is a folder" ? "name a .csv or .tsv file; " : "") +
                     "the path is relative to the facts file " + facts_path});
      return false;
    }
  }
  std::string_view body(text);
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);  // a byte order mark (as spreadsheets write)
  const std::size_t nparams = rel.param_names.size();
  const bool valued = rel.value_type.has_value();
  const std::size_t ncols = nparams + (valued ? 1 : 0);
  // column -> parameter index (nparams = the value)
  std::vector<std::size_t> slot(ncols);
  for (std::size_t i = 0; i < ncols; ++i) slot[i] = i;
  TableReader reader(body, format);
  int errors = 0;
  constexpr int kMaxErrors = 20;
  auto table_error = [&](std::uint32_t line, std::uint32_t column, std::string msg, std::vector<std::string> notes) {
    ++errors;
    if (errors > kMaxErrors) return;
    if (errors == kMaxErrors) notes.push_back("further errors in this table are not shown");
    if (!sources.text(table)) sources.add(table, std::string(body));  // only a table with errors: lines shown
    diags.error(code::table_format, syntax::Position{table, line, column, 0}, std::move(msg), std::move(notes));
  };
  // A cell that is not UTF-8 text is an error at its first bad byte (nothing else reads it).
  auto bad_text = [&](const std::vector<check::TableCell>& cells) {
    for (const auto& cell : cells)
      if (auto at = bad_text_byte(cell.text)) {
        const auto byte = static_cast<unsigned char>(cell.text[*at]);
        table_error(cell.line, cell.column + static_cast<std::uint32_t>(*at),
                    byte == 0 ? std::string("a NUL byte in a cell")
                              : "invalid UTF-8 in a cell (byte 0x" + grammar::hex_byte(byte) + ")",
                    {"a table is UTF-8 text"});
        return true;
      }
    return false;
  };
  std::string expected;
  for (std::size_t i = 0; i < nparams; ++i) expected += (i ? ", " : "") + rel.param_names[i];
  if (valued) expected += ", value";
  if (format == TableReader::Format::csv) {
    if (!reader.next()) {
      if (!reader.error().empty())
        table_error(reader.error_line(), reader.error_column(), reader.error(), {});
      else
        table_error(1, 1, "the table has no header row", {"the first row names the columns: " + expected});
      return false;
    }
    const auto& head = reader.cells();
    if (bad_text(head)) return false;
    std::vector<bool> seen(ncols, false);
    if (head.size() != ncols)
      table_error(reader.line(), 1,
                  "the header has " + std::to_string(head.size()) + " column(s); `" + rel.name + "` needs " +
                      std::to_string(ncols),
                  {"the columns are: " + expected});
    for (std::size_t c = 0; c < head.size() && c < ncols; ++c) {
      std::string_view h = head[c].text;
      std::size_t k = ncols;
      for (std::size_t i = 0; i < nparams; ++i)
        if (rel.param_names[i] == h) k = i;
      if (valued && h == "value") k = nparams;
      if (k == ncols || seen[k]) {
        std::vector<std::string> names(rel.param_names);
        if (valued) names.push_back("value");
        auto near = nearest_name(h, names);
        std::vector<std::string> notes;
        if (!near.empty() && k == ncols) notes.push_back("did you mean `" + near + "`?");
        notes.push_back("the columns are: " + expected);
        table_error(head[c].line, head[c].column,
                    k == ncols ? "`" + std::string(h) + "` is not a parameter of `" + rel.name + "`"
                               : "column `" + std::string(h) + "` appears twice",
                    std::move(notes));
        continue;
      }
      seen[k] = true;
      slot[c] = k;
    }
    if (errors) return false;
  }
  std::string err, numbuf;
  std::vector<std::uint32_t> ids(nparams);
  {
    std::size_t lines = 0;
    for (const char* q = text.data();
         (q = static_cast<const char*>(std::memchr(q, '\n', text.data() + text.size() - q))); ++q)
      ++lines;
    out.reserve(rid, nparams, lines + 1);
  }
  const std::size_t first = out.size(rid);  // the table's entries, indexed together at the end
  FactOrigin origin = base;
  origin.file = table;
  origin.column = 1;
  // A TSV table whose columns are all numbers without a range (identifiers, counts: the large
  // tables) reads a record of small whole numbers straight to ids, without cell views; any other
  // record (another number, a blank line, an error) takes the general path below.
  bool digits = format == TableReader::Format::tsv;
  for (std::size_t c = 0; c < ncols && digits; ++c) {
    const ValueType& t = slot[c] == nparams ? *rel.value_type : rel.param_types[slot[c]];
    digits = t.base == BaseType::number && !t.lo && !t.hi;
  }
  std::vector<std::uint32_t> nums(ncols);
  std::optional<std::uint32_t> table_origin;  // origin_id(origin), once a record takes this path
  auto read_digits = [&]() {
    const std::size_t bytes = reader.scan_digits(nums.data(), ncols);
    if (!bytes) return false;
    for (std::uint32_t v : nums)
      if (v >= FactBase::kSmallInts) return false;
    reader.skip_record(bytes);
    std::uint32_t value = FactBase::kNoValue;
    for (std::size_t c = 0; c < ncols; ++c) (slot[c] == nparams ? value : ids[slot[c]]) = out.intern_small(nums[c]);
    if (!table_origin) table_origin = out.origin_id(origin);
    out.append_ids(rid, ids.data(), ids.size(), value, *table_origin, reader.line());
    return true;
  };
  while (true) {
    if (digits && read_digits()) continue;
    if (!reader.next()) {
      if (reader.error().empty()) break;
      table_error(reader.error_line(), reader.error_column(), reader.error(), {});
      if (errors > kMaxErrors) break;
      continue;
    }
    const auto& cells = reader.cells();
    if (bad_text(cells)) {
      if (errors > kMaxErrors) break;
      continue;
    }
    if (cells.size() != ncols) {
      table_error(
          cells.size() > ncols ? cells[ncols].line : reader.line(),
          cells.size() > ncols ? cells[ncols].column : 1,
          "row has " + std::to_string(cells.size()) + " cell(s), expected " + std::to_string(ncols),
          {"the columns are: " + expected + (format == TableReader::Format::tsv ? " (separated by tabs)" : "")});
      if (errors > kMaxErrors) break;
      continue;
    }
    std::uint32_t value = FactBase::kNoValue;
    bool ok = true;
    for (std::size_t c = 0; c < ncols; ++c) {
      std::size_t k = slot[c];
      std::string_view s = cells[c].text;
      const bool is_value = k == nparams;
      if (is_value && (s.empty() || s == "unknown")) {
        value = out.intern(Constant{Unknown{}});
        continue;
      }
      if (!is_value && (s.empty() || s == "unknown")) {
        table_error(cells[c].line, cells[c].column, "`" + rel.param_names[k] + "` cannot be empty or unknown",
                    {"every argument of a tuple must be known"});
        ok = false;
        break;
      }
      const ValueType& t = is_value ? *rel.value_type : rel.param_types[k];
      if (auto small = small_whole_number(s, t)) {  // the common case: an identifier or a count
        (is_value ? value : ids[k]) = out.intern_small(*small);
        continue;
      }
      auto v = parse_cell(program, s, t, err, numbuf);
      if (!v) {
        table_error(cells[c].line, cells[c].column,
                    (is_value ? std::string("value") : "`" + rel.param_names[k] + "`") + ": " + err, {});
        ok = false;
        break;
      }
      (is_value ? value : ids[k]) = out.intern(*v);
    }
    if (errors > kMaxErrors) break;
    if (!ok) continue;
    origin.line = reader.line();
    out.append_ids(rid, ids.data(), ids.size(), value, origin);
  }
  out.settle(rid, first);
  return errors == 0;
}

FactBaseBuilder::FactBaseBuilder(const Program& program) : state_(std::make_unique<State>(program)) {}
FactBaseBuilder::~FactBaseBuilder() = default;
FactBaseBuilder::FactBaseBuilder(FactBaseBuilder&&) noexcept = default;

bool FactBaseBuilder::add_file(const syntax::FactsFile& file, SourceMap& sources, Diagnostics& diags,
                               std::size_t max_table_bytes) {
  state_->max_table_bytes = max_table_bytes;
  const std::size_t errors_before = diags.error_count();
  FactOrigin base;
  base.file = file.path;
  if (file.defaults.source) base.source = *file.defaults.source;
  if (file.defaults.as_of)
    base.as_of = Date{days_from_civil(file.defaults.as_of->year, file.defaults.as_of->month, file.defaults.as_of->day)};
  // Staged apart, so that nothing of a file with errors is added.
  FactBase staged(state_->program.relations.size());
  state_->table_relations.clear();
  state_->indexed_table = -1;
  for (const auto& item : file.items) {
    if (const auto* line = std::get_if<syntax::FactLine>(&item)) {
      auto r = state_->check_line(*line, base, diags);
      if (r) staged.set(r->first, r->second);
    } else if (const auto* load = std::get_if<syntax::LoadLine>(&item)) {
      FactOrigin o = base;
      if (load->prov.source) o.source = *load->prov.source;
      if (load->prov.as_of)
        o.as_of = Date{days_from_civil(load->prov.as_of->year, load->prov.as_of->month, load->prov.as_of->day)};
      state_->load_table(*load, file.path, o, staged, sources, diags);
    }
  }
  if (diags.error_count() > errors_before) return false;
  state_->facts.merge(std::move(staged));
  // The tables' relations, indexed again where the merge met entries already there: given back.
  for (int r : state_->table_relations) state_->facts.release_index(r);
  return true;
}

bool FactBaseBuilder::add_line(const syntax::FactLine& line, const FactOrigin& origin, Diagnostics& diags) {
  FactOrigin o = origin;
  if (o.file.empty()) o.file = line.pos.file;
  auto r = state_->check_line(line, o, diags);
  if (!r) return false;
  state_->facts.set(r->first, r->second);
  return true;
}

void FactBaseBuilder::add_entry(int relation, FactEntry entry) {
  if (relation < 0 || static_cast<std::size_t>(relation) >= state_->program.relations.size()) return;
  state_->facts.set(relation, entry);
}

FactBase FactBaseBuilder::build() && { return std::move(state_->facts); }

}  // namespace phasegate::engine
