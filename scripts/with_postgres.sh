#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL on loopback: installs Debian's `postgresql`
# when absent, starts a cluster in a temporary directory, exports ISAC_TEST_DATABASE_URL,
# runs "$@", then stops and removes the cluster. Real server, never a mock.
set -euo pipefail
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
BIN=$(find_bin)
if [ -z "$BIN" ]; then
  echo "installing Debian's postgresql…" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  BIN=$(find_bin)
fi
DIR=$(mktemp -d /tmp/isac-pg.XXXXXX)
PORT=${ISAC_TEST_PG_PORT:-54329}
RUN=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$DIR"
  RUN=(runuser -u postgres --)
fi
cleanup() { "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
"${RUN[@]}" "$BIN/initdb" -D "$DIR/data" -A trust -U isac >/dev/null
"${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"${RUN[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U isac isac_test
export ISAC_TEST_DATABASE_URL="postgresql://isac@127.0.0.1:$PORT/isac_test"
"$@"
