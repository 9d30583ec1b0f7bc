# shellcheck shell=bash source-path=SCRIPTDIR
# A throwaway PostgreSQL 15 cluster on loopback (runs as root: initdb/postgres run as the
# "postgres" user through runuser). Source this file, then:
#
#   postgres_start [DIR]   initdb DIR (default: a new mktemp dir) unless it holds a cluster,
#                          start it on a free port (or PG_PORT), wait until ready, create
#                          the database PG_DB (default muc_test) if missing.
#                          Calling it again on a stopped DIR restarts on the SAME port.
#   postgres_stop [DIR]    fast shutdown (SIGINT) of that cluster's postmaster only.
#   postgres_cleanup [DIR] stop it and remove DIR.
#
# After postgres_start these are exported, and written as KEY=VALUE lines to DIR/pg.env:
#   PG_DIR PG_PORT PG_PID PG_DB PG_URI (postgresql://postgres@127.0.0.1:PORT/DB)
#   PG_CONNINFO ("host=127.0.0.1 port=PORT dbname=DB user=postgres", for libpqxx)
#
# Command-line use:  bash scripts/lib/postgres.sh start|stop|cleanup DIR

_pg_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$_pg_lib_dir/common.sh"

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

_pg_load_state() {
  local line
  [ -f "$1/pg.env" ] || return 1
  while IFS= read -r line; do
    case "$line" in PG_*=*) export "${line?}" ;; esac
  done <"$1/pg.env"
}

_pg_save_state() {
  local dir=$1 v
  : >"$dir/pg.env.tmp"
  for v in PG_DIR PG_PORT PG_PID PG_DB PG_URI PG_CONNINFO; do
    printf '%s=%s\n' "$v" "${!v}" >>"$dir/pg.env.tmp"
  done
  mv "$dir/pg.env.tmp" "$dir/pg.env"
}

postgres_start() {
  local dir=${1:-}
  if [ -z "$dir" ]; then
    dir=$(mktemp -d /tmp/pg-e2e.XXXXXX) || return 1
  fi
  mkdir -p "$dir" && dir=$(cd "$dir" && pwd) || return 1
  chown postgres: "$dir"   # mktemp makes it 0700; the cluster runs as postgres

  if _pg_load_state "$dir"; then
    if lib_pid_alive "$PG_PID"; then
      echo "postgres_start: already running as PID $PG_PID ($dir)" >&2
      return 1
    fi
  else
    export PG_DIR=$dir
    export PG_DB=${PG_DB:-muc_test}
    export PG_PORT=${PG_PORT:-$(lib_free_ports 1)}
    export PG_PID=
  fi
  export PG_URI="postgresql://postgres@127.0.0.1:$PG_PORT/$PG_DB"
  export PG_CONNINFO="host=127.0.0.1 port=$PG_PORT dbname=$PG_DB user=postgres"

  if [ ! -f "$dir/data/PG_VERSION" ]; then
    runuser -u postgres -- "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
      echo "postgres_start: initdb failed:" >&2; tail -n 20 "$dir/initdb.log" >&2; return 1; }
  fi
  # -w waits until the server accepts connections.
  if ! runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w -t 30 \
       -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
       start >"$dir/pg_ctl.log" 2>&1; then
    echo "postgres_start: pg_ctl start failed:" >&2
    tail -n 20 "$dir/pg_ctl.log" "$dir/pg.log" >&2 2>/dev/null
    return 1
  fi
  export PG_PID
  PG_PID=$(head -1 "$dir/data/postmaster.pid")
  _pg_save_state "$dir"
  if ! "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAq \
       -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$PG_DB" || {
      echo "postgres_start: createdb $PG_DB failed" >&2; postgres_stop "$dir"; return 1; }
  fi
  return 0
}

postgres_stop() {
  local dir=${1:-${PG_DIR:-}}
  [ -n "$dir" ] || { echo "postgres_stop: no DIR" >&2; return 1; }
  _pg_load_state "$dir" || return 0
  [ -n "$PG_PID" ] || return 0
  # SIGINT = fast shutdown. The guard string is the data dir on the postmaster's command line.
  lib_stop_pid "$PG_PID" INT 30 "$dir/data"
}

postgres_cleanup() {
  local dir=${1:-${PG_DIR:-}}
  [ -n "$dir" ] || return 0
  postgres_stop "$dir"
  rm -rf -- "$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -u
  case "${1:-}" in
    start) postgres_start "${2:-}" && echo "$PG_DIR" ;;
    stop) postgres_stop "${2:?DIR}" ;;
    cleanup) postgres_cleanup "${2:?DIR}" ;;
    *) echo "usage: $0 start [DIR] | stop DIR | cleanup DIR" >&2; exit 2 ;;
  esac
fi
