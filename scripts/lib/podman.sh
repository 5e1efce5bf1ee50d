# Sourced by the scripts that build or run ragd's images with podman: scripts/container-smoke.sh,
# scripts/compose-smoke.sh, scripts/base-images.sh, scripts/compose-images.sh,
# bench/container-start.sh and bench/warmup.sh. Set `tool` (the script's name in its messages)
# before sourcing. The caller's working directory must be the repository root.
#
#   say / skip / fail     a line on stderr; "tool: skipped: why" and exit 0; "tool: FAILED: what" and exit 1
#   require_podman        skips unless podman and runc are installed and this is root (podman runs its
#                         containers with runc as root on this machine)
#   PODMAN_LIMITS         what `podman run` needs here: runc and explicit ulimits (the defaults are refused)
#   build_ragd_image IMAGE LOG
#                         the base images (pulled, else local stand-ins from scripts/base-images.sh),
#                         then ./Dockerfile built as IMAGE with --pull=never, its output in LOG
#   RAGD_ROOTFS_DEFAULT, ensure_rootfs DIR
#                         the Debian rootfs (debootstrap minbase + binutils) the stand-in images copy
#   entrypoint_without_aot IMAGE
#                         the image's entrypoint without -XX:AOTCache, as the JSON `--entrypoint` takes
tool=${tool:?set tool before sourcing scripts/lib/podman.sh}

say() { echo "$tool: $*" >&2; }
skip() { echo "$tool: skipped: $*"; exit 0; }
fail() { echo "$tool: FAILED: $*"; exit 1; }

PODMAN_LIMITS=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1000:1000)

require_podman() {
  command -v podman >/dev/null || skip "podman is not installed (apt-get install podman runc debootstrap)"
  command -v runc >/dev/null || skip "runc is not installed (apt-get install runc)"
  [ "$(id -u)" = 0 ] || skip "needs root here (podman runs its containers with runc as root on this machine)"
}

build_ragd_image() {
  local image=$1 log=$2 ref t0
  for ref in "$(sed -n 's/^ARG JDK_IMAGE=//p' Dockerfile)" "$(sed -n 's/^ARG RUNTIME_IMAGE=//p' Dockerfile)"; do
    if ! podman image exists "$ref"; then
      say "base image $ref missing: building local stand-ins (scripts/base-images.sh)"
      scripts/base-images.sh || skip "could not build the base images (no registry, and scripts/base-images.sh failed)"
      break
    fi
  done
  say "building $image from ./Dockerfile (podman build --pull=never)"
  t0=$(date +%s)
  # (the build's JVMs need more open files than a running ragd; Maven reaches Central over the host's network)
  podman build --runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4000:4000 --network host --pull=never \
    -t "$image" . > "$log" 2>&1 || { tail -30 "$log"; fail "the image did not build"; }
  say "built in $(( $(date +%s) - t0 )) s"
}

RAGD_ROOTFS_DEFAULT=${RAGD_ROOTFS:-/var/tmp/ragd-rootfs-bookworm}

ensure_rootfs() {
  local rootfs=$1
  if [ ! -x "$rootfs/bin/bash" ] || [ ! -x "$rootfs/usr/bin/strip" ]; then
    say "debootstrap bookworm into $rootfs"
    rm -rf "$rootfs"
    debootstrap --variant=minbase --include=binutils bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  fi
}

entrypoint_without_aot() {
  podman image inspect --format '{{json .Config.Entrypoint}}' "$1" \
    | python3 -c 'import json,sys; print(json.dumps([a for a in json.load(sys.stdin) if not a.startswith("-XX:AOTCache")]))'
}
