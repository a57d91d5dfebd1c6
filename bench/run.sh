#!/usr/bin/env bash
# Runs phasegate and the installed peer engines on the shared workloads, checks that every checksum
# agrees, and writes bench/RESULTS.md (median of RUNS runs, min-max, peak memory, ratios).
#   bench/run.sh [BUILD_DIR]      env: RUNS (default 5), SIZES (default "50000 100000 200000"),
#                                      PEERS (default "clingo swipl clips"), QUICK=1 (small sizes only)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
pg=$build/phasegate
shared=$top/../shared/bench
data=$top/bench/data
runs=${RUNS:-5}
sizes=${SIZES:-"50000 100000 200000"}
peers=${PEERS:-"clingo swipl clips"}
[ "${QUICK:-0}" = 1 ] && sizes="2000" && runs=3
mkdir -p "$data"
results=$top/bench/RESULTS.md
rows=()

# median wall seconds, min, max, peak RSS MB of RUNS runs of a command; its last stdout in $data/last.out
measure() {
  local walls=() rss=0 w m
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %M" -o "$data/time.txt" "$@" > "$data/last.out" 2> "$data/last.err"
    read -r w m < <(tail -1 "$data/time.txt")
    walls+=("$w"); (( m > rss )) && rss=$m
  done
  local sorted=($(printf '%s\n' "${walls[@]}" | sort -g))
  local n=${#sorted[@]}
  echo "${sorted[$((n / 2))]} ${sorted[0]} ${sorted[$((n - 1))]} $((rss / 1024))"
}

# Symlinks the generator's TSV tables under the names our facts files load.
prepare() {
  local dir=$1 template=$2
  for f in "$dir"/*.facts; do
    case $f in *.tsv.facts|*/policy.facts|*/closure.facts) continue ;; esac
    ln -sf "$(basename "$f")" "${f%.facts}.tsv"
  done
  cp "$template" "$dir/$(basename "${template%.in}")"
}

policy_checksum() {  # from `advise --summary --format json`
  python3 -c '
import json, sys
s = {r["phase"]: r for r in json.load(open(sys.argv[1]))["summary"]}
d, r = s["deploy"], s.get("ready", {"GO": 0})
ready = r["GO"]; excluded = s.get("decommissioned", {"GO": 0})["GO"]
print(ready, d["GO"] - ready, d["UNDETERMINED"], d["NO-GO"] - excluded, excluded,
      s.get("blocker_pair", {"GO": 0})["GO"], s.get("warning_pair", {"GO": 0})["GO"])' "$1"
}

add_row() { rows+=("$1"); echo "$1" >&2; }
# "phasegate ×N faster" or "phasegate ×N slower": a peer's median against ours.
ratio() {
  python3 -c "
import sys
peer, ours, who = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
if who == 'the table without trees': print('%.2f× the time of %s' % (peer / ours, who))
elif peer >= ours: print('phasegate ×%.1f faster' % (peer / ours))
else: print('phasegate ×%.1f slower' % (ours / peer))" "$1" "$2" "$3"
}

for n in $sizes; do
  dir=$data/policy-$n
  [ -f "$dir/unit.facts" ] || python3 "$shared/gen.py" policy "$n" 7 "$dir" >/dev/null 2>&1
  prepare "$dir" "$top/bench/policy/policy.facts.in"
  read -r med lo hi mb < <(measure "$pg" advise "$top/bench/policy/policy.rules" --facts "$dir/policy.facts" --summary --format json)
  sum=$(policy_checksum "$data/last.out" 2>/dev/null || echo "no output")
  add_row "| readiness $n | phasegate | $med | $lo–$hi | $mb | $sum |"
  pg_med=$med
  # The cost of explanations: the full JSON table with and without a why tree for every binding.
  read -r jmed lo hi mb < <(measure "$pg" advise "$top/bench/policy/policy.rules" --facts "$dir/policy.facts" --format json)
  add_row "| readiness $n | phasegate, full JSON table | $jmed | $lo–$hi | $mb | $(grep -c '"verdict"' "$data/last.out") bindings |"
  read -r med lo hi mb < <(measure "$pg" advise "$top/bench/policy/policy.rules" --facts "$dir/policy.facts" --explain --format json)
  add_row "| readiness $n | phasegate --explain, full JSON table | $med | $lo–$hi | $mb | $(ratio "$med" "$jmed" "the table without trees") |"
  for p in $peers; do
    case $p in
      clingo) command -v clingo >/dev/null || continue
        read -r med lo hi mb < <(measure clingo -V0 "$shared/policy/policy.lp" "$dir/data.lp")
        sum=$(grep -E '^summary' "$data/last.out" | tail -1) ;;
      swipl) command -v swipl >/dev/null || continue
        read -r med lo hi mb < <(measure swipl -O -g main -t halt "$shared/policy/policy.pl" -- "$dir/data.pl")
        sum=$(grep -v '^\s*$' "$data/last.out" | tail -1) ;;
      clips) command -v clips >/dev/null || continue
        read -r med lo hi mb < <(measure "$shared/policy/run_clips_policy.sh" "$dir")
        sum=$(grep -v '^\s*$' "$data/last.out" | tail -1) ;;
      *) continue ;;
    esac
    add_row "| readiness $n | $p | $med | $lo–$hi | $mb | $sum ($(ratio "$med" "$pg_med" "$p")) |"
  done
