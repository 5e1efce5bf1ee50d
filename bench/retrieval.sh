#!/usr/bin/env bash
# Retrieval benchmark: recall@1/@3 of keyword, vector and hybrid search over the bundled sample
# corpus, and ingestion throughput, as name=value lines.
# Usage: bench/retrieval.sh [--compare PREVIOUS_OUTPUT] [--by-kind] [--misses] [--analyzer standard]
#        [--query-prefix] [--candidates N] [--title-boost F] [--keyword-weight W] [--vector-weight W]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/lib/java.sh"
ragd_find_java
jar="$root/target/ragd.jar"
# bin/ragd rebuilds the jar when it is missing or older than the sources.
"$root/bin/ragd" --version >/dev/null
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dlogback.configurationFile="$root/bench/logback-bench.xml" \
  -cp "$jar" dev.ragd.ops.bench.RetrievalBench \
  --questions "$root/bench/questions.jsonl" "$@"
