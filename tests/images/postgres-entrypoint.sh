#!/usr/bin/env bash
# Entrypoint of the postgres stand-in: a subset of the official image's
# docker-entrypoint.sh. runuser/su reset PATH, so the server binaries are
# called by full path and the user switch is done with setpriv.
set -Eeo pipefail

PGBIN=/usr/lib/postgresql/15/bin
export PGDATA=${PGDATA:-/var/lib/postgresql/data}

# file_env VAR [DEFAULT]: VAR may also come from the file named by VAR_FILE.
file_env() {
    local var=$1 fileVar="${1}_FILE" def=${2:-} val
    if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
        echo >&2 "error: both $var and $fileVar are set (but are exclusive)"
        exit 1
    fi
    val=$def
    if [ "${!var:-}" ]; then
        val=${!var}
    elif [ "${!fileVar:-}" ]; then
        val=$(<"${!fileVar}")
    fi
    export "$var"="$val"
    unset "$fileVar"
}

setup_env() {
    file_env POSTGRES_PASSWORD
    file_env POSTGRES_USER postgres
    file_env POSTGRES_DB "$POSTGRES_USER"
    file_env POSTGRES_INITDB_ARGS
    : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
    export POSTGRES_HOST_AUTH_METHOD
}

create_dirs() {
    mkdir -p "$PGDATA" /var/run/postgresql
    chmod 00700 "$PGDATA" 2>/dev/null || :
    chmod 03775 /var/run/postgresql 2>/dev/null || :
    if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
        mkdir -p "$POSTGRES_INITDB_WALDIR"
    fi
    if [ "$(id -u)" = 0 ]; then
        find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
        chown postgres:postgres /var/run/postgresql
        [ -z "${POSTGRES_INITDB_WALDIR:-}" ] || \
            find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres:postgres '{}' +
    fi
}

verify_env() {
    if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
        cat >&2 <<'EOM'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.
EOM
        exit 1
    fi
}

init_db_dir() {
    local args=(--username="$POSTGRES_USER" -D "$PGDATA")
    if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
        args+=(--waldir="$POSTGRES_INITDB_WALDIR")
    fi
    if [ -n "$POSTGRES_PASSWORD" ]; then
        eval '"$PGBIN/initdb" "${args[@]}" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"
    else
        eval '"$PGBIN/initdb" "${args[@]}" '"$POSTGRES_INITDB_ARGS"
    fi
}

setup_hba() {
    {
        echo
        if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ]; then
            echo '# warning trust is enabled for all connections'
        fi
        echo "host all all all $POSTGRES_HOST_AUTH_METHOD"
    } >>"$PGDATA/pg_hba.conf"
}

process_sql() {
    local args=(-v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
    PGHOST= PGHOSTADDR= "$PGBIN/psql" "${args[@]}" --dbname "${POSTGRES_DB}" "$@"
}

temp_server_start() {
    PGUSER="$POSTGRES_USER" "$PGBIN/pg_ctl" -D "$PGDATA" \
        -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
}

temp_server_stop() {
    PGUSER="$POSTGRES_USER" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop
}

setup_db() {
    local exists
    exists=$(POSTGRES_DB=postgres process_sql --set db="$POSTGRES_DB" --tuples-only <<'EOSQL'
SELECT 1 FROM pg_database WHERE datname = :'db' ;
EOSQL
)
    if [ -z "$exists" ]; then
        POSTGRES_DB=postgres process_sql --set db="$POSTGRES_DB" <<'EOSQL'
CREATE DATABASE :"db" ;
EOSQL
        echo
    fi
}

process_init_files() {
    local f
    echo
    for f; do
        case "$f" in
            *.sh)
                if [ -x "$f" ]; then
                    echo "$0: running $f"; "$f"
                else
                    echo "$0: sourcing $f"; . "$f"
                fi
                ;;
            *.sql)    echo "$0: running $f"; process_sql -f "$f"; echo ;;
            *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | process_sql; echo ;;
            *.sql.xz) echo "$0: running $f"; xzcat "$f" | process_sql; echo ;;
            *)        echo "$0: ignoring $f" ;;
        esac
        echo
    done
}

want_help() {
    local arg
    for arg; do
        case "$arg" in
            -'?'|--help|--describe-config|-V|--version) return 0 ;;
        esac
    done
    return 1
}

main() {
    if [ "${1:0:1}" = '-' ]; then
        set -- postgres "$@"
    fi

    if [ "$1" = postgres ] && ! want_help "$@"; then
        setup_env
        create_dirs
        if [ "$(id -u)" = 0 ]; then
            # like gosu: keeps the environment (PATH included)
            exec setpriv --reuid=postgres --regid=postgres --init-groups \
                env HOME=/var/lib/postgresql "${BASH_SOURCE[0]}" "$@"
        fi

        if [ ! -s "$PGDATA/PG_VERSION" ]; then
            verify_env
            ls /docker-entrypoint-initdb.d/ >/dev/null
            init_db_dir
            setup_hba
            export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
            temp_server_start
            setup_db
            shopt -s nullglob
            process_init_files /docker-entrypoint-initdb.d/*
            shopt -u nullglob
            temp_server_stop
            unset PGPASSWORD
            echo
            echo 'PostgreSQL init process complete; ready for start up.'
            echo
        else
            echo
            echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
            echo
        fi
        shift
        exec "$PGBIN/postgres" "$@"
    fi

    exec "$@"
}

main "$@"
