#!/usr/bin/env bash
# Runs deploy/compose.yaml for real with podman-compose, twice: the default set (postgres, mock-llm,
# ragd on :8000) and --profile replicas (plus ragd-1..3 behind nginx on :8080). Checks /readyz, one
# chat answered by the mock model (its /mock/stats count goes up), that the chat-log record reached
# PostgreSQL (table chat_log), and with replicas that questions through nginx reach more than one
# replica and that the service keeps answering with one replica stopped; then `down -v`.
#
#   scripts/compose-smoke.sh [--no-build]
#
# --no-build: use the localhost/ragd:compose already there instead of building it from ./Dockerfile.
# Last line: compose-smoke: ok services=<n> replicas_answered=<n>
# Exit 0 when it passed or was skipped (the reason is printed: no podman, runc, podman-compose or
# python3-yaml, not root), 1 when a check failed.
#
# Where no registry is reachable, the postgres and nginx images compose.yaml names are STAND-INS
# from Debian packages (scripts/compose-images.sh: PostgreSQL 15 under the postgres:16.4 tag,
# nginx 1.22 under the nginx:1.27.3 tag); this script says which it ran.
#
# podman-compose (Debian's 1.0.3) cannot read all of compose.yaml, which is written for Docker
# Compose (2.24+). compose.yaml itself is left alone: podman-compose runs a generated copy in a temp
# dir, with exactly these rewrites (each is printed):
#   - env_file dropped: the `- path: ../.env / required: false` form (Compose 2.24) makes 1.0.3 fail;
#     the smoke test wants the mock model anyway, not what a local .env configures.
#   - profiles: 1.0.3 has no --profile and starts every service; the copy keeps only the services
#     of the run (default: those without profiles; replicas: all), with `profiles` removed.
#   - relative paths (build context, the nginx.conf bind mount) made absolute, since the copy is
#     elsewhere; merge keys (<<: *ragd) expanded (PyYAML does it on reading; 1.0.3 would too).
# Not rewritten but not honoured by 1.0.3: depends_on's `condition: service_healthy` (it only orders
# the starts), so the script starts postgres and mock-llm first and waits for postgres's own
# healthcheck (`podman healthcheck run`) before the rest; stop_grace_period (podman stop's 10 s,
# and 1 s in `down`). restart: on-failure is honoured. The project is named ragd-smoke (-p), so a real `ragd` project and its
# pgdata volume are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
build=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=no; shift ;;
    *) echo "compose-smoke: unknown option $1 (use --no-build)" >&2; exit 2 ;;
  esac
done
tool=compose-smoke
. scripts/lib/podman.sh
require_podman
command -v podman-compose >/dev/null || skip "podman-compose is not installed (apt-get install podman-compose)"
python3 -c 'import yaml' 2>/dev/null || skip "python3 has no yaml module (apt-get install python3-yaml)"
t_start=$(date +%s)
project=ragd-smoke
image=localhost/ragd:compose
wait_s=120
ports=$(python3 - <<'EOF'
import socket
for p in (8000, 8080):
    s = socket.socket()
    try:
        s.bind(("0.0.0.0", p))
    except OSError:
        print(p)
    finally:
        s.close()
EOF
)
[ -z "$ports" ] || fail "port(s) $(echo $ports) already in use on this machine (compose.yaml publishes 8000 and 8080)"

