#!/usr/bin/env bash
# Retrieval benchmark: recall@1/@3 of keyword, vector and hybrid search over the bundled sample
# corpus, and ingestion throughput, as name=value lines.
# Usage: bench/retrieval.sh [--compare PREVIOUS_OUTPUT] [--by-kind] [--misses] [--analyzer standard]
#        [--query-prefix] [--candidates N] [--title-boost F] [--keyword-weight W] [--vector-weight W]
# --misses lists each mode's misses on stderr; --compare prints bench/compare.sh's table against a
# saved run on stderr after the run, so stdout stays a run file that can be saved as the next baseline.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
args=(); compare=""
while [ $# -gt 0 ]; do
  case "$1" in
    --compare) compare="${2:?--compare needs a file}"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
[ -z "$compare" ] || [ -r "$compare" ] || { echo "retrieval.sh: cannot read $compare" >&2; exit 2; }
. "$root/bin/lib/java.sh"
ragd_find_java
jar="$root/target/ragd.jar"
# bin/ragd rebuilds the jar when it is missing or older than the sources.
"$root/bin/ragd" --version >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dlogback.configurationFile="$root/bench/logback-bench.xml" \
  -cp "$jar" dev.ragd.ops.bench.RetrievalBench \
  --questions "$root/bench/questions.jsonl" ${args[@]+"${args[@]}"} | tee "$out"
[ -z "$compare" ] || { echo "--- compared with $compare" >&2; "$root/bench/compare.sh" "$compare" "$out" >&2; }