done

for g in "chain 2000" "random 2000 10000 42"; do
  set -- $g
  name=$1-$2; dir=$data/tc-$name
  [ "${QUICK:-0}" = 1 ] && { [ "$1" = chain ] && set -- chain 300 || set -- random 300 1500 42; name=$1-$2; dir=$data/tc-$name; }
  [ -f "$dir/edge.facts" ] || python3 "$shared/gen.py" "$@" "$dir" >/dev/null 2>&1
  prepare "$dir" "$top/bench/closure/closure.facts.in"
  read -r med lo hi mb < <(measure "$pg" advise "$top/bench/closure/closure.rules" --facts "$dir/closure.facts" --summary --format json)
  sum=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"][0]["GO"])' "$data/last.out" 2>/dev/null || echo "no output")
  add_row "| closure $name | phasegate | $med | $lo–$hi | $mb | $sum |"
  pg_med=$med
  for p in $peers; do
    case $p in
      clingo) command -v clingo >/dev/null || continue
        read -r med lo hi mb < <(measure clingo -V0 "$shared/tc/tc.lp" "$dir/edge.lp")
        sum=$(grep -E '^cnt' "$data/last.out" | tail -1) ;;
      swipl) command -v swipl >/dev/null || continue
        read -r med lo hi mb < <(measure swipl -O -g main -t halt "$shared/tc/tc.pl" -- "$dir/edge.pl")
        sum=$(grep -v '^\s*$' "$data/last.out" | tail -1) ;;
      *) continue ;;
    esac
    add_row "| closure $name | $p | $med | $lo–$hi | $mb | $sum ($(ratio "$med" "$pg_med" "$p")) |"
  done
done

# One decision of the shipped ruleset in process, and decisions evaluated and recorded durably.
decision=""
if [ -x "$build/bench/decision_bench" ]; then
  decision=$("$build/bench/decision_bench" 2>&1 | sed 's/^/    /')
fi

# Re-advise after one fact changes, in process (Model::update): readiness 100 000 (the target's
# size) when it was run, else the largest size run.
incremental=""
if [ -x "$build/bench/incremental_bench" ]; then
  for n in $sizes; do last=$n; done
  case " $sizes " in *" 100000 "*) last=100000 ;; esac
  if [ -f "$data/policy-$last/policy.facts" ]; then
    incremental=$("$build/bench/incremental_bench" "$top/bench/policy/policy.rules" "$data/policy-$last/policy.facts" 1000 2>&1 | sed 's/^/    /')
  fi
fi

{
  echo "# Benchmark results"
  echo
  echo "Generated by \`bench/run.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB,"
  echo "$(uname -sr); whole process, loading included; median of $runs runs (seconds), min–max, peak RSS."
  echo "Expected checksums (ready degraded unknown not-ready excluded blockers warnings):"
  echo "100 000 → \`13381 46199 2008 33469 4943 44309 152767\`; closure chain 2 000 → 1 999 000, random → 3 954 133."
  echo
  echo "| workload | engine | median s | min–max s | peak MB | checksum / note |"
  echo "|---|---|---:|---|---:|---|"
  printf '%s\n' "${rows[@]}"
  if [ -n "$decision" ]; then
    echo
    echo "Single decisions (\`build/bench/decision_bench\`: the ISF ruleset and the 2025-11-20 briefing, in process;"
    echo "median of 5 batches of 20 000; then 1 000 decisions evaluated and recorded, one fsync each):"
    echo
    echo "$decision"
  fi
  if [ -n "$incremental" ]; then
    echo
    echo "Incremental re-advise (\`build/bench/incremental_bench\`: readiness evaluated once, then 1 000 single-fact"
    echo "changes — fuel reports set or withdrawn, comms toggled, status replaced — each followed by Model::update):"
    echo
    echo "$incremental"
  fi
} > "$results"
echo "wrote $results" >&2
