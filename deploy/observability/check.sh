#!/usr/bin/env bash
# Checks the observability files in this folder:
#   1. promtool check rules alerts.yml          (syntax, templates)
#   2. promtool test rules alerts_test.yml      (each alert fires on synthetic series, and stays quiet)
#   3. dashboard.json parses; every PromQL expression in it and in alerts.yml names only series of
#      metric-names.txt (the metric contract), every panel honours $instance, every alert has its
#      runbook section in README.md (check_names.py)
#   4. promtool check rules on the dashboard's expressions (their PromQL syntax)
# promtool: $PROMTOOL, else promtool on PATH (Debian: apt-get install prometheus). Without it,
# steps 1, 2 and 4 are skipped with a message and the exit status is that of step 3, unless
# --require-promtool (or REQUIRE_PROMTOOL=1) is given: then a missing promtool is a failure.
# Exit status: 0 all ran checks passed, 1 a check failed, 2 a tool is missing.
set -uo pipefail
cd "$(dirname "$0")"

require=${REQUIRE_PROMTOOL:-0}
for arg in "$@"; do
  case "$arg" in
    --require-promtool) require=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "check.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

if ! command -v python3 >/dev/null; then
  echo "check.sh: python3 is needed for the dashboard and metric-name checks" >&2
  exit 2
fi

promtool=${PROMTOOL:-$(command -v promtool || true)}
if [ -n "$promtool" ] && ! "$promtool" --version >/dev/null 2>&1; then
  echo "check.sh: $promtool does not run" >&2
  exit 2
fi
if [ -z "$promtool" ] && [ "$require" = 1 ]; then
  echo "check.sh: FAILED: promtool is required (--require-promtool) but not found" \
       "(apt-get install prometheus, or set PROMTOOL=/path/to/promtool)" >&2
  exit 2
fi

failed=0
step() { echo "== $*"; }

if [ -n "$promtool" ]; then
  echo "check.sh: using $("$promtool" --version 2>&1 | head -n 1)"
  step "promtool check rules alerts.yml"
  "$promtool" check rules alerts.yml || failed=1
  step "promtool test rules alerts_test.yml"
  "$promtool" test rules alerts_test.yml || failed=1
else
  echo "check.sh: SKIPPED promtool check rules / test rules: promtool not found" \
       "(apt-get install prometheus, or set PROMTOOL=/path/to/promtool)"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
step "dashboard.json parses"
python3 -m json.tool dashboard.json >/dev/null || failed=1
step "metric names of dashboard.json and alerts.yml against metric-names.txt"
python3 check_names.py --emit-rules "$tmp/dashboard_rules.yml" || failed=1

if [ -n "$promtool" ]; then
  if [ -s "$tmp/dashboard_rules.yml" ]; then
    step "PromQL syntax of the dashboard's expressions"
    "$promtool" check rules "$tmp/dashboard_rules.yml" || failed=1
  fi
fi

if [ "$failed" = 0 ]; then echo "check.sh: all checks passed"; else echo "check.sh: FAILED" >&2; fi
exit "$failed"
