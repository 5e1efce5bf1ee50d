#!/usr/bin/env bash
# Builds the real Dockerfile with podman and tries the image as a deployer would: read-only root,
# a tmpfs /tmp, an env file; checks readiness, one chat over each protocol (POST /v1/chat, the
# native and the book WebSocket), that nothing was written outside /tmp, and that no secret from
# the build context reached any layer, the history or the config.
#
#   scripts/container-smoke.sh [--image NAME] [--keep]
#
# Last line: container-smoke: ok image=<name> size_mb=<n> ready_ms=<n>
# Exit 0 when it passed or was skipped (the reason is printed: no podman, no runc, not root), 1 when
# a check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
image=localhost/ragd:smoke
keep=no
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image=$2; shift 2 ;;
    --keep) keep=yes; shift ;;
    *) echo "container-smoke: unknown option $1 (use --image NAME, --keep)" >&2; exit 2 ;;
  esac
done
tool=container-smoke
. scripts/lib/podman.sh
require_podman
limits=("${PODMAN_LIMITS[@]}")

work=$(mktemp -d)
canary="sk-ragd-smoke-canary-$RANDOM$RANDOM"
name=ragd-smoke-$$
cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  rm -f .env.smoke-canary
  [ -f "$work/env.moved" ] && mv "$work/env.moved" .env
  [ "$keep" = yes ] || podman rmi -f "$image" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# A secret in the build context, where a careless COPY would pick it up: .env (and a variant).
[ -f .env ] && mv .env "$work/env.moved"
printf 'OPENAI_API_KEY=%s\n' "$canary" > .env
printf 'OPENAI_API_KEY=%s\n' "$canary" > .env.smoke-canary

build_ragd_image "$image" "$work/build.log"
rm -f .env .env.smoke-canary
[ -f "$work/env.moved" ] && mv "$work/env.moved" .env

# No secret in any layer, the history or the config.
podman save --format docker-archive -o "$work/image.tar" "$image" >/dev/null
mkdir -p "$work/layers" && tar -C "$work/layers" -xf "$work/image.tar"
for layer in $(find "$work/layers" -name '*.tar' -o -name 'layer.tar'); do
  if tar -xOf "$layer" 2>/dev/null | grep -qa "$canary"; then fail "the build context's .env reached a layer ($layer)"; fi
done
{ podman image inspect "$image"; podman history --no-trunc "$image"; } > "$work/meta.txt"
grep -q "$canary" "$work/meta.txt" && fail "a secret is in the image's config or history"
for key in OPENAI_API_KEY AZURE_OPENAI_API_KEY COSMOSDB_KEY RAGD_PG_PASSWORD OTEL_EXPORTER_OTLP_HEADERS; do
  grep -q "\"$key=" "$work/meta.txt" && fail "the image's config sets $key"
done
size_mb=$(( $(podman image inspect --format '{{.Size}}' "$image") / 1000000 ))

# Run it as a deployer would: read-only, /tmp a tmpfs, settings from an env file.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'PORT=%s\nRAGD_HOST=127.0.0.1\nRAGD_WARMUP_MS=%s\n' "$port" "${RAGD_SMOKE_WARMUP_MS:-0}" > "$work/env"
t0=$(date +%s%N)
podman run "${limits[@]}" -d --name "$name" --network host --read-only --read-only-tmpfs=false --tmpfs /tmp:rw,size=64m,mode=1777 \
  --env-file "$work/env" "$image" >/dev/null || fail "the container did not start"
ready_ms=-1
for _ in $(seq 1 1200); do
  if curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ready_ms=$(( ($(date +%s%N) - t0) / 1000000 )); break; fi
  podman container exists "$name" && [ "$(podman inspect -f '{{.State.Running}}' "$name")" = true ] \
    || { podman logs "$name" 2>&1 | tail -20; fail "the container exited before it was ready"; }
  sleep 0.05
done
[ "$ready_ms" -ge 0 ] || { podman logs "$name" 2>&1 | tail -20; fail "not ready within 60 s"; }
say "ready after $ready_ms ms"

# One chat over each protocol: POST /v1/chat by the check the CI/CD workflow runs after each deploy
# (tried here on a replica it can reach), then the native and the book WebSocket.
scripts/deploy-check.sh "http://127.0.0.1:$port" --timeout 30 >&2 || fail "POST /v1/chat (scripts/deploy-check.sh) failed"
/usr/bin/python3 - "$port" <<'EOF' || fail "a WebSocket chat failed"
import json, sys, websocket
port = sys.argv[1]
ws = websocket.create_connection(f"ws://127.0.0.1:{port}/v1/chat", timeout=30, suppress_origin=True)
ws.send(json.dumps({"id": "q1", "messages": [{"role": "user", "content": "Do you ship to Canada?"}]}))
while True:
    f = json.loads(ws.recv())
    if f.get("type") == "error":
        raise SystemExit(f"native: {f}")
    if f.get("type") == "end":
        break
ws.close()
ws = websocket.create_connection(f"ws://127.0.0.1:{port}/", timeout=30, suppress_origin=True)
ws.send(json.dumps({"user_email": "smoke@example.invalid", "chat_history": ["user_question: What is the warranty?"]}))
got = []
try:
    while True:
        got.append(ws.recv())
except websocket.WebSocketConnectionClosedException:
    pass
if not any("ANSWER" in g for g in got):
    raise SystemExit(f"book: no ANSWER frame in {got[:3]}")
EOF
say "answered over POST /v1/chat, the native and the book WebSocket"

# Nothing written outside /tmp (the root is read-only; podman diff would list any change).
# ("C /etc" alone is podman's own /etc/hosts, /etc/hostname and /etc/resolv.conf for the container.)
changes=$(podman diff "$name" | grep -v -E '^[ACD] /tmp(/|$)|^C /etc$' || true)
[ -z "$changes" ] || fail "the container wrote outside /tmp: $changes"
podman logs "$name" 2>&1 | grep -qiE '"level":"(ERROR)"|Exception' && { podman logs "$name" 2>&1 | grep -iE 'ERROR|Exception' | head -5; fail "errors in the log"; }
podman stop -t 30 "$name" >/dev/null
echo "container-smoke: ok image=$image size_mb=$size_mb ready_ms=$ready_ms"
