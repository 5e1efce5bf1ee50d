#!/usr/bin/env bash
# Retrieval at scale: builds embedded indexes of generated product records (bench's ScaleCorpus:
# four chunks per record), the first --sample chunks embedded for real by the local model and the
# rest given synthetic vectors drawn around those (a real vector plus Gaussian noise scaled to the
# sample's spread per dimension), then serves each one in a fresh JVM with a 2 GiB heap and prints
# name=value lines: time to open, keyword / vector / hybrid latency p50/p95/p99 (query embedding
# excluded, and included for hybrid) with 1 and 16 queries in flight, a 1% access filter, recall@10
# of the approximate vector search against exact search on 1,000 real questions, index size, heap
# after GC and RSS. Names are prefixed n<chunks>_<format>_; after each run a line
# `retrieval_scale chunks=<n> format=<f> hybrid_p50_ms=<x> hybrid_p95_ms=<y> recall_at_10=<r> rss_mb=<m>`.
# Usage: bench/retrieval-scale.sh [--chunks 100000,1000000] [--formats float,int7,int4,bbq]
#        [--sample 2000] [--queries 1000] [--heap 2g] [--keep DIR [--reuse]] [--compare PREVIOUS_OUTPUT]
# --keep DIR keeps each built index (DIR/n<chunks>-<format>); --reuse then serves an index kept there
# before instead of building it again (its build lines are printed from DIR/n<chunks>-<format>/build.txt).
# The jar is copied first, so rebuilding ragd while a run goes on does not disturb it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
chunks=100000; formats=float; sample=2000; queries=1000; heap=2g; keep=""; reuse=""; compare=""
while [ $# -gt 0 ]; do
  case "$1" in
    --chunks) chunks="${2:?}"; shift 2 ;;
    --formats) formats="${2:?}"; shift 2 ;;
    --sample) sample="${2:?}"; shift 2 ;;
    --queries) queries="${2:?}"; shift 2 ;;
    --heap) heap="${2:?}"; shift 2 ;;
    --keep) keep="${2:?}"; shift 2 ;;
    --reuse) reuse=1; shift ;;
    --compare) compare="${2:?--compare needs a file}"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "retrieval-scale.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -z "$compare" ] || [ -r "$compare" ] || { echo "retrieval-scale.sh: cannot read $compare" >&2; exit 2; }
[ -z "$reuse" ] || [ -n "$keep" ] || { echo "retrieval-scale.sh: --reuse needs --keep DIR" >&2; exit 2; }
. "$root/bin/lib/java.sh"
ragd_find_java
"$root/bin/ragd" --version >/dev/null   # builds the jar when needed
work=${keep:-$(mktemp -d)}
mkdir -p "$work"
jar=$(mktemp --suffix=.jar)
out=$(mktemp)
trap 'rm -f "$out" "$jar"; [ -n "$keep" ] || rm -rf "$work"' EXIT
cp "$root/target/ragd.jar" "$jar"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector
  -Dlogback.configurationFile="$root/bench/logback-bench.xml" -cp "$jar")
IFS=, read -r -a sizes <<< "$chunks"
IFS=, read -r -a fmts <<< "$formats"
for n in "${sizes[@]}"; do
  for f in "${fmts[@]}"; do
    dir="$work/n$n-$f"
    prefix="n${n}_${f}_"
    if [ -n "$reuse" ] && [ -r "$dir/build.txt" ] && [ -r "$dir/queries.jsonl" ]; then
      sed "s/^/$prefix/" "$dir/build.txt" | tee -a "$out"
    else
      rm -rf "$dir"; mkdir -p "$dir"
      # the build holds every vector in memory for the exact search: a heap to match the corpus
      build_heap=$(( 2 + n * 384 * 4 * 2 / 1073741824 ))g
      "${java[@]}" -Xmx"$build_heap" dev.ragd.ops.bench.RetrievalScaleBench build "$dir" --chunks "$n" --format "$f" \
        --sample "$sample" --queries "$queries" 2>/dev/null | grep '=' > "$dir/build.txt"
      sed "s/^/$prefix/" "$dir/build.txt" | tee -a "$out"
    fi
    "${java[@]}" -Xmx"$heap" dev.ragd.ops.bench.RetrievalScaleBench serve "$dir" 2>/dev/null \
      | while IFS= read -r line; do
          case "$line" in
            retrieval_scale*) echo "${line/retrieval_scale chunks=$n/retrieval_scale chunks=$n format=$f}" ;;
            *=*) echo "$prefix$line" | tee -a "$out" ;;
          esac
        done
    [ -n "$keep" ] || rm -rf "$dir"
  done
done
[ -z "$compare" ] || { echo "--- compared with $compare" >&2; "$root/bench/compare.sh" "$compare" "$out" >&2; }
