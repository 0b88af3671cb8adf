#!/usr/bin/env bash
# Entrypoint of the mariadb stand-in: a subset of the official image's
# docker-entrypoint.sh. Honours MARIADB_ROOT_PASSWORD (or
# MARIADB_ALLOW_EMPTY_ROOT_PASSWORD / MARIADB_RANDOM_ROOT_PASSWORD),
# MARIADB_ROOT_HOST, MARIADB_DATABASE, MARIADB_USER, MARIADB_PASSWORD (each
# also as MYSQL_* and *_FILE) and /docker-entrypoint-initdb.d.
set -eo pipefail

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock

log() { echo "$(date -u '+%F %T') 0 [Note] [Entrypoint]: $*"; }
die() { echo >&2 "$(date -u '+%F %T') 0 [ERROR] [Entrypoint]: $*"; exit 1; }

# file_env VAR [DEFAULT]: MARIADB_X, else MYSQL_X, else the *_FILE forms.
file_env() {
    local var=$1 def=${2:-} mysqlVar=${1/MARIADB_/MYSQL_} val=
    local fileVar=${var}_FILE mysqlFileVar=${mysqlVar}_FILE
    if [ -n "${!var:-}" ]; then val=${!var}
    elif [ -n "${!mysqlVar:-}" ]; then val=${!mysqlVar}
    elif [ -n "${!fileVar:-}" ]; then val=$(<"${!fileVar}")
    elif [ -n "${!mysqlFileVar:-}" ]; then val=$(<"${!mysqlFileVar}")
    else val=$def
    fi
    export "$var"="$val"
    unset "$fileVar" "$mysqlFileVar"
}

random_pw() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

