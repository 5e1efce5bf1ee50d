#!/usr/bin/env bash
# Capacity rehearsal of `ragd mock-llm`: starts the simulator on an ephemeral port with the given
# knobs, opens STREAMS concurrent streaming chat requests from a second JVM (Vert.x client), prints
# name=value lines (completed, failed, first-byte and total-time percentiles, server /mock/stats),
# then stops the simulator.
# Usage: bench/mock-llm-capacity.sh [--compare PREVIOUS_OUTPUT] [STREAMS=2000]
#                                   [mock-llm options, default: --ttft-ms 200 --token-ms 20 --tokens 100]
# --compare (before STREAMS) prints bench/compare.sh's table against a saved run on stderr at the end.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
compare=""
case "${1:-}" in
  --compare) compare="${2:?--compare needs a file}"; shift 2 ;;
  -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
esac
[ -z "$compare" ] || [ -r "$compare" ] || { echo "mock-llm-capacity.sh: cannot read $compare" >&2; exit 2; }
. "$root/bin/lib/java.sh"
ragd_find_java
jar="$root/target/ragd.jar"
"$root/bin/ragd" --version >/dev/null
streams=${1:-2000}
shift || true
knobs=("$@")
[ ${#knobs[@]} -eq 0 ] && knobs=(--ttft-ms 200 --token-ms 20 --tokens 100)
out=$(mktemp)
run_out=$(mktemp)
pid=
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out" "$run_out"' EXIT
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile="$root/bench/logback-bench.xml" -jar "$jar" \
  mock-llm --host 127.0.0.1 --port 0 "${knobs[@]}" >"$out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  port=$(sed -n 's/^mock-llm listening on port \([0-9]*\).*/\1/p' "$out")
  [ -n "$port" ] && break
  sleep 0.2
done
[ -n "${port:-}" ] || { echo "mock-llm did not start:" >&2; cat "$out" >&2; exit 1; }
echo "knobs=${knobs[*]}" | tee "$run_out"
cpu_s() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$pid/stat"; }
run() {
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile="$root/bench/logback-bench.xml" \
    -cp "$jar" dev.ragd.ops.bench.MockLlmCapacity "http://127.0.0.1:$port" "$1"
}
# Warm-up round (JIT), not reported; then counters reset and the measured round.
run $(( streams / 10 + 1 )) >/dev/null
curl -fsS -X POST "http://127.0.0.1:$port/mock/reset"
before=$(cpu_s)
run "$streams" | tee -a "$run_out"
echo "server_cpu_s=$(awk -v a="$(cpu_s)" -v b="$before" 'BEGIN {printf "%.2f", a - b}')" | tee -a "$run_out"
[ -z "$compare" ] || { echo "--- compared with $compare" >&2; "$root/bench/compare.sh" "$compare" "$run_out" >&2; }
