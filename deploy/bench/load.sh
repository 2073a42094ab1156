#!/usr/bin/env bash
# Load test: hisgw serving the bundled demo hospital against a bare actix-web
# baseline that sends the same bytes without doing any work.
#
#   bash deploy/bench/load.sh
#
# What it does, in order:
#   1. builds release binaries: `hisgw` and the `bare_actix` baseline (crate hisgw-tools);
#   2. installs wrk with apt-get if it is missing (needs root or sudo);
#   3. starts `hisgw serve` on 127.0.0.1:$HISGW_PORT with a fresh temporary
#      --data-dir (so the demo SQLite database is created and seeded anew),
#      as in production: log level info (to a file), the audit trail on.
#      It serves two hospitals on the one demo database: `demo` as bundled,
#      and `cached`, the same with `cache_ttl_s = 30` for findAllDepartments
#      (the `cache` row); it waits until /healthz answers;
#   4. calls findAllDepartments and findOutpatientPay once each, prints the
#      answers and stops unless both are <result>success</result>;
#   5. starts the baseline on 127.0.0.1:$BARE_PORT, serving those very
#      answers as fixed bodies (same size, same content type, same actix
#      default worker count);
#   6. for each method, runs wrk (after a short warm-up) against hisgw
#      (findAllDepartments also against `cached`) and then against the
#      baseline, sampling each server's VmRSS every 0.2 s from
#      /proc/PID/status while wrk runs, and VmRSS/VmHWM after;
#   7. prints a summary table — each row's share of the baseline's req/s for
#      the same bytes — and how many calls waited for the audit writer (no record is ever dropped), and
#      removes its temporary files. Both servers are stopped on exit,
#      whatever the exit path.
#
# All traffic goes to 127.0.0.1. wrk runs on the same machine and competes
# with the servers for CPU, so compare rows with each other, not with
# numbers measured elsewhere.
#
# Settings (environment):
#   DURATION=15s     wrk duration per measured run
#   WARMUP=3s        wrk warm-up before each measured run (0 to skip)
#   THREADS=2        wrk threads (-t)
#   CONNECTIONS=64   wrk connections (-c)
#   HISGW_PORT=18280 port for hisgw
#   BARE_PORT=18281  port for the baseline
#   ADMIN_PORT=18282 hisgw's admin listener (for /metrics)
#   SKIP_BUILD=1     use the binaries already in target/release
#   RUST_LOG         hisgw's log filter (default info: one line per call, as in production)
#   HISGW_CONFIG     a settings file to serve instead of the bundled SQLite demo,
#                    e.g. deploy/mssql-demo/hisgw.toml for the demo on SQL Server
#                    (load it first: see deploy/mssql-demo/README.md)
#
# Output: the first answer of each method, one block of wrk output per run
# and the summary table (target, req/s, share of the baseline, p50, p99, RSS
# before the run, max VmRSS sampled during it, VmRSS after it, VmHWM after
# it, non-2xx/errors).

set -euo pipefail

DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-3s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
HISGW_PORT=${HISGW_PORT:-18280}
BARE_PORT=${BARE_PORT:-18281}
ADMIN_PORT=${ADMIN_PORT:-18282}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LUA="$HERE/post.lua"
cd "$ROOT"

METHODS=(findAllDepartments findOutpatientPay)
declare -A BODY=(
    [findAllDepartments]='<request></request>'
    [findOutpatientPay]='<request><realName>李明</realName><patientCard>12345678</patientCard></request>'
)

die() {
    echo "load.sh: $*" >&2
    exit 1
}

# ---------------------------------------------------------------- cleanup
WORK=$(mktemp -d -t hisgw-load.XXXXXX)
HISGW_PID=
BARE_PID=
WRK_PID=

stop() {
    local pid=$1
    [[ -n $pid ]] || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop "$WRK_PID"
    stop "$BARE_PID"
    stop "$HISGW_PID"
    wait 2>/dev/null || true
    if [[ $status -ne 0 && -f $WORK/hisgw.log ]]; then
        echo "--- last lines of the hisgw log ($WORK/hisgw.log) ---" >&2
        tail -n 20 "$WORK/hisgw.log" >&2
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ tools
command -v curl >/dev/null || die "curl is required"
command -v cargo >/dev/null || die "cargo is required"

if ! command -v wrk >/dev/null; then
    echo "== installing wrk"
    SUDO=
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || die "wrk is missing and neither root nor sudo is available"
        SUDO=sudo
    fi
    $SUDO apt-get install -y wrk >/dev/null 2>&1 \
        || { $SUDO apt-get update -qq && $SUDO apt-get install -y wrk >/dev/null; } \
        || die "apt-get could not install wrk"
    command -v wrk >/dev/null || die "wrk is still missing after apt-get"
fi

if [[ -z ${SKIP_BUILD:-} ]]; then
    echo "== building release binaries"
    cargo build --release -p hisgw --bin hisgw -p hisgw-tools --bin bare_actix
fi
HISGW_BIN=$ROOT/target/release/hisgw
BARE_BIN=$ROOT/target/release/bare_actix
[[ -x $HISGW_BIN ]] || die "$HISGW_BIN not built"
[[ -x $BARE_BIN ]] || die "$BARE_BIN not built"

# ---------------------------------------------------------------- helpers

# HTTP status of a request to 127.0.0.1:PORT/PATH, or 000 when nothing answers.
http_status() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" || true
}

