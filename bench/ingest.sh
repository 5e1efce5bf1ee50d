#!/usr/bin/env bash
# Ingestion against the embedding model's own speed: the in-process model alone on exactly the
# inputs ingestion embeds, the whole ingestion of the same generated product records, their ratio,
# and re-ingesting an unchanged corpus of 100,000 records (documents/s), as name=value lines.
# Usage: bench/ingest.sh [--docs 500] [--reingest-docs 100000] [--compare PREVIOUS_OUTPUT]
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
[ -z "$compare" ] || [ -r "$compare" ] || { echo "ingest.sh: cannot read $compare" >&2; exit 2; }
. "$root/bin/lib/java.sh"
ragd_find_java
"$root/bin/ragd" --version >/dev/null   # builds the jar when needed
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx4g \
  -Dlogback.configurationFile="$root/bench/logback-bench.xml" -cp "$root/target/ragd.jar" dev.ragd.ops.bench.IngestBench \
  ${args[@]+"${args[@]}"} 2>/dev/null | tee "$out"
[ -z "$compare" ] || { echo "--- compared with $compare" >&2; "$root/bench/compare.sh" "$compare" "$out" >&2; }
