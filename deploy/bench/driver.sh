#!/usr/bin/env bash
# hisgw against the database's own limit: the same mapping SQL run straight
# through the same driver with the same pool size (the `driver_baseline`
# tool: rusqlite for SQLite, tiberius for SQL Server; no HTTP), then hisgw
# answering the same method over HTTP (wrk), and hisgw's share of it.
#
#   bash deploy/bench/driver.sh                      # the SQLite demo
#   HISGW_CONFIG=deploy/mssql-demo/hisgw.toml bash deploy/bench/driver.sh
#                                                    # the demo on SQL Server
#                                                    # (load it first: deploy/mssql-demo/README.md)
#
# Settings (environment): DURATION=15 (seconds per run), CONNECTIONS=64
# (wrk connections, and the baseline's concurrent callers), HISGW_PORT=18290,
# SKIP_BUILD=1, RUST_LOG (default info, as in production; the audit trail
# is on). Both rows run one after the other on the same machine.

set -euo pipefail

DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-64}
HISGW_PORT=${HISGW_PORT:-18290}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

METHODS=(findAllDepartments findOutpatientPay)
declare -A BODY=(
    [findAllDepartments]='<request></request>'
    [findOutpatientPay]='<request><realName>李明</realName><patientCard>12345678</patientCard></request>'
)

WORK=$(mktemp -d -t hisgw-driver.XXXXXX)
HISGW_PID=
source "$HERE/serve.sh"

command -v wrk >/dev/null || { echo "driver.sh: wrk is required (apt-get install wrk; load.sh installs it)" >&2; exit 1; }
if [[ -z ${SKIP_BUILD:-} ]]; then
    cargo build --release -p hisgw --bin hisgw -p hisgw-tools --bin driver_baseline
fi

if [[ -n ${HISGW_CONFIG:-} ]]; then
    CONFIG_ARGS=(--config "$HISGW_CONFIG")
    HOSPITAL_DIR=$(dirname "$HISGW_CONFIG")/mappings/demo
else
    CONFIG_ARGS=()
    HOSPITAL_DIR=mappings/demo
fi

start_hisgw "$HISGW_PORT" "${CONFIG_ARGS[@]}" --data-dir "$WORK/data"

ROWS=()
for method in "${METHODS[@]}"; do
    url="http://127.0.0.1:$HISGW_PORT/api/demo/$method"
    answer=$(curl -sS --max-time 10 -X POST -H 'Content-Type: application/xml; charset=utf-8' \
        --data-binary "${BODY[$method]}" "$url")
    [[ $answer == *"<result>success</result>"* ]] || { echo "driver.sh: $method: $answer" >&2; exit 1; }

    # The driver alone, on the database hisgw serves (the SQLite demo file
    # hisgw created in its data directory; the SQL Server of the config).
    base=$(target/release/driver_baseline "$HOSPITAL_DIR" "$method" "$WORK/data" "$DURATION" \
        "$CONNECTIONS" "${BODY[$method]}" 2>/dev/null | tail -n 1)
    echo "--- driver $method: $base"

    export WRK_BODY=${BODY[$method]}
    wrk -t2 -c"$CONNECTIONS" -d3s -s "$HERE/post.lua" "$url" >/dev/null
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$HERE/post.lua" "$url")
    echo "--- hisgw $method"
    echo "$out"
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    base_rps=$(awk '{ print $2 }' <<<"$base")
    base_p99=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "p99") print $(i + 1) " ms" }' <<<"$base")
    share=$(awk -v a="$rps" -v b="$base_rps" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b; else print "-" }')
    ROWS+=("$(printf '%-20s %12s %12s %10s %12s %12s' "$method" "$base_rps" "$rps" "$share" "$base_p99" "$p99")")
done

echo
echo "== hisgw against the driver alone (same SQL, same pool size; $CONNECTIONS callers, ${DURATION}s, $(nproc) CPUs)"
printf '%-20s %12s %12s %10s %12s %12s\n' method "driver/s" "hisgw req/s" share "driver p99" "hisgw p99"
printf '%s\n' "${ROWS[@]}"
