#!/usr/bin/env bash
# Chat-log benchmarks. Prints name=value lines.
#   --store postgres (default): PostgreSQL upsert throughput and latency (p50/p95/p99) through
#     PostgresChatLog at 1 and 200 concurrent writers, against an embedded PostgreSQL 14 that the
#     benchmark starts itself (no Docker, no server to install). Options: [--seconds S] [--writers 1,200]
#   --store file: the embedded SQLite file store (FileChatLog): records/s, latency and CPU per record
#     at 1 and 16 writers. Options: [--records N] [--writers 1,16] [--rounds R] [--dir D]
# Usage: bench/chatlog.sh [--store postgres|file] [options]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/lib/java.sh"
ragd_find_java
cd "$root"
main=dev.ragd.chatlog.bench.ChatLogBench
if [[ "${1:-}" == "--store" ]]; then
  case "${2:-}" in
    postgres) ;;
    file) main=dev.ragd.chatlog.bench.FileChatLogBench ;;
    *) echo "chatlog.sh: --store must be postgres or file, got '${2:-}'" >&2; exit 2 ;;
  esac
  shift 2
fi
# The embedded PostgreSQL is a test dependency, so the benchmarks run from the test classpath.
./mvnw -q -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile="$root/bench/logback-bench.xml" \
  -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  "$main" "$@"
