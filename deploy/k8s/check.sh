#!/usr/bin/env bash
# Validates the Kubernetes manifests in this folder (every *.yaml but kustomization.yaml, or the
# FILEs given) against the Kubernetes OpenAPI schema and KEDA's CRD schema, with the npm packages
# pinned in package-lock.json (kubernetes-models, @kubernetes-models/keda, js-yaml):
#   - each document's apiVersion/kind must have a schema (an unknown or misspelt kind fails)
#   - schema errors: types, enums, required fields, quantities, formats
#   - fields the schema does not know (a misspelt key), which the schema alone would allow
#   - YAML 1.1 booleans read as the API server reads them (an unquoted off in a string field fails)
#   - duplicate keys, and two objects of one group/kind/namespace/name
# Prints one line per object, then `k8s-check: ok objects=N`. Needs node and npm; installs the
# packages into ./node_modules with `npm ci` when they are missing (after that, offline).
# Usage: check.sh [FILE...]
# Exit status: 0 all valid, 1 a manifest is invalid, 2 node/npm missing or the install failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

files=()
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "check.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
    *) files+=("$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")") ;;
  esac
done

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "check.sh: $tool is needed (Debian: apt-get install nodejs npm)" >&2
    exit 2
  fi
done

cd "$here"
if [ ! -d node_modules/kubernetes-models ] || [ ! -d node_modules/@kubernetes-models/keda ] \
   || [ ! -d node_modules/js-yaml ]; then
  echo "check.sh: installing the validator (npm ci) into $here/node_modules"
  if ! npm ci --no-audit --no-fund --loglevel=error >/dev/null; then
    echo "check.sh: npm ci failed" >&2
    exit 2
  fi
fi

if [ ${#files[@]} -eq 0 ]; then
  for f in *.yaml; do
    [ "$f" = kustomization.yaml ] || files+=("$here/$f")
  done
fi
exec node check.mjs "${files[@]}"
