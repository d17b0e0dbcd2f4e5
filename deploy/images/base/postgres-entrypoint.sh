#!/bin/sh
# PostgreSQL's entry point in base/Containerfile.postgres. The first start makes a cluster in $PGDATA (a volume) with
# the superuser $POSTGRES_USER (default postgres), password $POSTGRES_PASSWORD (required) and the database
# $POSTGRES_DB (default vnet); every start then runs the server in the foreground as PID 1, so that SIGTERM stops it
# cleanly (a "smart" shutdown). Password authentication over TCP; trust only on the container's own socket.
set -eu
user="${POSTGRES_USER:-postgres}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  # Only the socket while the database is created: nobody connects before it exists.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  createdb -U "$user" "${POSTGRES_DB:-vnet}"
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c port="${POSTGRES_PORT:-5432}"
