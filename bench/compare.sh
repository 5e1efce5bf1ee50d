#!/usr/bin/env bash
# Compares two saved benchmark runs (the name=value lines any bench script prints): for each name,
# the old value, the new one and new/old; 'same'/'differs' for text values; 'only in OLD' /
# 'only in NEW' for a name one run lacks. Lines that are not name=value are reported on stderr with
# their line number and skipped. Every bench script's --compare FILE runs this on its own output.
# Usage: bench/compare.sh OLD_RUN NEW_RUN
# Runs the Java source file directly (it needs only the JDK), so no build comes first.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/lib/java.sh"
ragd_find_java
exec "$JAVA_HOME/bin/java" "$root/src/main/java/dev/ragd/ops/bench/Compare.java" "$@"
