#!/usr/bin/env bash
# Many idle connections plus streaming load in a small heap: `ragd serve -Xmx512m` holds N idle
# native WebSockets (IdleSocketsBench) while TtftBench runs S concurrent streams through it
# (POST /v1/chat, against `ragd mock-llm`); prints the streams' p50/p95/p99 time to first token,
# ragd's RSS (VmRSS, and its peak VmHWM) and heap after a full GC, ragd_websockets_open during the
# load and after it (how many idle sockets survived).
#
# Usage: bench/idle.sh [--idle N] [--streams S] [--heap SIZE] [--warm-up-s SEC] [--rounds R] [--compare PREVIOUS_OUTPUT]
# Defaults: --idle 10000 --streams 1000 --heap 512m --warm-up-s 60 --rounds 3
# (mock: 500 ms to first token, 20 ms/token, 40 tokens, as bench/ttft.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/lib/java.sh"
ragd_find_java

idle=10000; streams=1000; heap=512m; warm_s=60; rounds=3; compare=""
while [ $# -gt 0 ]; do
  case "$1" in
    --idle) idle="$2"; shift 2 ;;
    --streams) streams="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --warm-up-s) warm_s="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --compare) compare="${2:?--compare needs a file}"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "idle.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -z "$compare" ] || [ -r "$compare" ] || { echo "idle.sh: cannot read $compare" >&2; exit 2; }
[ "$(ulimit -n)" -gt $((idle + streams + 1000)) ] || ulimit -n $((idle + streams + 4000)) 2>/dev/null \
  || { echo "idle.sh: needs ulimit -n above $((idle + streams + 1000))" >&2; exit 2; }

. "$root/bench/common.sh"

mock_port=$(free_port)
start_mock "$mock_port" --ttft-ms 500 --token-ms 20 --tokens 40 --max-concurrent 100000

ragd_port=$(free_port)
PORT=$ragd_port RAGD_HOST=127.0.0.1 RAGD_DATA_DIR="$work/data" RAGD_LLM=openai OPENAI_BASE_URL="http://127.0.0.1:$mock_port/v1" \
  OPENAI_API_KEY=bench-key RAGD_QUERY_REWRITE=false RAGD_MAX_CONCURRENT_GENERATIONS=100000 RAGD_MAX_CONNECTIONS_PER_IP=100000 \
  RAGD_IDLE_TIMEOUT_MS=3600000 RAGD_LOG_LEVEL=warn "${java[@]}" -Xmx"$heap" -jar "$jar" serve > "$work/ragd.log" 2>&1 &
ragd_pid=$!
pids+=($ragd_pid)
wait_http "$ragd_port" /readyz

out="$work/out.txt"
printf '%s\n' "idle_sockets=$idle" "streams=$streams" "heap=$heap" "warm_up_s=$warm_s" "rounds=$rounds" "cores=$(nproc)" | tee "$out"
rss() { awk -v k="$1" '$1 == k":" { print int($2 / 1024) }' "/proc/$ragd_pid/status"; }
echo "rss_ready_mb=$(rss VmRSS)" | tee -a "$out"
hold=$((warm_s + 60 * rounds + 120))
"${java[@]}" -Xmx1g -cp "$jar" dev.ragd.ops.bench.IdleSocketsBench --port "$ragd_port" --sockets "$idle" \
  --hold-seconds "$hold" > "$work/idle.txt" 2> "$work/idle.err" &
idle_pid=$!
pids+=($idle_pid)
for _ in $(seq 1 600); do grep -q '^idle_opened=' "$work/idle.txt" 2>/dev/null && break; sleep 1; done
grep '^idle_' "$work/idle.txt" | tee -a "$out"
echo "rss_idle_mb=$(rss VmRSS)" | tee -a "$out"
( sleep $((warm_s / 2)); curl -fs "http://127.0.0.1:$ragd_port/metrics" | awk '/^ragd_websockets_open\{/ { n += $2 } END { print "websockets_open_during_load=" n }' > "$work/ws.txt" ) &
"${java[@]}" -Xmx1g -cp "$jar" dev.ragd.ops.bench.TtftBench --target ragd --port "$ragd_port" --streams "$streams" \
  --ramp-ms 1000 --warm-up-seconds "$warm_s" --rounds "$rounds" --label "streams" 2> "$work/bench.err" | tee -a "$out"
sed 's/^/# /' "$work/bench.err" | grep 'warm-up rounds' >> "$out" || true
wait_ws() { for _ in $(seq 1 60); do [ -s "$work/ws.txt" ] && return 0; sleep 1; done; }
wait_ws; cat "$work/ws.txt" | tee -a "$out"
curl -fs "http://127.0.0.1:$ragd_port/metrics" | awk '/^ragd_websockets_open\{/ { n += $2 } END { print "websockets_open_after_load=" n }' | tee -a "$out"
echo "rss_after_load_mb=$(rss VmRSS)" | tee -a "$out"
echo "rss_peak_mb=$(rss VmHWM)" | tee -a "$out"
"$JAVA_HOME/bin/jcmd" "$ragd_pid" GC.run >/dev/null 2>&1 || true
heap_used=$("$JAVA_HOME/bin/jcmd" "$ragd_pid" GC.heap_info 2>/dev/null | awk '/garbage-first heap/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print int(v / 1024) } }')
echo "heap_used_after_gc_mb=${heap_used:-unknown}" | tee -a "$out"
alive=$(kill -0 "$ragd_pid" 2>/dev/null && echo yes || echo no)
echo "ragd_alive=$alive" | tee -a "$out"
grep -q 'OutOfMemoryError' "$work/ragd.log" && echo "ragd_out_of_memory=yes" | tee -a "$out" || echo "ragd_out_of_memory=no" | tee -a "$out"
kill "$idle_pid" 2>/dev/null || true
[ -z "$compare" ] || { echo "--- compared with $compare" >&2; "$root/bench/compare.sh" "$compare" "$out" >&2; }
