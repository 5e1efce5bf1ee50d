#!/usr/bin/env bash
# Chat-log benchmarks. Prints name=value lines.
#   --store postgres (default): PostgreSQL upsert throughput and latency (p50/p95/p99) through
#     PostgresChatLog at 1 and 200 concurrent writers, against an embedded PostgreSQL 14 that the
#     benchmark starts itself (no Docker, no server to install). Options: [--seconds S] [--writers 1,200]
#   --store file: the embedded SQLite file store (FileChatLog): records/s, latency and CPU per record
#     at 1 and 16 writers. Options: [--records N] [--writers 1,16] [--rounds R] [--dir D]
# Usage: bench/chatlog.sh [--store postgres|file] [options] [--compare PREVIOUS_OUTPUT]
# --compare prints bench/compare.sh's table against a saved run on stderr at the end.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
main=dev.ragd.ops.bench.ChatLogBench
args=(); compare=""
while [ $# -gt 0 ]; do
  case "$1" in
    --store)
      case "${2:-}" in
        postgres) main=dev.ragd.ops.bench.ChatLogBench ;;
        file) main=dev.ragd.ops.bench.FileChatLogBench ;;
        *) echo "chatlog.sh: --store must be postgres or file, got '${2:-}'" >&2; exit 2 ;;
      esac
      shift 2 ;;
    --compare) compare="${2:?--compare needs a file}"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
[ -z "$compare" ] || [ -r "$compare" ] || { echo "chatlog.sh: cannot read $compare" >&2; exit 2; }
. "$root/bin/lib/java.sh"
ragd_find_java
cd "$root"
# The embedded PostgreSQL and the ChatRecords fixture are test code, so the benchmarks run from the
# test classpath.
./mvnw -q -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile="$root/bench/logback-bench.xml" \
  -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  "$main" ${args[@]+"${args[@]}"} | tee "$out"
[ -z "$compare" ] || { echo "--- compared with $compare" >&2; "$root/bench/compare.sh" "$compare" "$out" >&2; }
