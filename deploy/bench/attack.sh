#!/usr/bin/env bash
# The three numbers of the hardening work (issue 13), on this machine, with
# release binaries and the bundled SQLite demo:
#
#   1. resident memory of one gateway while 200 connections each announce a
#      1 MiB body, send 900 KiB of it and stop (tools: slow_bodies), once
#      they are answered (408), and 30 s after they are closed;
#   2. the size of /metrics after 20,000 calls to random hospital ids;
#   3. how long the process takes to exit after one SIGTERM, over 20 starts.
#
#   deploy/bench/attack.sh            # builds release binaries first
#   SKIP_BUILD=1 deploy/bench/attack.sh
#
# Settings: PORT=18380, ADMIN_PORT=18381, CONNECTIONS=200, RUNS=20,
# RUST_LOG (default warn). Everything listens on 127.0.0.1 only.

set -euo pipefail

PORT=${PORT:-18380}
ADMIN_PORT=${ADMIN_PORT:-18381}
CONNECTIONS=${CONNECTIONS:-200}
RUNS=${RUNS:-20}
export RUST_LOG=${RUST_LOG:-warn}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

die() {
    echo "attack.sh: $*" >&2
    exit 1
}

WORK=$(mktemp -d -t hisgw-attack.XXXXXX)
PID=
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    [[ -n $PID ]] && kill -9 "$PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v curl >/dev/null || die "curl is required"
if [[ -z ${SKIP_BUILD:-} ]]; then
    echo "== building release binaries"
    cargo build --release -p hisgw --bin hisgw -p hisgw-tools --bin slow_bodies
fi
BIN=$ROOT/target/release/hisgw
SLOW=$ROOT/target/release/slow_bodies
[[ -x $BIN && -x $SLOW ]] || die "release binaries missing"

# start: a gateway on a fresh data directory, up within 60 s; sets PID.
start() {
    rm -rf "$WORK/data"
    HISGW_ADMIN_LISTEN=127.0.0.1:$ADMIN_PORT "$BIN" serve --listen "127.0.0.1:$PORT" \
        --data-dir "$WORK/data" >"$WORK/hisgw.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 600); do
        kill -0 "$PID" 2>/dev/null || die "hisgw exited while starting: $(tail -5 "$WORK/hisgw.log")"
        [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$ADMIN_PORT/healthz" || true) == 200 ]] && return 0
        sleep 0.1
    done
    die "hisgw did not start within 60 s"
}

# stop_timed: SIGTERM, then the milliseconds until the process is gone (at
# most 30 s, then SIGKILL and a failure).
stop_timed() {
    local t0 t1
    t0=$(date +%s%N)
    kill -TERM "$PID"
    for _ in $(seq 1 3000); do
        if ! kill -0 "$PID" 2>/dev/null; then
            wait "$PID" 2>/dev/null || true
            t1=$(date +%s%N)
            PID=
            echo $(((t1 - t0) / 1000000))
            return 0
        fi
        sleep 0.01
    done
    kill -9 "$PID" 2>/dev/null || true
    PID=
    echo "timeout"
}

echo "== 1. $CONNECTIONS stalled 1 MiB bodies"
start
"$SLOW" "127.0.0.1:$PORT" "$PID" "$CONNECTIONS"
curl -s -o /dev/null -w 'a call afterwards: %{http_code}\n' -X POST --data-binary '<request/>' \
    "http://127.0.0.1:$PORT/api/demo/findAllDepartments"
stop_timed >/dev/null

echo "== 2. /metrics after 20,000 calls to random hospital ids"
start
before=$(curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | wc -c)
# 20,000 distinct ids: the line number makes each unique.
awk -v port="$PORT" '{ printf "url = \"http://127.0.0.1:%s/api/h%d-%d/FINDalldepartments\"\nrequest = \"POST\"\ndata = \"<request/>\"\noutput = \"/dev/null\"\n", port, NR, int(rand() * 1000000) }' \
    <(seq 1 20000) >"$WORK/urls.cfg"
curl -s --parallel --parallel-max 32 -K "$WORK/urls.cfg"
after=$(curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | wc -c)
unknown=$(curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | grep -c 'hospital="unknown"' || true)
echo "/metrics: $before bytes before, $after bytes after ($unknown series labelled hospital=\"unknown\")"
stop_timed >/dev/null

echo "== 3. exit after one SIGTERM, $RUNS runs"
times=()
for run in $(seq 1 "$RUNS"); do
    start
    # A little traffic first, so the workers and pools are in use.
    for _ in 1 2 3; do
        curl -s -o /dev/null -X POST --data-binary '<request/>' "http://127.0.0.1:$PORT/api/demo/findAllDepartments"
    done
    ms=$(stop_timed)
    [[ $ms == timeout ]] && die "run $run: still running 30 s after SIGTERM"
    times+=("$ms")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "exit after SIGTERM: min %d ms, median %d ms, max %d ms over %d runs\n", a[1], a[int((NR + 1) / 2)], a[NR], NR }'
