#!/usr/bin/env bash
# Builds, from Debian bookworm packages, local STAND-INS for the two registry images
# deploy/compose.yaml names, for a machine that can reach no image registry (as scripts/base-images.sh
# does for the Dockerfile's base images). They are tagged with compose.yaml's names so that compose
# finds them, but they are NOT those images:
#
#   docker.io/library/postgres:16.4-bookworm  <- PostgreSQL 15 from Debian (postgresql-15), not 16.4
#   docker.io/library/nginx:1.27.3-bookworm   <- nginx 1.22 from Debian (nginx), not 1.27.3
#
# Each carries the label dev.ragd.stand-in saying what it really is (podman image inspect). Where a
# registry is reachable, skip this and pull the real images. They copy what compose.yaml relies on:
#
#   postgres  POSTGRES_USER, POSTGRES_DB, POSTGRES_PASSWORD initialise an empty data dir at
#             /var/lib/postgresql/data (a VOLUME) on first start: scram-sha-256 password logins over
#             TCP from anywhere, trust on the local socket, listen_addresses='*', port 5432; the
#             server runs as the postgres user (the entrypoint drops root with setpriv); pg_isready,
#             psql on PATH; stop signal SIGINT (fast shutdown). Nothing else of the official
#             entrypoint (no /docker-entrypoint-initdb.d, no POSTGRES_HOST_AUTH_METHOD, no *_FILE).
#   nginx     Debian's nginx.conf (which includes /etc/nginx/conf.d/*.conf) with its default site
#             removed, so /etc/nginx/conf.d/default.conf is the site; `nginx -g 'daemon off;'` in the
#             foreground, logs to stdout/stderr, stop signal SIGQUIT (graceful).
#
#   scripts/compose-images.sh [--rootfs DIR]
#
# DIR is the debootstrap rootfs scripts/base-images.sh makes (default /var/tmp/ragd-rootfs-bookworm,
# or $RAGD_ROOTFS); it is made here the same way if missing, and only copied, never changed.
# Needs root, podman, debootstrap and the Debian mirror (deb.debian.org, with bookworm-updates and
# bookworm-security).
set -euo pipefail
cd "$(dirname "$0")/.."
# The names compose.yaml pins, read from it: one source of truth.
pg_image=$(sed -n 's/^ *image: *\(.*postgres:.*\)$/\1/p' deploy/compose.yaml | head -1)
nginx_image=$(sed -n 's/^ *image: *\(.*nginx:.*\)$/\1/p' deploy/compose.yaml | head -1)
suite=bookworm   # the rootfs's (scripts/lib/podman.sh), for the package sources below
tool=compose-images
. scripts/lib/podman.sh
rootfs=$RAGD_ROOTFS_DEFAULT
while [ $# -gt 0 ]; do
  case "$1" in
    --rootfs) rootfs=$2; shift 2 ;;
    *) echo "compose-images: unknown option $1 (use --rootfs DIR)" >&2; exit 2 ;;
  esac
done
[ -n "$pg_image" ] && [ -n "$nginx_image" ] || { say "no postgres/nginx image in deploy/compose.yaml"; exit 1; }
[ "$(id -u)" = 0 ] || { say "needs root (chroot, apt-get in the rootfs copy)"; exit 1; }
for cmd in podman debootstrap; do
  command -v "$cmd" >/dev/null || { say "$cmd is missing (apt-get install $cmd)"; exit 1; }
done
ensure_rootfs "$rootfs"

