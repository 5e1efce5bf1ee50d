#!/usr/bin/env bash
# The answer-quality gate CI runs: `ragd eval` on the sample corpus with its bundled question set,
# (1) offline (extractive answerer, local embedder) and (2) through `ragd mock-llm` as the model,
# judged by the mock's deterministic judge; each run is compared with its committed baseline in
# eval/ and fails when any question got worse (--max-worse 0) or a score fell under its floor.
# Reports (results.jsonl, report.html) go to --out (default target/eval).
# Usage: scripts/eval-gate.sh [--out DIR] [--update]
#   --update  writes this run's results as the new baselines (after a change that makes answers better)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/target/eval"; update=no
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --update) update=yes; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "eval-gate.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
. "$root/bin/lib/java.sh"
ragd_find_java
. "$root/bench/common.sh"
mkdir -p "$out"
# Floors a little under the baselines: the per-question comparison catches any single regression;
# the floors keep a baseline from drifting down by repeated --update.
offline_gates=(--fail-under recall_at_3=0.9 --fail-under citation_precision=0.93 --fail-under fact_match=0.62
  --fail-under refusal_accuracy=0.72 --fail-over errors=0)
mock_gates=(--fail-under recall_at_3=0.88 --fail-under fact_match=0.62 --fail-under groundedness=4.5
  --fail-under refusal_accuracy=0.78 --fail-under relevance=3.2 --fail-over errors=0)

run_eval() { # NAME BASELINE GATES... (environment set by the caller)
  local name=$1 baseline=$2; shift 2
  local compare=()
  [ "$update" = yes ] || compare=(--compare "$baseline" --max-worse 0)
  echo "--- eval-gate: $name"
  local rc=0
  RAGD_DATA_DIR="$work/data" RAGD_LOG_LEVEL=warn RAGD_EXTRACTIVE_TOKEN_MS=0 \
    "$root/bin/ragd" eval --out "$out/$name" ${compare[@]+"${compare[@]}"} "$@" || rc=$?
  if [ "$rc" = 0 ] && [ "$update" = yes ]; then cp "$out/$name/results.jsonl" "$baseline"; echo "eval-gate: wrote $baseline"; fi
  return "$rc"
}

status=0
run_eval offline "$root/eval/baseline-offline.jsonl" "${offline_gates[@]}" || status=1
port=$(free_port)
start_mock "$port"
RAGD_LLM=openai OPENAI_BASE_URL="http://127.0.0.1:$port/v1" OPENAI_API_KEY=mock \
  RAGD_EVAL_JUDGE=openai RAGD_EVAL_JUDGE_BASE_URL="http://127.0.0.1:$port/v1" RAGD_EVAL_JUDGE_API_KEY=mock \
  run_eval mock-model "$root/eval/baseline-mock-model.jsonl" "${mock_gates[@]}" || status=1
if [ "$status" = 0 ]; then echo "eval-gate: ok (reports in $out)"; else echo "eval-gate: FAILED (reports in $out)"; fi
exit "$status"
