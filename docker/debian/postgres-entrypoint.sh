#!/bin/sh
# First start: a cluster owned by postgres with the requested user, password and database; then the
# server in the foreground, listening on every interface of the container (its network only).
set -eu
mkdir -p "$PGDATA" /run/postgresql
chown -R postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}" > "$pwfile"
  chown postgres "$pwfile"
  su postgres -c "initdb -D '$PGDATA' -U '${POSTGRES_USER:-postgres}' --pwfile='$pwfile' --auth-host=scram-sha-256 --auth-local=trust" >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != postgres ]; then
    su postgres -c "postgres -D '$PGDATA' -c listen_addresses='' " &
    pid=$!
    until su postgres -c "pg_isready -q -h /run/postgresql"; do sleep 0.2; done
    su postgres -c "psql -q -h /run/postgresql -U '${POSTGRES_USER:-postgres}' -d postgres -c 'CREATE DATABASE \"$POSTGRES_DB\"'"
    kill "$pid"; wait "$pid" || true
  fi
fi
exec su postgres -c "exec postgres -D '$PGDATA' -c listen_addresses='*'"
