#!/usr/bin/env bash
# Ingestion against the embedding model's own speed: the in-process model alone on exactly the
# inputs ingestion embeds, the whole ingestion of the same generated product records, their ratio,
# and re-ingesting an unchanged corpus of 100,000 records (documents/s), as name=value lines; the
# model is also run with other thread settings. Then ingestion through a hosted embedding model:
# `ragd mock-llm` as the OpenAI embeddings API with a tokens-per-minute quota (--hosted-tpm, 0 to
# skip), starting as a minute turns and ingesting --hosted-quotas minutes' worth of tokens: the share
# of each whole minute's quota used, refusals, and chunks lost (must be 0). About 8 minutes.
# Usage: bench/ingest.sh [--docs 500] [--reingest-docs 100000] [--hosted-tpm 600000]
#        [--hosted-quotas 2.5] [--hosted-only] [--compare PREVIOUS_OUTPUT]
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
jar=$(mktemp --suffix=.jar)
trap 'rm -f "$out" "$jar"' EXIT
cp "$root/target/ragd.jar" "$jar"   # a rebuild of ragd during the run does not disturb it
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx4g
  -Dlogback.configurationFile="$root/bench/logback-bench.xml" -cp "$jar" dev.ragd.ops.bench.IngestBench)
case " ${args[*]-} " in
  *" --hosted-only "*) ;;
  *) # the model's other thread settings, each alone in a JVM: the default (what searches use),
     # one text at a time on every core, and two texts per core on one thread each
     cores=$(nproc)
     for t in default "1x$cores" "$((2 * cores))x1"; do
       "${java[@]}" ${args[@]+"${args[@]}"} --model-threads "$t" 2>/dev/null | tee -a "$out"
     done ;;
esac
"${java[@]}" ${args[@]+"${args[@]}"} 2>/dev/null | tee -a "$out"
[ -z "$compare" ] || { echo "--- compared with $compare" >&2; "$root/bench/compare.sh" "$compare" "$out" >&2; }
