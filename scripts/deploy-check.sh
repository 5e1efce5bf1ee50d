#!/usr/bin/env bash
# Checks a deployed ragd from outside, as the CI/CD workflow does after each deploy: waits for
# GET /readyz to answer 200 (a new replica warms up first), then asks one question over POST
# /v1/chat and checks that an answer came back. Sends one question: with a real model it costs
# one model call.
#
#   scripts/deploy-check.sh BASE_URL [--timeout SECONDS]      e.g. https://ragd-web.azurewebsites.net
#
# Last line: deploy-check: ok url=<base> ready_s=<n>. Exit 0 passed, 1 a check failed, 2 bad usage.
set -uo pipefail
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
base=""
timeout=600
while [ $# -gt 0 ]; do
  case "$1" in
    --timeout) [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "deploy-check: --timeout needs a number of seconds" >&2; exit 2; }
               timeout=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "deploy-check: unknown option $1 (try --help)" >&2; exit 2 ;;
    *) [ -z "$base" ] || { echo "deploy-check: one BASE_URL only" >&2; exit 2; }; base=${1%/}; shift ;;
  esac
done
[[ "$base" =~ ^https?://[^/]+$ ]] || { echo "deploy-check: BASE_URL must be http(s)://host[:port], was '$base'" >&2; exit 2; }

start=$(date +%s)
status=""
while :; do
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$base/readyz" || true)
  [ "$status" = 200 ] && break
  if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then
    echo "deploy-check: FAILED: $base/readyz answered ${status:-nothing} for ${timeout} s"
    curl -s --max-time 10 "$base/readyz" | head -c 500; echo
    exit 1
  fi
  sleep 5
done
ready_s=$(( $(date +%s) - start ))

answer=$(curl -sS --max-time 120 -H 'content-type: application/json' \
  -d '{"messages":[{"role":"user","content":"What can you help me with?"}],"stream":false}' \
  -w '\n%{http_code}' "$base/v1/chat") || { echo "deploy-check: FAILED: POST $base/v1/chat did not complete"; exit 1; }
code=${answer##*$'\n'}
body=${answer%$'\n'*}
if [ "$code" != 200 ] || ! grep -q '"answer"' <<<"$body"; then
  echo "deploy-check: FAILED: POST /v1/chat answered $code: $(head -c 500 <<<"$body")"
  exit 1
fi
echo "deploy-check: ok url=$base ready_s=$ready_s"