work=$(mktemp -d)
# Podman on this machine: runc, and explicit ulimits (the defaults are refused), for every container
# podman-compose starts: a containers.conf of our own (podman-compose has no per-run ulimit flag).
cat > "$work/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]
[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF="$work/containers.conf"
# Nothing from the caller's shell or .env may point ragd at a real model: compose.yaml's
# ${RAGD_LLM:-openai} and friends then take their mock defaults.
unset RAGD_LLM OPENAI_BASE_URL OPENAI_API_KEY AZURE_OPENAI_ENDPOINT AZURE_OPENAI_API_KEY
export RAGD_PG_PASSWORD="smoke-$RANDOM$RANDOM"
pc() { podman-compose -p "$project" -f "$work/compose.yaml" "$@" >> "$work/compose.log" 2>&1; }
cleanup() {
  local ids
  ids=$(podman ps -aq --filter "label=io.podman.compose.project=$project" 2>/dev/null || true)
  [ -z "$ids" ] || podman rm -f -t 2 $ids >/dev/null 2>&1 || true
  ids=$(podman volume ls -q --filter "label=io.podman.compose.project=$project" 2>/dev/null || true)
  [ -z "$ids" ] || podman volume rm -f $ids >/dev/null 2>&1 || true
  podman network rm -f "${project}_default" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cleanup_keep_work() { local w=$work; work=/nonexistent; cleanup; work=$w; }
cleanup_keep_work   # leftovers of an earlier run that was killed

# --- images ------------------------------------------------------------------------------------
if [ "$build" = yes ]; then
  build_ragd_image "$image" "$work/build.log"
else
  podman image exists "$image" || fail "--no-build, but there is no $image (build it, or podman tag an existing ragd image)"
fi
for ref in $(sed -n 's/^ *image: *\(.*\(postgres\|nginx\):.*\)$/\1/p' deploy/compose.yaml); do
  if ! podman image exists "$ref"; then
    say "$ref missing (no registry here?): building local stand-ins (scripts/compose-images.sh)"
    scripts/compose-images.sh || skip "could not build stand-ins for compose.yaml's postgres and nginx images"
    break
  fi
done
for ref in $(sed -n 's/^ *image: *\(.*\(postgres\|nginx\):.*\)$/\1/p' deploy/compose.yaml); do
  stand_in=$(podman image inspect --format '{{index .Labels "dev.ragd.stand-in"}}' "$ref" 2>/dev/null || true)
  if [ -n "$stand_in" ] && [ "$stand_in" != "<no value>" ]; then
    say "NOTE: $ref here is a STAND-IN: $stand_in"
  else
    say "$ref: the image itself (no stand-in label)"
  fi
done

# --- the generated copy for podman-compose 1.0.3 ------------------------------------------------
# $1: default|replicas. Writes $work/compose.yaml, prints each rewrite.
generate() {
  python3 - "$repo/deploy/compose.yaml" "$work/compose.yaml" "$1" <<'EOF'
import os, sys, yaml
src, dst, run = sys.argv[1:4]
base = os.path.dirname(os.path.abspath(src))
doc = yaml.safe_load(open(src))
said = set()
def note(what):
    if what not in said:
        said.add(what)
        print(f"compose-smoke: rewrote for podman-compose 1.0.3: {what}", file=sys.stderr)
services = doc["services"]
for name in list(services):
    s = services[name]
    if "profiles" in s:
        if run in s["profiles"]:
            del s["profiles"]
            note(f"profiles removed from {name} (this run is --profile {run}; 1.0.3 has no --profile)")
        else:
            del services[name]
            note(f"service {name} left out (profiles {s['profiles']}; 1.0.3 would start it)")
            continue
    if "env_file" in s:
        del s["env_file"]
        note(f"env_file (the optional ../.env, Compose 2.24 path:/required: form) dropped from {name}")
    b = s.get("build")
    if isinstance(b, dict) and not os.path.isabs(b.get("context", ".")):
        b["context"] = os.path.normpath(os.path.join(base, b["context"]))
        note(f"build.context made absolute in {name}")
    vols = s.get("volumes") or []
    for i, v in enumerate(vols):
        if isinstance(v, str) and v.startswith("."):
            host, rest = v.split(":", 1)
            vols[i] = os.path.normpath(os.path.join(base, host)) + ":" + rest
            note(f"bind mount {host} made absolute in {name}")
for k in [k for k in doc if k.startswith("x-")]:
    del doc[k]   # already merged into the services by the YAML loader
yaml.safe_dump(doc, open(dst, "w"), sort_keys=False)
print(len(services))
EOF
}

ip_of() { podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
running() { [ "$(podman inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]; }
logs_fail() { podman logs "$1" 2>&1 | tail -15 >&2; fail "$2"; }
# Bounded wait for a 200 from $1 (a URL) while container $2 runs.
wait_ready() {
  local url=$1 cnt=$2 deadline=$(( $(date +%s) + wait_s ))
  until curl -sf -o /dev/null --max-time 2 "$url"; do
    # (restart: on-failure may be starting it again: give it a moment before calling it dead)
    running "$cnt" || { sleep 3; running "$cnt"; } || logs_fail "$cnt" "$cnt exited before $url answered"
    [ "$(date +%s)" -lt "$deadline" ] || logs_fail "$cnt" "$url not ready within $wait_s s"
    sleep 0.5
  done
}
chat() {  # $1: base URL; prints the JSON answer
  curl -sf --max-time 30 -H 'content-type: application/json' \
    -d '{"messages":[{"role":"user","content":"How long do I have to return an item?"}],"stream":false}' "$1/v1/chat"
}
mock_calls() {  # API requests (chat completions) the mock model has answered
  curl -sf --max-time 5 "http://$(ip_of "${project}_mock-llm_1"):8100/mock/stats" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'
}
pg_rows() { podman exec "${project}_postgres_1" psql -U ragd -d ragd -Atc 'select count(*) from chat_log'; }

# Brings a run up as Compose would: postgres and mock-llm first, postgres healthy, then the rest.
up() {
  local run=$1 n t0 deadline
  n=$(generate "$run") || fail "could not generate the copy of compose.yaml"
  t0=$(date +%s)
  pc up -d --no-build postgres mock-llm || { tail -20 "$work/compose.log" >&2; fail "podman-compose up (postgres, mock-llm) failed"; }
  deadline=$(( $(date +%s) + wait_s ))
  # compose.yaml's own healthcheck (pg_isready), which podman-compose passed to podman run.
  until podman healthcheck run "${project}_postgres_1" >/dev/null 2>&1; do
    running "${project}_postgres_1" || logs_fail "${project}_postgres_1" "postgres exited"
    [ "$(date +%s)" -lt "$deadline" ] || logs_fail "${project}_postgres_1" "postgres not healthy within $wait_s s"
    sleep 0.5
  done
  # The rest; podman-compose re-issues postgres and mock-llm too, and `podman run` refuses those
  # names as already in use (harmless, it then starts the running containers).
  pc up -d --no-build || true
  [ "$(podman ps -q --filter "label=io.podman.compose.project=$project" | wc -l)" -eq "$n" ] \
    || { tail -30 "$work/compose.log" >&2; podman ps -a --filter "label=io.podman.compose.project=$project" >&2
         for c in $(podman ps -a --filter "label=io.podman.compose.project=$project" --filter status=exited --format '{{.Names}}'); do
           echo "--- $c:" >&2; podman logs "$c" 2>&1 | tail -15 >&2
         done
         fail "$run: not all $n services are running"; }
  say "$run: $n services up ($(( $(date +%s) - t0 )) s to start, postgres healthy first)"
  services=$n
}
down() {
  local t0
  t0=$(date +%s)
  pc down -v || { tail -20 "$work/compose.log" >&2; fail "podman-compose down -v failed"; }
  [ -z "$(podman ps -aq --filter "label=io.podman.compose.project=$project")" ] || fail "containers left after down"
  [ -z "$(podman volume ls -q --filter "label=io.podman.compose.project=$project")" ] || fail "volumes left after down -v"
  podman network rm -f "${project}_default" >/dev/null 2>&1 || true   # 1.0.3's down leaves the network
  say "down -v in $(( $(date +%s) - t0 )) s"
}

# --- the default set ---------------------------------------------------------------------------
say "default set: compose.yaml via podman-compose $(podman-compose version 2>/dev/null | sed -n 's/^podman-composer* version *//p')"
up default
t0=$(date +%s%N)
wait_ready http://127.0.0.1:8000/readyz "${project}_ragd_1"
say "ragd ready on :8000 after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
before=$(mock_calls) || fail "the mock model's /mock/stats did not answer"
answer=$(chat http://127.0.0.1:8000) || logs_fail "${project}_ragd_1" "POST /v1/chat on :8000 failed"
model=$(echo "$answer" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d.get("answer"), d; print(d.get("model") or d.get("answerer",{}).get("model") or "?")') \
  || fail "POST /v1/chat gave no answer: $answer"
after=$(mock_calls)
[ "$after" -gt "$before" ] || fail "the answer did not come from the mock model (its request count stayed at $before)"
say "answered (model $model) by the mock model (mock-llm /mock/stats requests $before -> $after)"
rows=0
for _ in $(seq 1 40); do rows=$(pg_rows 2>/dev/null || echo 0); [ "$rows" -ge 1 ] && break; sleep 0.25; done
[ "$rows" -ge 1 ] || fail "no chat-log record in PostgreSQL (select count(*) from chat_log = $rows)"
say "chat log: $rows row(s) in PostgreSQL's chat_log"
down

# --- --profile replicas ------------------------------------------------------------------------
up replicas
t0=$(date +%s%N)
for r in ragd ragd-1 ragd-2 ragd-3; do
  c="${project}_${r}_1"
  wait_ready "http://$(ip_of "$c"):8000/readyz" "$c"
done
wait_ready http://127.0.0.1:8080/readyz "${project}_nginx_1"
say "replicas: ragd, ragd-1..3 ready, nginx answering on :8080 after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
replica_chats() {  # chats a replica has counted (its Prometheus ragd_chat_requests_total, all labels)
  curl -sf --max-time 5 "http://$(ip_of "${project}_$1_1"):8000/metrics" \
    | awk '/^ragd_chat_requests_total/ { s += $NF } END { printf "%d\n", s }'
}
declare -A served=()
for r in ragd-1 ragd-2 ragd-3; do served[$r]=$(replica_chats "$r") || fail "$r's /metrics did not answer"; done
questions=12
for i in $(seq 1 "$questions"); do
  chat http://127.0.0.1:8080 | grep -q '"answer"' || fail "question $i through nginx got no answer"
done
# Which replica answered: the growth of each replica's own chat counter (scraped directly, as
# Prometheus would; nginx hides /metrics).
answered=0 total=0
for r in ragd-1 ragd-2 ragd-3; do
  n=$(replica_chats "$r")
  served[$r]=$(( n - served[$r] ))
  total=$(( total + served[$r] ))
  [ "${served[$r]}" -gt 0 ] && answered=$((answered + 1))
done
say "$questions questions through nginx: ragd-1 answered ${served[ragd-1]}, ragd-2 ${served[ragd-2]}, ragd-3 ${served[ragd-3]} (ragd_chat_requests_total)"
[ "$total" -ge "$questions" ] || fail "the replicas counted $total chats, fewer than the $questions sent"
[ "$answered" -ge 2 ] || fail "the questions through nginx reached only $answered replica(s)"
t0=$(date +%s)
# As compose would stop it: its stop_grace_period (40 s) before SIGKILL; ragd drains first.
podman stop -t 40 "${project}_ragd-2_1" >/dev/null || fail "podman stop ragd-2 failed"
say "ragd-2 stopped (podman stop) in $(( $(date +%s) - t0 )) s"
for i in $(seq 1 6); do
  chat http://127.0.0.1:8080 | grep -q '"answer"' || fail "question $i with ragd-2 stopped got no answer through nginx"
done
say "with ragd-2 stopped: 6 more questions through nginx, all answered"
rows=$(pg_rows) || fail "psql on the replicas' postgres failed"
[ "$rows" -ge $((questions + 6)) ] || fail "chat_log has $rows rows, fewer than the $((questions + 6)) chats"
say "chat log: $rows rows in PostgreSQL's chat_log"
down
say "took $(( $(date +%s) - t_start )) s"
echo "compose-smoke: ok services=$services replicas_answered=$answered"
