#!/usr/bin/env bash
# Builds, from Debian packages and this machine's JDK, local stand-ins for the two base images the
# Dockerfile names, for a machine that can reach no image registry (podman build --pull=never then
# finds them by those names). Where a registry is reachable, skip this: the real images are pulled.
#
#   scripts/base-images.sh [--rootfs DIR]
#
#   JDK_IMAGE      (build stage)  a Debian rootfs (debootstrap --variant=minbase) with binutils and
#                                 the JDK 25 of /usr/lib/jvm at /opt/java/openjdk, as in the Temurin
#                                 images (which carry binutils for jlink --strip-debug)
#   RUNTIME_IMAGE  (final stage)  glibc, libgcc, libstdc++, CA certificates, /etc/passwd with the
#                                 nonroot user 65532 and a /tmp: what distroless/cc-debian12 holds
#
# Needs root, podman, debootstrap (apt-get install podman debootstrap) and the Debian mirror.
set -euo pipefail
cd "$(dirname "$0")/.."
# The names and versions the Dockerfile pins (its ARG defaults), read from it: one source of truth.
jdk_image=$(sed -n 's/^ARG JDK_IMAGE=//p' Dockerfile)
runtime_image=$(sed -n 's/^ARG RUNTIME_IMAGE=//p' Dockerfile)
tool=base-images
. scripts/lib/podman.sh
rootfs=$RAGD_ROOTFS_DEFAULT
while [ $# -gt 0 ]; do
  case "$1" in
    --rootfs) rootfs=$2; shift 2 ;;
    *) echo "base-images: unknown option $1 (use --rootfs DIR)" >&2; exit 2 ;;
  esac
done
for cmd in podman debootstrap; do
  command -v "$cmd" >/dev/null || { say "$cmd is missing (apt-get install $cmd)"; exit 1; }
done
jdk=$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)
[ -x "$jdk/bin/jlink" ] || { echo "base-images: no JDK 25 with jlink under /usr/lib/jvm" >&2; exit 1; }

ensure_rootfs "$rootfs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The build stage: the rootfs plus the JDK.
mkdir -p "$work/jdk"
cp -a "$rootfs/." "$work/jdk/"
mkdir -p "$work/jdk/opt/java"
cp -a "$jdk" "$work/jdk/opt/java/openjdk"
# Debian's JDK packages link the trust store to /etc/ssl/certs/java; the image needs the file itself.
cacerts="$work/jdk/opt/java/openjdk/lib/security/cacerts"
if [ -L "$cacerts" ]; then rm "$cacerts"; cp -L "$jdk/lib/security/cacerts" "$cacerts"; fi
tar -C "$work/jdk" -c . | podman import \
  --change 'ENV JAVA_HOME=/opt/java/openjdk' \
  --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' - "$jdk_image" >/dev/null
echo "base-images: $jdk_image ($("$jdk/bin/java" -version 2>&1 | head -1))" >&2

# The runtime: only the libraries a jlinked JDK and ragd's native libraries (ONNX runtime,
# tokenizers, Netty epoll, SQLite) link against.
r="$work/runtime"
mkdir -p "$r/usr/lib/x86_64-linux-gnu" "$r/lib64" "$r/etc/ssl/certs" "$r/tmp" "$r/home/nonroot"
for lib in ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libgcc_s.so.1 \
    libstdc++.so.6; do
  cp -L "$rootfs/usr/lib/x86_64-linux-gnu/$lib" "$r/usr/lib/x86_64-linux-gnu/"
done
ln -s usr/lib "$r/lib"
ln -s ../usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$r/lib64/ld-linux-x86-64.so.2"
cp -L /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$r/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$r/etc/group"
printf 'hosts: files dns\n' > "$r/etc/nsswitch.conf"
chmod 1777 "$r/tmp"
chown 65532:65532 "$r/home/nonroot"
tar -C "$r" -c . | podman import --change 'USER 65532:65532' --change 'WORKDIR /home/nonroot' \
  --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' - "$runtime_image" >/dev/null
echo "base-images: $runtime_image ($(du -sh "$r" | cut -f1))" >&2