port_free() {
    [[ $(http_status "http://127.0.0.1:$1/") == 000 ]]
}

# wait_up NAME PID PORT PATH METHOD: until the server answers anything at all
# (at most 60 s), failing early if its process has exited.
wait_up() {
    local name=$1 pid=$2 port=$3 path=$4 method=$5
    for _ in $(seq 1 120); do
        kill -0 "$pid" 2>/dev/null || die "$name exited while starting"
        if [[ $(http_status -X "$method" "http://127.0.0.1:$port$path") != 000 ]]; then
            return 0
        fi
        sleep 0.5
    done
    die "$name did not answer on 127.0.0.1:$port within 60 s"
}

post() {
    curl -sS --max-time 10 -X POST -H 'Content-Type: application/xml; charset=utf-8' \
        --data-binary "$2" "http://127.0.0.1:$1/api/demo/$3"
}

# proc_kb PID FIELD: a VmRSS/VmHWM value in kB, or 0 when unreadable.
proc_kb() {
    awk -v f="$2:" '$1 == f { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/status" 2>/dev/null || echo 0
}

mb() {
    awk -v kb="$1" 'BEGIN { printf "%.1f MB", kb / 1024 }'
}

ROWS=()

declare -A RPS=()

# measure LABEL PID PORT METHOD [HOSPITAL]: warm-up, then one measured wrk
# run while sampling PID's VmRSS; appends a row to ROWS.
measure() {
    local label=$1 pid=$2 port=$3 method=$4 hospital=${5:-demo}
    local url="http://127.0.0.1:$port/api/$hospital/$method"
    local out="$WORK/wrk-$label-$method.txt"
    export WRK_BODY=${BODY[$method]}

    if [[ $WARMUP != 0 && $WARMUP != 0s ]]; then
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$LUA" "$url" >/dev/null
    fi
    local before max=0 rss
    before=$(proc_kb "$pid" VmRSS)

    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$LUA" "$url" >"$out" 2>&1 &
    WRK_PID=$!
    # Bounded: wrk stops itself after DURATION; 3000 samples = 10 minutes.
    for _ in $(seq 1 3000); do
        kill -0 "$WRK_PID" 2>/dev/null || break
        rss=$(proc_kb "$pid" VmRSS)
        ((rss > max)) && max=$rss
        sleep 0.2
    done
    if kill -0 "$WRK_PID" 2>/dev/null; then
        die "wrk still running after 10 minutes"
    fi
    wait "$WRK_PID" || die "wrk failed: $(cat "$out")"
    WRK_PID=
    sleep 1
    kill -0 "$pid" 2>/dev/null || die "$label died during the run"
    local after hwm
    after=$(proc_kb "$pid" VmRSS)
    hwm=$(proc_kb "$pid" VmHWM)

    echo "--- $label $method ($DURATION, -t$THREADS -c$CONNECTIONS)"
    cat "$out"

    local rps p50 p99 bad errors
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    p50=$(awk '$1 == "50%" { print $2 }' "$out")
    p99=$(awk '$1 == "99%" { print $2 }' "$out")
    bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    errors=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out")
    [[ -n $rps && -n $p50 && -n $p99 ]] || die "cannot read wrk's output for $label $method"
    RPS[$label/$method]=$rps
    ROWS+=("$label|$method|$(printf '%9s %9s %10s %12s %10s %10s %10s' \
        "$p50" "$p99" \
        "$(mb "$before")" "$(mb "$max")" "$(mb "$after")" "$(mb "$hwm")" "${bad:-0}/${errors:-0}")")
}

# ------------------------------------------------------------------ hisgw
port_free "$HISGW_PORT" || die "something already answers on 127.0.0.1:$HISGW_PORT (set HISGW_PORT)"
port_free "$BARE_PORT" || die "something already answers on 127.0.0.1:$BARE_PORT (set BARE_PORT)"