sql_escape() { local s=${1//\\/\\\\}; printf '%s' "${s//\'/\\\'}"; }

setup_env() {
    file_env MARIADB_ROOT_PASSWORD
    file_env MARIADB_ROOT_HOST '%'
    file_env MARIADB_DATABASE
    file_env MARIADB_USER
    file_env MARIADB_PASSWORD
    file_env MARIADB_ALLOW_EMPTY_ROOT_PASSWORD
    file_env MARIADB_RANDOM_ROOT_PASSWORD
}

verify_env() {
    if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] \
        && [ -z "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
        die $'Database is uninitialized and password option is not specified\n\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
    fi
    if [ "$MARIADB_USER" = root ]; then
        die 'MARIADB_USER="root", MARIADB_USER and MARIADB_PASSWORD are for configuring a regular user and cannot be used for the root user'
    fi
    if [ -n "$MARIADB_USER" ] && [ -z "$MARIADB_PASSWORD" ]; then
        log 'Warning: MARIADB_USER set without MARIADB_PASSWORD: the user gets no password'
    fi
}

# client as root over the socket of the temporary server
client() {
    MYSQL_PWD=${ROOT_PW_SET:-} mariadb --no-defaults --protocol=socket --socket="$SOCKET" -uroot "$@"
}

temp_server_start() {
    "$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" \
        --wsrep_on=OFF --loose-innodb_buffer_pool_load_at_startup=0 &
    TEMP_PID=$!
    local i
    for i in $(seq 60); do
        if client -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
        kill -0 "$TEMP_PID" 2>/dev/null || die 'temporary server died during startup'
        sleep 1
    done
    die 'unable to start temporary server'
}

temp_server_stop() {
    kill "$TEMP_PID"
    wait "$TEMP_PID" || :
}

setup_db() {
    local rootpw hcpw sql
    if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
        MARIADB_ROOT_PASSWORD=$(random_pw)
        log "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
    fi
    rootpw=$(sql_escape "$MARIADB_ROOT_PASSWORD")
    hcpw=$(random_pw)
    sql="SET @@SESSION.SQL_LOG_BIN=0;
DELETE FROM mysql.global_priv WHERE User NOT IN ('mariadb.sys','root') OR Host NOT IN ('localhost');
FLUSH PRIVILEGES;
SET PASSWORD FOR 'root'@'localhost' = PASSWORD('$rootpw');
CREATE USER 'healthcheck'@'127.0.0.1' IDENTIFIED BY '$hcpw';
CREATE USER 'healthcheck'@'::1' IDENTIFIED BY '$hcpw';
CREATE USER 'healthcheck'@'localhost' IDENTIFIED BY '$hcpw';
GRANT USAGE ON *.* TO 'healthcheck'@'127.0.0.1', 'healthcheck'@'::1', 'healthcheck'@'localhost';"
    if [ "$MARIADB_ROOT_HOST" != localhost ]; then
        sql+="
CREATE USER 'root'@'$(sql_escape "$MARIADB_ROOT_HOST")' IDENTIFIED BY '$rootpw';
GRANT ALL ON *.* TO 'root'@'$(sql_escape "$MARIADB_ROOT_HOST")' WITH GRANT OPTION;"
    fi
    if [ -n "$MARIADB_DATABASE" ]; then
        sql+="
CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE//\`/\`\`}\`;"
    fi
    if [ -n "$MARIADB_USER" ]; then
        sql+="
CREATE USER '$(sql_escape "$MARIADB_USER")'@'%' IDENTIFIED BY '$(sql_escape "$MARIADB_PASSWORD")';"
        if [ -n "$MARIADB_DATABASE" ]; then
            sql+="
GRANT ALL ON \`${MARIADB_DATABASE//\`/\`\`}\`.* TO '$(sql_escape "$MARIADB_USER")'@'%';"
        fi
    fi
    sql+="
FLUSH PRIVILEGES;"
    client <<<"$sql"
    ROOT_PW_SET=$MARIADB_ROOT_PASSWORD
    printf '[mariadb-client]\nport=%s\nsocket=%s\nuser=healthcheck\npassword=%s\n' \
        "${MARIADB_PORT:-3306}" "$SOCKET" "$hcpw" >"$DATADIR/.my-healthcheck.cnf"
    chmod 600 "$DATADIR/.my-healthcheck.cnf"
}

process_init_files() {
    local f db=()
    [ -z "$MARIADB_DATABASE" ] || db=("$MARIADB_DATABASE")
    for f; do
        case "$f" in
            *.sh)
                if [ -x "$f" ]; then log "running $f"; "$f"
                else log "sourcing $f"; . "$f"
                fi ;;
            *.sql)    log "running $f"; client "${db[@]}" <"$f" ;;
            *.sql.gz) log "running $f"; gunzip -c "$f" | client "${db[@]}" ;;
            *.sql.xz) log "running $f"; xzcat "$f" | client "${db[@]}" ;;
            *)        log "ignoring $f" ;;
        esac
    done
}

want_help() {
    local arg
    for arg; do
        case "$arg" in -'?'|--help|--print-defaults|-V|--version) return 0 ;; esac
    done
    return 1
}

main() {
    if [ "${1:0:1}" = '-' ]; then
        set -- mariadbd "$@"
    fi
    if { [ "$1" = mariadbd ] || [ "$1" = mysqld ]; } && ! want_help "$@"; then
        if [ "$(id -u)" = 0 ]; then
            log "MariaDB stand-in (Debian $(mariadbd --version | awk '{print $3}')) starting"
            mkdir -p "$DATADIR" /run/mysqld
            find "$DATADIR" /run/mysqld \! -user mysql -exec chown mysql:mysql '{}' +
            exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
        fi
        if [ ! -d "$DATADIR/mysql" ]; then
            setup_env
            verify_env
            log 'Initializing database files'
            mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal \
                --skip-test-db --skip-name-resolve --default-time-zone=SYSTEM \
                --skip-log-bin --expire-logs-days=0 >/dev/null
            log 'Starting temporary server'
            temp_server_start "$@"
            setup_db
            shopt -s nullglob
            process_init_files /docker-entrypoint-initdb.d/*
            shopt -u nullglob
            log 'Stopping temporary server'
            temp_server_stop
            log 'MariaDB init process done. Ready for start up.'
        fi
    fi
    exec "$@"
}

main "$@"
