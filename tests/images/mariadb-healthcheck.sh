#!/usr/bin/env bash
# healthcheck.sh of the mariadb stand-in: the subset of the official
# script's tests that compose files use (--connect, --innodb_initialized,
# --innodb_buffer_pool_loaded). Other options are accepted and ignored.
set -eo pipefail

cnf=${MARIADB_HEALTHCHECK_CNF:-/var/lib/mysql/.my-healthcheck.cnf}
client=(mariadb --defaults-file="$cnf" -h 127.0.0.1 --protocol=tcp
        --port="${MARIADB_PORT:-3306}" -sN)

query() { "${client[@]}" -e "$1"; }

[ $# -gt 0 ] || set -- --connect
for arg; do
    case "$arg" in
        --connect)
            query 'SELECT 1' >/dev/null ;;
        --innodb_initialized)
            [ "$(query "SELECT 1 FROM information_schema.ENGINES WHERE engine='innodb' AND support IN ('YES','DEFAULT','ENABLED')")" = 1 ] ;;
        --innodb_buffer_pool_loaded)
            query "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_load_status'" \
                | grep -q 'load completed' ;;
        *) ;;
    esac
done
