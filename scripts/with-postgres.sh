#!/usr/bin/env bash
# Run a command with a private, throw-away PostgreSQL cluster (for `make test` and CI).
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# Installs Debian's PostgreSQL server if it is missing, runs initdb in a temporary folder,
# starts postgres on a free loopback port with its unix socket in that folder, exports
# INTELBENCH_TEST_PG_URL to CMD, and stops the server by its PID when CMD ends (pass or fail).
# initdb and postgres refuse to run as root: as root they run as the `postgres` user (created
# if missing). Exit status: CMD's.
set -euo pipefail

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  done
  return 1
}

if ! BIN=$(pg_bindir); then
  echo "Installing Debian's PostgreSQL server" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  BIN=$(pg_bindir) || { echo "PostgreSQL server not found after install" >&2; exit 1; }
fi

if [ "$(id -u)" = 0 ]; then
  id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  # setpriv execs in place (no fork, unlike runuser/su), so $! below is the server's own PID.
  AS=(setpriv --reuid=postgres --regid="$(id -g postgres)" --init-groups --)
  DBUSER=postgres
else
  AS=()
  DBUSER=$(id -un)
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/ib-pg.XXXXXX")
chmod 755 "$DIR"
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
PGPID=

cleanup() {
  local rc=$?
  if [ -n "$PGPID" ] && kill -0 "$PGPID" 2>/dev/null; then
    kill -INT "$PGPID" 2>/dev/null || true          # fast shutdown
    for _ in $(seq 1 100); do kill -0 "$PGPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PGPID" 2>/dev/null || true
  fi
  rm -rf "$DIR"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${AS[@]}" "$BIN/initdb" -D "$DIR/data" -U "$DBUSER" -A trust -E UTF8 --locale=C.UTF-8 \
  --no-sync >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
"${AS[@]}" "$BIN/postgres" -D "$DIR/data" -h 127.0.0.1 -p "$PORT" -k "$DIR" \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 \
  >"$DIR/server.log" 2>&1 &
PGPID=$!
for _ in $(seq 1 100); do
  "$BIN/pg_isready" -q -h "$DIR" -p "$PORT" && break
  kill -0 "$PGPID" 2>/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
  sleep 0.1
done
"$BIN/pg_isready" -q -h "$DIR" -p "$PORT" || { cat "$DIR/server.log" >&2; exit 1; }
"$BIN/createdb" -h "$DIR" -p "$PORT" -U "$DBUSER" intelbench_test

export INTELBENCH_TEST_PG_URL="postgresql+psycopg://$DBUSER@127.0.0.1:$PORT/intelbench_test"
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') (pid $PGPID) at $INTELBENCH_TEST_PG_URL" >&2
set +e
"$@"
rc=$?
set -e
exit $rc
