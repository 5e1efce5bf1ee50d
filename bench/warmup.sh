#!/usr/bin/env bash
# How a fresh replica serves its first minute of load, with and without the start-up warm-up
# (RAGD_WARMUP_MS). Starts `ragd mock-llm` and `ragd serve` (RAGD_LLM=openai at the mock), waits for
# /readyz (so the warm-up is over), then at once runs N streams in rounds for --first-s seconds with
# the Vert.x load client (each round's p95 is printed), then measured rounds: steady state.
# Prints first_<s>s_p95_ms (the p95 over all first-minute requests), steady_p95_ms and their ratio.
#
# Usage: bench/warmup.sh [--warmup-ms MS] [--streams N] [--first-s S] [--rounds R] [--compare PREVIOUS_OUTPUT]
#        [--image NAME [--no-aot]]
# --image runs the replica as that container image (podman, read-only, host network) instead of the
# jar; --no-aot starts it without its JDK AOT cache (the image's entrypoint minus -XX:AOTCache).
# Defaults: --warmup-ms 30000 --streams 1000 --first-s 60 --rounds 3 (mock: 500 ms to first token,
# 20 ms per token, 40 tokens, as bench/ttft.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/lib/java.sh"
ragd_find_java

warmup_ms=30000; streams=1000; first_s=60; rounds=3; compare=""; image=""; aot=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --warmup-ms) warmup_ms="$2"; shift 2 ;;
    --streams) streams="$2"; shift 2 ;;
    --first-s) first_s="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --compare) compare="${2:?--compare needs a file}"; shift 2 ;;
    --image) image="${2:?--image needs a name}"; shift 2 ;;
    --no-aot) aot=no; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "warmup.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -z "$compare" ] || [ -r "$compare" ] || { echo "warmup.sh: cannot read $compare" >&2; exit 2; }

. "$root/bench/common.sh"

mock_port=$(free_port)
start_mock "$mock_port" --ttft-ms 500 --token-ms 20 --tokens 40 --max-concurrent 100000

ragd_port=$(free_port)
start=$(date +%s%N)
settings=(PORT=$ragd_port RAGD_HOST=127.0.0.1 RAGD_LLM=openai OPENAI_BASE_URL="http://127.0.0.1:$mock_port/v1"
  OPENAI_API_KEY=bench-key RAGD_QUERY_REWRITE=false RAGD_MAX_CONCURRENT_GENERATIONS=100000 RAGD_MAX_CONNECTIONS_PER_IP=100000
  RAGD_WARMUP_MS="$warmup_ms" RAGD_LOG_LEVEL=warn)
if [ -z "$image" ]; then
  env "${settings[@]}" RAGD_DATA_DIR="$work/data" "${java[@]}" -Xmx2g -jar "$jar" serve > "$work/ragd.log" 2>&1 &
else
  tool=warmup.sh
  . "$root/scripts/lib/podman.sh"
  entry=()
  [ "$aot" = yes ] || entry=(--entrypoint "$(entrypoint_without_aot "$image")")
  # Attached (not -d): the cleanup's SIGTERM to podman reaches ragd, which drains; --rm removes it.
  podman run --rm --runtime runc --ulimit nofile=20000:20000 --ulimit nproc=4000:4000 --network host --read-only \
    --read-only-tmpfs=false --tmpfs /tmp:rw,mode=1777 -e JAVA_TOOL_OPTIONS=-Xmx2g "${entry[@]}" \
    $(printf -- '-e %s ' "${settings[@]}") "$image" serve > "$work/ragd.log" 2>&1 &
fi
pids+=($!)
wait_http "$ragd_port" /readyz
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))

out="$work/out.txt"
printf '%s\n' "image=${image:-none}" "aot=$([ -n "$image" ] && echo "$aot" || echo none)" "warmup_ms=$warmup_ms" "streams=$streams" "first_s=$first_s" "rounds=$rounds" "cores=$(nproc)" \
  "start_to_ready_ms=$ready_ms" | tee "$out"
"${java[@]}" -Xmx1g -cp "$jar" dev.ragd.ops.bench.TtftBench --target ragd --port "$ragd_port" --streams "$streams" \
  --ramp-ms 1000 --warm-up-seconds "$first_s" --rounds "$rounds" --label "steady" 2> "$work/bench.err" | tee -a "$out"
cat "$work/bench.err" >&2
# The warm-up rounds' p95s are the first minute, one per round of N streams.
p95s=$(sed -n 's/.*warm-up rounds of [0-9]* streams, p95 ms: //p' "$work/bench.err")
echo "first_${first_s}s_round_p95s_ms=$(echo "$p95s" | tr ' ' ',')" | tee -a "$out"
first_max=$(echo "$p95s" | tr ' ' '\n' | sort -n | tail -1)
first_median=$(echo "$p95s" | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
steady=$(sed -n 's/^steady_ttft_p95_ms=//p' "$out")
echo "first_${first_s}s_worst_round_p95_ms=$first_max" | tee -a "$out"
echo "first_${first_s}s_median_round_p95_ms=$first_median" | tee -a "$out"
echo "first_worst_over_steady=$(awk -v f="$first_max" -v s="$steady" 'BEGIN { printf "%.3f", f / s }')" | tee -a "$out"
[ -z "$compare" ] || { echo "--- compared with $compare" >&2; "$root/bench/compare.sh" "$compare" "$out" >&2; }
