#!/usr/bin/env bash
# Checks which database scripts/sql opens (README, "scripts/sql"), with a stand-in psql on
# PATH that prints its arguments: no PostgreSQL needed.
#
#   tests/ops/sql_test.sh                    (ctest runs it: label unit)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/muc-sql-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
# shellcheck disable=SC2016  # the $@ and $a are the stand-in's
printf '#!/bin/sh\nfor a in "$@"; do printf "[%%s]" "$a"; done; echo\n' >"$tmp/bin/psql"
chmod +x "$tmp/bin/psql"
printf 'domain = "conference.a.example"\ndb = "postgresql://muc@db.a/muc"\n[service]\nmax_rooms = 5\n' >"$tmp/a.conf"
printf 'domain = "conference.b.example"\n' >"$tmp/nodb.conf"
printf 'db = \n' >"$tmp/bad.conf"

status=0
# check NAME EXPECTED_STATUS EXPECTED_STDOUT [env VAR=VALUE...] -- ARGS...
check() {
  local name=$1 want_status=$2 want=$3 envs=() got rc
  shift 3
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  got=$(env -u MUC_DB PATH="$tmp/bin:$PATH" MUC_RUN_DB_FILE="$tmp/run.db" "${envs[@]}" \
        bash "$root/scripts/sql" "$@" 2>"$tmp/stderr"); rc=$?
  if [ "$rc" -ne "$want_status" ] || [ "$got" != "$want" ]; then
    echo "sql_test: $name: status $rc (want $want_status), psql got '$got' (want '$want')" >&2
    sed 's/^/  stderr: /' "$tmp/stderr" >&2
    status=1
  fi
}

check "nothing" 2 "" --
grep -q 'which database' "$tmp/stderr" || { echo "sql_test: nothing: no message" >&2; status=1; }
check "--db" 0 "[-d][postgresql://x@h/db][-c][SELECT 1]" -- --db postgresql://x@h/db -c 'SELECT 1'
check "--db=" 0 "[-d][host=h dbname=db][-x]" -- --db='host=h dbname=db' -x
check "MUC_DB" 0 "[-d][postgresql://env/db]" MUC_DB=postgresql://env/db --
check "--db over MUC_DB" 0 "[-d][postgresql://flag/db]" MUC_DB=postgresql://env/db -- --db postgresql://flag/db
check "--config" 0 "[-d][postgresql://muc@db.a/muc][-c][TABLE muc_rooms]" -- --config "$tmp/a.conf" -c 'TABLE muc_rooms'
check "MUC_DB over --config" 0 "[-d][postgresql://env/db]" MUC_DB=postgresql://env/db -- --config "$tmp/a.conf"
check "--config without db" 2 "" -- --config "$tmp/nodb.conf"
check "--config unparsable" 2 "" -- --config "$tmp/bad.conf"
check "--config missing" 2 "" -- --config "$tmp/none.conf"
echo "postgresql://postgres@127.0.0.1:5999/muc" >"$tmp/run.db"
check "scripts/run's file" 0 "[-d][postgresql://postgres@127.0.0.1:5999/muc][-c][SELECT 2]" -- -c 'SELECT 2'
check "--config wins over scripts/run's file" 2 "" -- --config "$tmp/nodb.conf"
check "-- ends the options" 0 "[-d][postgresql://postgres@127.0.0.1:5999/muc][--db][x]" -- -- --db x
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
  chown nobody "$tmp/run.db"
  check "someone else's file" 2 "" --
fi
check "--help" 0 "$(sed -n '2,/^set -euo/p' "$root/scripts/sql" | sed '$d; s/^# \{0,1\}//')" -- --help

[ "$status" -eq 0 ] && echo "sql_test: scripts/sql picks its database as documented"
exit "$status"
