#!/usr/bin/env bash
# Start to ready of the container image: `podman run` (read-only root, tmpfs /tmp, host network,
# RAGD_WARMUP_MS=0 so that ready means started, not warmed) to the first 200 from /readyz, polled
# every 10 ms; --runs times, interleaved with `podman run <image>`'s own cost (the entrypoint
# swapped for /opt/jre/bin/java -version, the quickest command the image holds), so that the share
# of ragd itself shows. Prints start_to_ready_ms_{min,p50,max}, java_version_ms_p50 (the runtime's
# floor), image_size_mb.
#
# Usage: bench/container-start.sh --image NAME [--runs N] [--no-aot] [--compare PREVIOUS_OUTPUT]
# --no-aot starts it without its JDK AOT cache (the image's entrypoint minus -XX:AOTCache).
# Defaults: --runs 10. Needs podman and runc (scripts/container-smoke.sh builds an image).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=""; runs=10; aot=yes; compare=""
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image="${2:?--image needs a name}"; shift 2 ;;
    --runs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "container-start.sh: --runs needs a positive number" >&2; exit 2; }
            runs=$2; shift 2 ;;
    --no-aot) aot=no; shift ;;
    --compare) compare="${2:?--compare needs a file}"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "container-start.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$image" ] || { echo "container-start.sh: --image NAME is required" >&2; exit 2; }
[ -z "$compare" ] || [ -r "$compare" ] || { echo "container-start.sh: cannot read $compare" >&2; exit 2; }
command -v podman >/dev/null || { echo "container-start.sh: podman is not installed" >&2; exit 2; }
podman image exists "$image" || { echo "container-start.sh: no image $image (scripts/container-smoke.sh --image $image --keep builds one)" >&2; exit 2; }

tool=container-start.sh
. "$root/scripts/lib/podman.sh"
name=ragd-start-$$
trap 'podman rm -f "$name" >/dev/null 2>&1 || true' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
limits=("${PODMAN_LIMITS[@]}")
entry=()
[ "$aot" = yes ] || entry=(--entrypoint "$(entrypoint_without_aot "$image")")
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
ready=(); floor=()
for i in $(seq "$runs"); do
  t0=$(date +%s%N)
  podman run --rm "${limits[@]}" --entrypoint /opt/jre/bin/java "$image" -version >/dev/null 2>&1
  floor+=("$(ms "$t0")")
  t0=$(date +%s%N)
  podman run -d --name "$name" "${limits[@]}" --network host --read-only --read-only-tmpfs=false \
    --tmpfs /tmp:rw,size=64m,mode=1777 -e PORT="$port" -e RAGD_HOST=127.0.0.1 -e RAGD_WARMUP_MS=0 \
    "${entry[@]}" "$image" serve >/dev/null
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    podman container exists "$name" && [ "$(podman inspect -f '{{.State.Running}}' "$name")" = true ] \
      || { podman logs "$name" 2>&1 | tail -5 >&2; echo "container-start.sh: the container stopped" >&2; exit 1; }
    [ "$(ms "$t0")" -lt 60000 ] || { echo "container-start.sh: not ready within 60 s" >&2; exit 1; }
    sleep 0.01
  done
  ready+=("$(ms "$t0")")
  echo "container-start.sh: run $i: ready after ${ready[-1]} ms (java -version: ${floor[-1]} ms)" >&2
  podman rm -f "$name" >/dev/null
done
pct() { printf '%s\n' "${@:2}" | sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int((NR-1)*p/100)+1; print a[i]}'; }
out=$(mktemp)
{
  echo "image=$image"
  echo "aot=$aot"
  echo "runs=$runs"
  echo "start_to_ready_ms_min=$(pct 0 "${ready[@]}")"
  echo "start_to_ready_ms_p50=$(pct 50 "${ready[@]}")"
  echo "start_to_ready_ms_max=$(pct 100 "${ready[@]}")"
  echo "java_version_ms_p50=$(pct 50 "${floor[@]}")"
  echo "image_size_mb=$(( $(podman image inspect --format '{{.Size}}' "$image") / 1000000 ))"
} | tee "$out"
[ -z "$compare" ] || "$root/bench/compare.sh" "$compare" "$out" >&2
rm -f "$out"
