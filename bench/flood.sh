#!/usr/bin/env bash
# Memory under one hostile client (issue 8, defect 1): starts `ragd serve` with -Xmx256m, then one
# client floods the native socket with tiny invalid frames and never reads a reply
# (bench/flood.py). Prints name=value lines: the server's RSS before, at its peak during the flood
# and after the client is gone; the heap still in use after a full GC while the flooder is
# connected and not reading (what the server holds for it: queued replies, unread frames), against
# the same before the flood; how far the client got and when the server dropped it. RSS also grows
# when the JVM commits more of its heap for a burst of allocation (up to -Xmx), which it keeps;
# the retained heap is what the flood itself holds. Last line:
# `flood rss_growth_mb=<x> heap_retained_mb=<y> frames_sent=<n> frames_total=<m>`.
#
# Usage: bench/flood.sh [--frames N] [--frame-bytes B] [--payload TEXT] [--seconds S] [--stall-ms MS]
#                       [--jar JAR] [--compare PREVIOUS_OUTPUT]
# Defaults: --frames 300000 --frame-bytes 1 --seconds 90 --stall-ms 30000 (RAGD_WRITE_STALL_TIMEOUT_MS)
# --jar runs another build (e.g. an older release, for a before/after) instead of target/ragd.jar;
# --payload sends that text in every frame instead of 'x' (e.g. '{x': malformed JSON the parser must read).
# --compare prints bench/compare.sh's table against a saved run on stderr at the end.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/lib/java.sh"
ragd_find_java

frames=300000; frame_bytes=1; seconds=90; stall_ms=30000; compare=""; jar=""; payload=""
while [ $# -gt 0 ]; do
  case "$1" in
    --frames) frames="$2"; shift 2 ;;
    --frame-bytes) frame_bytes="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --stall-ms) stall_ms="$2"; shift 2 ;;
    --compare) compare="${2:?--compare needs a file}"; shift 2 ;;
    --jar) jar="$2"; shift 2 ;;
    --payload) payload="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "flood.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -z "$compare" ] || [ -r "$compare" ] || { echo "flood.sh: cannot read $compare" >&2; exit 2; }

if [ -z "$jar" ]; then
  "$root/bin/ragd" --version >/dev/null   # builds the jar when needed
  jar="$root/target/ragd.jar"
fi
work=$(mktemp -d)
pid=""
sampler=""
cleanup() { [ -n "$sampler" ] && kill "$sampler" 2>/dev/null; [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

port=$("$JAVA_HOME/bin/java" -cp "$root/target/ragd.jar:$jar" dev.ragd.ops.bench.FreePort)
PORT=$port RAGD_HOST=127.0.0.1 RAGD_DATA_DIR="$work/data" RAGD_LOG_LEVEL=warn RAGD_WRITE_STALL_TIMEOUT_MS=$stall_ms \
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx256m -jar "$jar" serve > "$work/ragd.log" 2>&1 &
pid=$!
for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "flood.sh: ragd did not become ready" >&2; cat "$work/ragd.log" >&2; exit 1; }

rss_mb() { awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$pid/status"; }
# Heap in use right after a full GC, in MB (G1's "used" in GC.heap_info).
heap_after_gc_mb() {
  "$JAVA_HOME/bin/jcmd" "$pid" GC.run >/dev/null
  "$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1 | awk '{ printf "%d", $1 / 1024 }'
}
# A few ordinary questions first, so the "before" is a server that has answered (JIT, buffers).
for _ in 1 2 3; do
  curl -fs -H 'content-type: application/json' -d '{"stream":false,"messages":[{"role":"user","content":"What is the warranty of the Cinder Kettle?"}]}' \
    "http://127.0.0.1:$port/v1/chat" >/dev/null
done
sleep 2
heap_before=$(heap_after_gc_mb)
before=$(rss_mb)
( peak=0; while kill -0 "$pid" 2>/dev/null; do r=$(rss_mb); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" > "$work/peak"; sleep 0.2; done ) &
sampler=$!

/usr/bin/python3 "$root/bench/flood.py" "$port" --frames "$frames" --frame-bytes "$frame_bytes" --payload "$payload" --seconds "$seconds" \
  > >(tee "$work/out.txt") &
client=$!
# While the flooder is connected and has stopped sending (all sent, or blocked): what does the server hold?
for _ in $(seq 1 "$seconds"); do grep -q '^send_blocked_after_s=' "$work/out.txt" 2>/dev/null && break; sleep 1; done
sleep 2
heap_during=$(heap_after_gc_mb)
wait "$client"
sleep 3
after=$(rss_mb)
peak=$(cat "$work/peak" 2>/dev/null || echo "$before")
# An ordinary question still gets its answer.
ok=$(curl -fs -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
  -d '{"stream":false,"messages":[{"role":"user","content":"Do you ship to Canada?"}]}' "http://127.0.0.1:$port/v1/chat" || true)
{
  echo "rss_before_mb=$before"
  echo "rss_peak_mb=$peak"
  echo "rss_after_mb=$after"
  echo "rss_growth_mb=$((peak - before))"
  echo "heap_after_gc_before_mb=$heap_before"
  echo "heap_after_gc_during_flood_mb=$heap_during"
  echo "heap_retained_mb=$((heap_during - heap_before))"
  echo "answer_after_flood_http=$ok"
  echo "write_stall_ms=$stall_ms"
} | tee -a "$work/out.txt"
sent=$(sed -n 's/^frames_sent=//p' "$work/out.txt")
echo "flood rss_growth_mb=$((peak - before)) heap_retained_mb=$((heap_during - heap_before)) frames_sent=$sent frames_total=$frames"
[ -z "$compare" ] || { echo "--- compared with $compare" >&2; "$root/bench/compare.sh" "$compare" "$work/out.txt" >&2; }