echo "== starting hisgw on 127.0.0.1:$HISGW_PORT (data dir $WORK/data)"
mkdir -p "$WORK/data" "$WORK/bodies"
CONFIG_ARGS=()
if [ -n "${HISGW_CONFIG:-}" ]; then
    CONFIG_ARGS=(--config "$HISGW_CONFIG")
    echo "   serving the hospitals of $HISGW_CONFIG"
fi
if [ -z "${HISGW_CONFIG:-}" ]; then
    # The bundled demo, and the same hospital with findAllDepartments cached.
    for id in demo cached; do
        mkdir -p "$WORK/mappings/$id"
        sed -e "s|^id = \"demo\"|id = \"$id\"\nsql_dir = \"$ROOT/mappings/demo\"|" \
            -e "s|\.\./\.\./sql/|$ROOT/sql/|g" mappings/demo/hospital.toml >"$WORK/mappings/$id/hospital.toml"
    done
    printf '\n[methods.findAllDepartments]\ncache_ttl_s = 30\n' >>"$WORK/mappings/cached/hospital.toml"
    export HISGW_MAPPINGS_DIR=$WORK/mappings
fi
HISGW_ADMIN_LISTEN=127.0.0.1:$ADMIN_PORT RUST_LOG=${RUST_LOG:-info} "$HISGW_BIN" serve "${CONFIG_ARGS[@]}" --listen "127.0.0.1:$HISGW_PORT" --data-dir "$WORK/data" \
    >"$WORK/hisgw.log" 2>&1 &
HISGW_PID=$!
wait_up hisgw "$HISGW_PID" "$HISGW_PORT" /healthz GET
echo "hisgw pid $HISGW_PID, idle VmRSS $(mb "$(proc_kb "$HISGW_PID" VmRSS)")"

for method in "${METHODS[@]}"; do
    answer=$(post "$HISGW_PORT" "${BODY[$method]}" "$method") || die "hisgw $method: no answer"
    printf '%s' "$answer" >"$WORK/bodies/$method.xml"
    echo "--- hisgw $method: $(wc -c <"$WORK/bodies/$method.xml") bytes"
    echo "$answer"
    [[ $answer == *"<result>success</result>"* ]] || die "hisgw $method did not answer <result>success</result>"
done

# --------------------------------------------------------------- baseline
echo "== starting bare_actix on 127.0.0.1:$BARE_PORT with hisgw's answers as fixed bodies"
"$BARE_BIN" "$BARE_PORT" "$WORK/bodies" >"$WORK/bare.log" 2>&1 &
BARE_PID=$!
wait_up bare_actix "$BARE_PID" "$BARE_PORT" /api/demo/findAllDepartments POST
for method in "${METHODS[@]}"; do
    answer=$(post "$BARE_PORT" "${BODY[$method]}" "$method") || die "bare_actix $method: no answer"
    cmp -s <(printf '%s' "$answer") "$WORK/bodies/$method.xml" || die "bare_actix $method: body differs from hisgw's"
done

# ------------------------------------------------------------------- runs
echo "== measuring: wrk -t$THREADS -c$CONNECTIONS -d$DURATION (warm-up $WARMUP), $(nproc) CPUs"
for method in "${METHODS[@]}"; do
    measure hisgw "$HISGW_PID" "$HISGW_PORT" "$method"
    if [[ -z ${HISGW_CONFIG:-} && $method == findAllDepartments ]]; then
        measure hisgw-cache "$HISGW_PID" "$HISGW_PORT" "$method" cached
    fi
    measure baseline "$BARE_PID" "$BARE_PORT" "$method"
done

echo
echo "== summary (wrk -t$THREADS -c$CONNECTIONS -d$DURATION on $(nproc) CPUs; RSS of the server process)"
printf '%-12s %-20s %10s %7s %9s %9s %10s %12s %10s %10s %10s\n' \
    target method req/s share p50 p99 "RSS before" "max RSS run" "RSS after" VmHWM "non2xx/err"
for row in "${ROWS[@]}"; do
    IFS='|' read -r label method rest <<<"$row"
    rps=${RPS[$label/$method]}
    base=${RPS[baseline/$method]:-}
    share=$(awk -v a="$rps" -v b="$base" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b; else print "-" }')
    printf '%-12s %-20s %10s %7s %s\n' "$label" "$method" "$rps" "$share" "$rest"
done
waits=$(curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" 2>/dev/null | awk '/^hisgw_audit_waits_total/ { print $2 }')
echo "calls that waited for the audit writer: ${waits:-unknown (no audit trail, or no admin listener on $ADMIN_PORT)} (no record is dropped)"
