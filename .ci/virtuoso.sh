#!/usr/bin/env bash
# A private Virtuoso Open Source 7 on loopback, for the remote-store tests.
#
#   .ci/virtuoso.sh start DIR   start one whose database lives in DIR; print the shell lines
#                               NEWSGRAPH_TEST_VIRTUOSO=<query URL> and
#                               NEWSGRAPH_TEST_VIRTUOSO_PASSWORD=<dba password>
#                               NEWSGRAPH_TEST_VIRTUOSO_STAGING=<DIR/stage>, a directory the
#                               server reads N-Quads from (in its DirsAllowed)
#   .ci/virtuoso.sh stop DIR    stop it (by the process id it recorded in DIR)
#
# The database is new each time; its dba password is replaced by a random one (never the
# well-known default), set through isql before anything else talks to the server. Queries go
# to /sparql, updates to /sparql-auth (HTTP Digest as dba). Needs virtuoso-t and isql-vt (Debian
# package virtuoso-opensource); exits 1 with one line on stderr when it cannot start.
set -euo pipefail

INI=/etc/virtuoso-opensource-7/virtuoso.ini
STARTUP_SECONDS=${VIRTUOSO_STARTUP_SECONDS:-90}

die() {
    echo "virtuoso.sh: $*" >&2
    exit 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local dir=$1
    command -v virtuoso-t >/dev/null || die "virtuoso-t is not installed (Debian: virtuoso-opensource)"
    command -v isql-vt >/dev/null || die "isql-vt is not installed (Debian: virtuoso-opensource)"
    [ -r "$INI" ] || die "$INI is missing"
    mkdir -p "$dir/db" "$dir/stage"
    dir=$(cd "$dir" && pwd)
    local sql_port http_port password
    sql_port=$(free_port)
    http_port=$(free_port)
    while [ "$http_port" = "$sql_port" ]; do http_port=$(free_port); done
    password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')

    # The packaged configuration, moved into DIR and onto loopback ports. The first ServerPort
    # is the SQL listener ([Parameters]), the second the HTTP one ([HTTPServer]). The cost
    # estimator is off, as docs/REMOTE.md advises: once the server holds a few thousand
    # articles it refuses, as estimated at 1,500 s, queries of an ingest that run in milliseconds.
    sed -e "s#/var/lib/virtuoso-opensource-7/db#$dir/db#g" \
        -e "0,/^ServerPort/s#^ServerPort.*#ServerPort = 127.0.0.1:$sql_port#" \
        -e "/^\[HTTPServer\]/,/^\[/s#^ServerPort.*#ServerPort = 127.0.0.1:$http_port#" \
        -e "s#^DefaultHost.*#DefaultHost = 127.0.0.1:$http_port#" \
        -e "s#^DirsAllowed.*#&, $dir/stage#" \
        -e "s#^MaxQueryCostEstimationTime.*#MaxQueryCostEstimationTime = 0#" \
        "$INI" >"$dir/virtuoso.ini"

    (cd "$dir/db" && exec virtuoso-t +foreground +configfile "$dir/virtuoso.ini" \
        >"$dir/virtuoso.out" 2>&1) &
    echo $! >"$dir/pid"

    local url="http://127.0.0.1:$http_port/sparql" waited=0
    until curl -sf -o /dev/null "$url?query=ASK%7B%7D"; do
        if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
            tail -5 "$dir/virtuoso.out" >&2 || true
            die "virtuoso-t exited during start-up (log: $dir/virtuoso.out)"
        fi
        if [ "$waited" -ge "$((STARTUP_SECONDS * 2))" ]; then
            stop "$dir"
            die "Virtuoso did not answer within $STARTUP_SECONDS s (log: $dir/virtuoso.out)"
        fi
        sleep 0.5
        waited=$((waited + 1))
    done

    # On stdin, so that the new password never shows in the process list.
    echo "USER_SET_PASSWORD('dba', '$password');" \
        | isql-vt "127.0.0.1:$sql_port" dba dba >"$dir/isql.out" 2>&1 \
        || { stop "$dir"; die "could not set the dba password (log: $dir/isql.out)"; }
    grep -q "Error" "$dir/isql.out" && { stop "$dir"; die "could not set the dba password (log: $dir/isql.out)"; }
    echo "NEWSGRAPH_TEST_VIRTUOSO=$url"
    echo "NEWSGRAPH_TEST_VIRTUOSO_PASSWORD=$password"
    echo "NEWSGRAPH_TEST_VIRTUOSO_STAGING=$dir/stage"
}

stop() {
    local dir=$1 pid
    [ -f "$dir/pid" ] || return 0
    pid=$(cat "$dir/pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        for _ in $(seq 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$dir/pid"
}

case "${1:-}" in
    start) start "${2:?usage: $0 start DIR}" ;;
    stop) stop "${2:?usage: $0 stop DIR}" ;;
    *) die "usage: $0 start DIR | stop DIR" ;;
esac
