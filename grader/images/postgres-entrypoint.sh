#!/bin/sh
# First start: create the cluster, the user and the database; then run the server in the foreground.
set -eu
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  printf '%s' "${POSTGRES_PASSWORD:-postgres}" > /tmp/pwfile
  # UTF8, as the official image and the embedded server: without a locale initdb picks SQL_ASCII,
  # and psycopg 3 (which Airflow's PostgresHook uses) then returns text columns as bytes
  initdb --username="$user" --pwfile=/tmp/pwfile --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --no-locale >/dev/null
  rm -f /tmp/pwfile
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$db" != "postgres" ]; then
    postgres --single -D "$PGDATA" postgres <<SQL >/dev/null
CREATE DATABASE "$db" OWNER "$user";
SQL
  fi
fi
# Throwaway data for one grading job: no fsync, so a build is not slowed by the disk.
exec postgres -D "$PGDATA" -c listen_addresses='*' -c fsync=off
