#!/usr/bin/env bash
# Entrypoint of the redis stand-in. The official image's redis-server is
# built with protected mode off; Debian's is not, so "--protected-mode no"
# is added unless the arguments or the config file set it.
set -e

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
    set -- redis-server "$@"
fi

if [ "$1" = redis-server ]; then
    shift
    args=()
    conf=
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
        conf=$1
        args+=("$1")
        shift
    fi
    extra=(--protected-mode no)
    if [[ " $* " == *protected-mode* ]] || \
       { [ -n "$conf" ] && [ -f "$conf" ] && grep -Eq '^[[:space:]]*protected-mode' "$conf"; }; then
        extra=()
    fi
    if [ -z "$conf" ] && [[ " $* " != *" --bind "* ]]; then
        extra+=(--bind 0.0.0.0)
    fi
    set -- redis-server "${args[@]}" "${extra[@]}" "$@"

    if [ "$(id -u)" = 0 ]; then
        find . \! -user redis -exec chown redis '{}' + 2>/dev/null || :
        umask 0077
        exec setpriv --reuid=redis --regid=redis --init-groups "$@"
    fi
fi

exec "$@"
