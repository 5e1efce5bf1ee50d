#!/usr/bin/env bash
# Time to first token through ragd versus directly from the upstream model, at several numbers of
# concurrent streams. Starts `ragd mock-llm` (the upstream simulator) and `ragd serve` pointed at it
# (RAGD_LLM=openai), both on loopback, runs the Vert.x load client against each, prints p50/p95/p99
# and the ratio of the p95s. The last line is `ttft_p95_ratio=<x> streams=<n>` for the largest N.
#
# Usage: bench/ttft.sh [--streams N[,N...]] [--ttft-ms MS] [--token-ms MS] [--tokens N] [--ramp-ms MS]
#                      [--chatlog file|none] [--warm-up-s S] [--rounds R] [--tracing] [--auth none|api-key]
#                      [--redis] [--compare PREVIOUS_OUTPUT]
# --compare prints bench/compare.sh's table against a saved run on stderr at the end.
# Defaults: --streams 1,100,1000 --ttft-ms 500 --token-ms 20 --tokens 40 --ramp-ms 1000 --chatlog file
#           --warm-up-s 90 --rounds 3
# Each measurement is R rounds of N streams, pooled, after unmeasured warm-up rounds of the same size
# against the same server for at least S seconds (and two rounds): both servers are measured warm (JIT,
# connection pools). On 2 cores under this load, ragd (Lucene, H2, Netty server and client, Jackson)
# needs 60-90 s of it before the JIT settles (each warm-up round's p95 is printed on stderr);
# --warm-up-s 0 shows the cold-ish numbers. RAGD_STREAM_COALESCE_MS in the environment reaches ragd
# (default 30, as in production; 0 = one frame per token); so does RAGD_METRICS (default true: the
# Prometheus registry is always in the measurement unless RAGD_METRICS=false).
# --tracing also traces every request (OTEL_TRACES_SAMPLER=always_on) and pushes metrics every 10 s,
# exporting over OTLP/HTTP to bench/otlp_sink.py on loopback (its request and byte counts are printed).
# --auth api-key runs ragd with RAGD_AUTH=api-key and every per-identity limit on (set far above the
# load, so each request is checked and none refused): the key check and the fair-use gate are in the
# measurement. --redis also keeps those limits in a redis-server on loopback (RAGD_REDIS_URL).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/lib/java.sh"
ragd_find_java

streams="1,100,1000"; ttft_ms=500; token_ms=20; tokens=40; ramp_ms=1000; compare=""; chatlog=file; warm_s=90; rounds=3; tracing=0; auth=none; redis=0
while [ $# -gt 0 ]; do
  case "$1" in
    --streams) streams="$2"; shift 2 ;;
    --ttft-ms) ttft_ms="$2"; shift 2 ;;
    --token-ms) token_ms="$2"; shift 2 ;;
    --tokens) tokens="$2"; shift 2 ;;
    --ramp-ms) ramp_ms="$2"; shift 2 ;;
    --compare) compare="${2:?--compare needs a file}"; shift 2 ;;
    --chatlog) chatlog="$2"; shift 2 ;;
    --warm-up-s) warm_s="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --tracing) tracing=1; shift ;;
    --auth) auth="$2"; shift 2 ;;
    --redis) redis=1; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "ttft.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -z "$compare" ] || [ -r "$compare" ] || { echo "ttft.sh: cannot read $compare" >&2; exit 2; }
case "$auth" in none|api-key) ;; *) echo "ttft.sh: --auth must be none or api-key, not $auth" >&2; exit 2 ;; esac
[ "$redis" = 0 ] || [ "$auth" = api-key ] || { echo "ttft.sh: --redis needs --auth api-key (limits are off without auth)" >&2; exit 2; }
[ "$redis" = 0 ] || command -v redis-server >/dev/null || { echo "ttft.sh: --redis needs redis-server (apt-get install redis-server)" >&2; exit 2; }

. "$root/bench/common.sh"

mock_port=$(free_port)
start_mock "$mock_port" --ttft-ms "$ttft_ms" --token-ms "$token_ms" --tokens "$tokens" --max-concurrent 100000

otel=()
if [ "$tracing" = 1 ]; then
  sink_port=$(free_port)
  /usr/bin/python3 "$root/bench/otlp_sink.py" "$sink_port" "$work/otlp.txt" &
  sink_pid=$!
  pids+=($sink_pid)
  otel=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" OTEL_TRACES_SAMPLER=always_on OTEL_METRIC_EXPORT_INTERVAL=10000)
