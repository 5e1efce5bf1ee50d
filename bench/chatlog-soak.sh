#!/usr/bin/env bash
# Chat-log soak: does the store stay small under a sustained write rate and reuse what a prune frees?
# Writes ~3 KB records (like the server's) at a fixed rate for N seconds through the store
# RAGD_CHATLOG would open, samples its size on disk every 10 s, prunes the older half at half time,
# then writes on. Prints name=value lines; the last one is
#   chatlog_soak bytes_per_record=<x> slope_bytes_per_s=<y> p95_ms=<z>
# Usage: bench/chatlog-soak.sh [--seconds N] [--rate R] [--store file|postgres] [--writers W] [--dir D]
#                              [--compare PREVIOUS_OUTPUT]
# --compare prints bench/compare.sh's table against a saved run on stderr at the end.
# Defaults: --seconds 600 --rate 100 --store file --writers 64 (a temporary directory, removed after).
# --store postgres starts an embedded PostgreSQL 14 (fsync and synchronous_commit on) and measures
# pg_database_size.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/lib/java.sh"
ragd_find_java
cd "$root"
args=(); compare=""
while [ $# -gt 0 ]; do
  case "$1" in
    --compare) compare="${2:?--compare needs a file}"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
    --seconds|--rate|--store|--writers|--dir) args+=("$1" "$2"); shift 2 ;;
    *) echo "chatlog-soak.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -z "$compare" ] || [ -r "$compare" ] || { echo "chatlog-soak.sh: cannot read $compare" >&2; exit 2; }
# The embedded PostgreSQL is a test dependency, so the soak runs from the test classpath.
./mvnw -q -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile="$root/bench/logback-bench.xml" \
  -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  dev.ragd.ops.bench.ChatLogSoak ${args[@]+"${args[@]}"} | tee "$out"
[ -z "$compare" ] || { echo "--- compared with $compare" >&2; "$root/bench/compare.sh" "$compare" "$out" >&2; }
