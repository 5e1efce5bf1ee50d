# Sourced by bin/ragd and bin/test: finds a JDK 21+ and exports JAVA_HOME for it.
# Order: JAVA_HOME when it is new enough, else the newest JDK under /usr/lib/jvm.

ragd_java_major() { # prints the major version of the JDK at $1, or nothing
  local rel="$1/release" v
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")
  else
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  fi
  echo "$v"
}

ragd_find_java() {
  local need=21 best="" best_v=0 dir v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(ragd_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$need" ]; then return 0; fi
    echo "ragd: JAVA_HOME=$JAVA_HOME is not a JDK $need+ (found '${v:-none}'); looking in /usr/lib/jvm" >&2
  fi
  for dir in /usr/lib/jvm/*/; do
    dir=${dir%/}
    [ -L "$dir" ] && continue
    v=$(ragd_java_major "$dir")
    if [ -n "$v" ] && [ "$v" -ge "$need" ] && [ "$v" -gt "$best_v" ]; then best=$dir; best_v=$v; fi
  done
  if [ -z "$best" ]; then
    echo "ragd: no JDK $need or newer found (JAVA_HOME unset or too old, nothing suitable in /usr/lib/jvm)." >&2
    echo "ragd: install one, e.g. 'apt-get install openjdk-21-jdk-headless', or set JAVA_HOME to a JDK $need+." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}
