# Sourced by driver.sh and rush.sh: start hisgw in the background, wait until
# /healthz answers (at most 60 s), and stop it — with its temporary folder —
# on exit, whatever the exit path.
#
#   WORK=$(mktemp -d); HISGW_PID=
#   source "$HERE/serve.sh"
#   start_hisgw PORT [hisgw serve arguments...]      # log in $WORK/hisgw.log

cleanup() {
    local status=$?
    if [[ -n ${HISGW_PID:-} ]]; then
        kill "$HISGW_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$HISGW_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$HISGW_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT

start_hisgw() {
    local port=$1
    shift
    RUST_LOG=${RUST_LOG:-info} target/release/hisgw serve --listen "127.0.0.1:$port" "$@" \
        >"$WORK/hisgw.log" 2>&1 &
    HISGW_PID=$!
    for _ in $(seq 1 120); do
        kill -0 "$HISGW_PID" 2>/dev/null || { tail -n 20 "$WORK/hisgw.log" >&2; exit 1; }
        curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/healthz" && return 0
        sleep 0.5
    done
    echo "hisgw did not answer on 127.0.0.1:$port within 60 s" >&2
    exit 1
}
