#!/usr/bin/env bash
# Runs the database tests against a throwaway PostgreSQL 15 cluster:
#
#   bash tests/db/run.sh [BUILD_DIR] [gtest flags...]     (BUILD_DIR default: build/asan)
#
# Starts a cluster on a free loopback port (scripts/lib/postgres.sh), exports
# MUC_TEST_DB_URI, runs BUILD_DIR/db_tests, then stops and removes the cluster, whatever
# the outcome. Exits with db_tests' status (or 1 if PostgreSQL would not start).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build/asan}
shift || true
case "$build" in /*) ;; *) build=$root/$build ;; esac

bin=$build/db_tests
[ -x "$bin" ] || { echo "tests/db/run.sh: $bin not built (cmake --build $build --target db_tests)" >&2; exit 1; }

# shellcheck source=../../scripts/lib/postgres.sh
. "$root/scripts/lib/postgres.sh"
pgdir=$(mktemp -d /tmp/muc-db-tests.XXXXXX) || exit 1
trap 'postgres_cleanup "$pgdir"' EXIT
postgres_start "$pgdir" || { echo "tests/db/run.sh: PostgreSQL did not start" >&2; exit 1; }

export MUC_TEST_DB_URI=$PG_URI
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "== db tests ($bin) against PostgreSQL on port $PG_PORT"
"$bin" "$@"
