# Shared by the benchmark scripts that start `ragd mock-llm` and `ragd serve` (ttft.sh, warmup.sh,
# idle.sh): source it after option parsing. It builds the jar when needed and sets `jar`, `java`
# (the java command with ragd's flags), `work` (a temporary directory) and `pids` (killed, with
# `work` removed, on exit); `free_port`, `wait_http PORT PATH` (up to 120 s) and
# `start_mock PORT ARGS...` (the mock, logging to $work/mock.log, waited for).
root=${root:?set root before sourcing bench/common.sh}
name=$(basename "$0")
"$root/bin/ragd" --version >/dev/null   # builds the jar when needed
jar="$root/target/ragd.jar"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { "$JAVA_HOME/bin/java" -cp "$jar" dev.ragd.ops.bench.FreePort; }
wait_http() {
  for _ in $(seq 1 1200); do curl -fs "http://127.0.0.1:$1$2" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "$name: nothing answered on port $1$2" >&2; exit 1
}
start_mock() {
  local port=$1; shift
  RAGD_LOG_LEVEL=warn "${java[@]}" -Xmx1g -jar "$jar" mock-llm --port "$port" "$@" > "$work/mock.log" 2>&1 &
  pids+=($!)
  wait_http "$port" /mock/stats
}