work=$(mktemp -d /var/tmp/ragd-compose-images.XXXXXX)
mounted=()
cleanup() {
  for m in "${mounted[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# A copy of the rootfs with Debian packages installed into it (chroot + apt-get, updates included).
# $1: directory, rest: packages.
install_into() {
  local r=$1; shift
  mkdir -p "$r"
  cp -a "$rootfs/." "$r/"
  cat > "$r/etc/apt/sources.list" <<EOF
deb http://deb.debian.org/debian $suite main
deb http://deb.debian.org/debian $suite-updates main
deb http://deb.debian.org/debian-security $suite-security main
EOF
  cp -L /etc/resolv.conf "$r/etc/resolv.conf"
  # No service starts inside the chroot.
  printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d" && chmod +x "$r/usr/sbin/policy-rc.d"
  mount -t proc proc "$r/proc" && mounted+=("$r/proc")
  mount --bind /dev "$r/dev" && mounted+=("$r/dev")
  chroot "$r" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 sh -c \
    "apt-get update -qq && apt-get install -y -qq --no-install-recommends $* && apt-get clean" \
    > "$work/apt-$(basename "$r").log" 2>&1 || { tail -20 "$work/apt-$(basename "$r").log" >&2; say "apt-get install $* failed"; exit 1; }
  umount "$r/dev" && umount "$r/proc"
  mounted=()
  rm -rf "$r/usr/sbin/policy-rc.d" "$r/usr/share/doc" "$r/usr/share/man" "$r/usr/share/info" "$r/var/lib/apt/lists/"* "$r/var/cache/apt/"*.bin "$r/var/log/apt" "$r/var/log/dpkg.log"
  : > "$r/etc/resolv.conf"
}
pkg_version() { chroot "$1" dpkg-query -W -f '${Version}' "$2"; }

# --- postgres -----------------------------------------------------------------------------------
p="$work/postgres"
say "building $pg_image: a STAND-IN, PostgreSQL 15 from Debian $suite (postgresql-15), not PostgreSQL ${pg_image##*:}"
install_into "$p" postgresql-15
pg_version=$(pkg_version "$p" postgresql-15)
pg_major=$(ls "$p/usr/lib/postgresql")
# No Debian cluster (the package makes one, "main"): the entrypoint makes the one in the volume.
rm -rf "$p/etc/postgresql/$pg_major" "$p/var/lib/postgresql/$pg_major"
# As the official image does: listen on every address by default.
sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$p/usr/share/postgresql/$pg_major/postgresql.conf.sample"
mkdir -p "$p/var/lib/postgresql/data" "$p/var/run/postgresql"
chroot "$p" chown postgres:postgres /var/lib/postgresql /var/lib/postgresql/data /var/run/postgresql
chmod 700 "$p/var/lib/postgresql/data"
chmod 2777 "$p/var/run/postgresql"
cat > "$p/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# ragd's stand-in for the official postgres image's entrypoint (scripts/compose-images.sh): only
# POSTGRES_USER, POSTGRES_DB and POSTGRES_PASSWORD, on an empty $PGDATA, then the server as postgres.
set -eu
if [ "${1#-}" != "$1" ]; then set -- postgres "$@"; fi
if [ "$1" != postgres ]; then exec "$@"; fi
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?the stand-in postgres image needs POSTGRES_PASSWORD (as the official one does)}"
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  printf '\nhost all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    echo 'CREATE DATABASE :"db"' | psql -v ON_ERROR_STOP=1 -q --username="$user" --dbname=postgres \
      --set=db="$db" >/dev/null
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  fi
  echo "stand-in postgres: initialised $PGDATA (user $user, database $db)"
fi
exec "$@"
EOF
chmod 755 "$p/usr/local/bin/docker-entrypoint.sh"
tar -C "$p" -c . | podman import -q \
  --change "ENV PATH=/usr/lib/postgresql/$pg_major/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change 'ENV PGDATA=/var/lib/postgresql/data' --change 'ENV LANG=C.UTF-8' \
  --change 'VOLUME /var/lib/postgresql/data' --change 'EXPOSE 5432' --change 'STOPSIGNAL SIGINT' \
  --change "LABEL dev.ragd.stand-in=\"PostgreSQL $pg_version from Debian $suite (postgresql-15), built by scripts/compose-images.sh; not the official ${pg_image}\"" \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["postgres"]' - "$pg_image" >/dev/null
say "$pg_image = STAND-IN: PostgreSQL $pg_version (Debian), $(du -sh "$p" | cut -f1)"

# --- nginx --------------------------------------------------------------------------------------
n="$work/nginx"
say "building $nginx_image: a STAND-IN, nginx 1.22 from Debian $suite (nginx), not nginx ${nginx_image##*:}"
install_into "$n" nginx
nginx_version=$(pkg_version "$n" nginx)
rm -f "$n/etc/nginx/sites-enabled/default"
mkdir -p "$n/etc/nginx/conf.d"
ln -sf /dev/stdout "$n/var/log/nginx/access.log"
ln -sf /dev/stderr "$n/var/log/nginx/error.log"
tar -C "$n" -c . | podman import -q \
  --change 'EXPOSE 80' --change 'STOPSIGNAL SIGQUIT' \
  --change "LABEL dev.ragd.stand-in=\"nginx $nginx_version from Debian $suite, built by scripts/compose-images.sh; not the official ${nginx_image}\"" \
  --change 'CMD ["nginx", "-g", "daemon off;"]' - "$nginx_image" >/dev/null
say "$nginx_image = STAND-IN: nginx $nginx_version (Debian), $(du -sh "$n" | cut -f1)"