fi

key=bench-key-0123456789abcdef
callers=()
if [ "$auth" = api-key ]; then
  callers=(RAGD_AUTH=api-key RAGD_API_KEYS="bench=$key" RAGD_RATE_LIMIT_PER_MINUTE=1000000
    RAGD_TOKENS_PER_MINUTE=2000000000 RAGD_MAX_CONCURRENT_PER_USER=100000)
fi
if [ "$redis" = 1 ]; then
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no > "$work/redis.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  callers+=(RAGD_REDIS_URL="redis://127.0.0.1:$redis_port")
fi

ragd_port=$(free_port)
env ${otel[@]+"${otel[@]}"} ${callers[@]+"${callers[@]}"} PORT=$ragd_port RAGD_HOST=127.0.0.1 RAGD_DATA_DIR="$work/data" RAGD_LLM=openai OPENAI_BASE_URL="http://127.0.0.1:$mock_port/v1" \
  OPENAI_API_KEY=bench-key RAGD_QUERY_REWRITE=false RAGD_MAX_CONCURRENT_GENERATIONS=100000 RAGD_MAX_CONNECTIONS_PER_IP=100000 RAGD_CHATLOG=$chatlog \
  RAGD_STREAM_COALESCE_MS=${RAGD_STREAM_COALESCE_MS:-30} RAGD_LOG_LEVEL=warn "${java[@]}" -Xmx2g -jar "$jar" serve > "$work/ragd.log" 2>&1 &
pids+=($!)
wait_http "$ragd_port" /readyz

# The direct measurements send the very request ragd sends upstream for the bench question (system
# prompt, passages, question), so the upstream does the same work in both and the difference is ragd's.
curl -fsS -H 'content-type: application/json' -H "authorization: Bearer $key" -d '{"stream":false,"messages":[{"role":"user","content":"What is the warranty of the Cinder Kettle?"}]}' \
  "http://127.0.0.1:$ragd_port/v1/chat" > /dev/null
out="$work/out.txt"
printf '%s\n' "mock_ttft_ms=$ttft_ms" "mock_token_ms=$token_ms" "mock_tokens=$tokens" "ramp_ms=$ramp_ms" "chatlog=$chatlog" \
  "warm_up_s=$warm_s" "rounds=$rounds" "coalesce_ms=${RAGD_STREAM_COALESCE_MS:-30}" "metrics=${RAGD_METRICS:-true}" \
  "tracing=$tracing" "auth=$auth" "redis=$redis" "cores=$(nproc)" | tee "$out"
IFS=, read -ra ns <<< "$streams"
last=""
for n in "${ns[@]}"; do
  "${java[@]}" -Xmx1g -cp "$jar" dev.ragd.ops.bench.TtftBench --target upstream --port "$mock_port" --streams "$n" \
    --ramp-ms "$ramp_ms" --warm-up-seconds "$warm_s" --rounds "$rounds" --replay-last-request --label "direct_$n" | tee -a "$out"
  "${java[@]}" -Xmx1g -cp "$jar" dev.ragd.ops.bench.TtftBench --target ragd --port "$ragd_port" --streams "$n" \
    --ramp-ms "$ramp_ms" --warm-up-seconds "$warm_s" --rounds "$rounds" --key "$key" --label "ragd_$n" | tee -a "$out"
  d=$(sed -n "s/^direct_${n}_ttft_p95_ms=//p" "$out"); r=$(sed -n "s/^ragd_${n}_ttft_p95_ms=//p" "$out")
  ratio=$(awk -v r="$r" -v d="$d" 'BEGIN { printf "%.3f", r / d }')
  echo "ttft_p95_ratio_$n=$ratio" | tee -a "$out"
  last="ttft_p95_ratio=$ratio streams=$n"
done
if [ "$tracing" = 1 ]; then
  kill "$sink_pid" 2>/dev/null || true; wait "$sink_pid" 2>/dev/null || true
  cat "$work/otlp.txt" | tee -a "$out"
fi
echo "$last" | tee -a "$out"
[ -z "$compare" ] || { echo "--- compared with $compare" >&2; "$root/bench/compare.sh" "$compare" "$out" >&2; }
