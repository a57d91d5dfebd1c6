// Evaluation: a checked program and its facts in, a three-valued verdict for every phase binding out.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/program.hpp"

namespace phasegate::engine {

enum class Truth : std::uint8_t { false_ = 0, unknown = 1, true_ = 2 };
enum class Verdict : std::uint8_t { go, no_go, undetermined };

const char* to_string(Truth t);    // "true" / "false" / "unknown"
const char* to_string(Verdict v);  // "GO" / "NO-GO" / "UNDETERMINED"

struct EvalOptions {
  Date today;                              // the value of `today`
  std::uint64_t max_tuples = 50'000'000;   // derived tuples, all relations together
  double max_seconds = 60.0;               // wall time
  // Resident memory of the process, in MiB, checked as the evaluation runs (Linux); 0: four fifths
  // of the machine's physical memory, so that a workload too large stops with E0905, not the OOM killer.
  std::uint64_t max_memory_mb = 0;
  // false: only Evaluation::counts is filled (the verdicts are computed all the same, but no
  // PhaseResult is kept and no unknowns are collected): for summaries of very many bindings.
  bool results = true;
  // true: the FactBase stays as it is while the model lives (one evaluation, no Model::update, which
  // then refuses): the tables of the facts read its rows in place instead of copying them.
  bool facts_fixed = false;
  // Strata that do not read each other are evaluated at once on up to this many threads: 0, one per
  // core (at most 8); 1, one thread. Only when the facts hold at least `parallel_min_facts` entries:
  // below that, starting threads costs more than it saves. The results are the same either way; an
  // evaluation that stops (a limit, a runtime error) is run again on one thread, so that what stops
  // it, and where, is too.
  unsigned threads = 0;
  std::size_t parallel_min_facts = 50'000;
  // Only these phases (indices into Program::phases), and the phases they wait on (`after`), get
  // verdicts; the others get none (no results, zero counts), and only the strata of the conditions
  // these phases read are evaluated (the others' tables stay empty), so neither can stop the
  // evaluation with a runtime error. nullopt: every phase. The explainer's probes use it: a probe
  // reads one phase, or (an empty list) every condition and no phase. Model::update then evaluates
  // everything again.
  std::optional<std::vector<int>> phases;
};

// A clause of a phase under one binding.
struct ClauseResult {
  int clause = -1;                   // index into Phase::clauses
  Truth expr_value = Truth::false_;  // the value of the clause's expression
  Truth met = Truth::false_;         // require: expr OR any waiver; block: NOT expr
  std::vector<int> waivers_true;     // waivers (Phase::waivers) whose condition is true
  std::vector<int> waivers_unknown;  // ... unknown
};

struct AfterResult {
  int phase = -1;
  Verdict verdict = Verdict::go;
};

struct PhaseResult {
  int phase = -1;
  std::vector<Constant> args;        // the binding of the phase's parameters
  Truth binding = Truth::true_;      // the `for each` atom's value (unknown caps the verdict)
  Verdict verdict = Verdict::go;
  std::vector<ClauseResult> clauses;  // one per Phase::clauses, in order
  std::vector<AfterResult> after;     // one per Phase::after, in order
  // Input facts whose unknown value (or unknown absence, for an open relation)
  // can change this verdict, as `name("arg", 2)`; sorted, unique.
  std::vector<std::string> unknowns;
};

// How many bindings of a phase are GO, NO-GO and UNDETERMINED.
struct PhaseCount {
  int phase = -1;
  std::uint64_t go = 0, no_go = 0, undetermined = 0;
};

struct Evaluation {
  // Phases in declaration order; bindings of one phase in sorted order of args.
  // Empty when EvalOptions::results is false.
  std::vector<PhaseResult> phases;
  std::vector<PhaseCount> counts;  // one per phase, in declaration order (always filled)
  std::uint64_t derived_tuples = 0;
};

// Why an evaluation stopped: a limit was reached (the CLI reports it with exit 65)
// or a runtime error such as division by zero (with the position of the expression).
struct EvalError {
  std::string message;
  SourcePos pos;
  // "E0901" limit on tuples, "E0902" time limit, "E0903" division by zero, "E0904" overflow, "E0905" memory limit
  std::string code;
};

struct EvalOutcome {
  std::optional<Evaluation> evaluation;
  std::optional<EvalError> error;
};

EvalOutcome evaluate(const Program& program, const FactBase& facts, const EvalOptions& options);

// Evaluates one program over and over, as a service answering decisions does: what evaluate()
// gives, without setting everything up again each time. The tables, the interner, the results and
// the evaluator's scratch memory are kept from one evaluation to the next (emptied, not freed), so a
// decision over a handful of facts allocates next to nothing; what depends on the program alone is
// worked out once. Each evaluation starts from nothing else: the outcome is exactly evaluate()'s.
// Not for two threads at once.
class Evaluator {
 public:
  explicit Evaluator(const Program& program);  // the program must outlive the evaluator
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // As evaluate(program, facts, options). The outcome is the evaluator's: valid until its next
  // evaluate() (move what you keep out of it).
  const EvalOutcome& evaluate(const FactBase& facts, const EvalOptions& options);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace phasegate::engine
