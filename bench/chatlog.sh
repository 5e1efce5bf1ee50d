#!/usr/bin/env bash
# Chat-log benchmark: PostgreSQL upsert throughput and latency (p50/p95/p99) through
# PostgresChatLog at 1 and 200 concurrent writers, against an embedded PostgreSQL 14 that the
# benchmark starts itself (no Docker, no server to install). Prints name=value lines.
# Usage: bench/chatlog.sh [--seconds S] [--writers 1,200]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/lib/java.sh"
ragd_find_java
cd "$root"
# The embedded PostgreSQL is a test dependency, so the benchmark runs from the test classpath.
./mvnw -q -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
exec "$JAVA_HOME/bin/java" -Dlogback.configurationFile="$root/bench/logback-bench.xml" \
  -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  dev.ragd.chatlog.bench.ChatLogBench "$@"
