#!/usr/bin/env bash
# The slot-release rush: 2,000 connections asking for today's schedule at
# once (querySchedule, and queryRealtimeSchedule for every department of the
# demo), against the SQLite demo with both methods cached for TTL seconds.
# With the cache and its single flight, the HIS sees at most one query per
# distinct request per TTL, however many callers ask: the script reads how
# many calls reached the HIS database (`hisgw_his_calls_total` on /metrics)
# and fails when that is more than the bound.
#
#   bash deploy/bench/rush.sh
#
# Settings (environment): CONNECTIONS=2000, DURATION=15 (seconds), TTL=5
# (cache_ttl_s of both methods), HISGW_PORT=18300, ADMIN_PORT=18301,
# SKIP_BUILD=1, RUST_LOG (default info; the audit trail is on). Needs wrk
# (load.sh installs it) and `ulimit -n` above CONNECTIONS (raised here).

set -euo pipefail

CONNECTIONS=${CONNECTIONS:-2000}
DURATION=${DURATION:-15}
TTL=${TTL:-5}
HISGW_PORT=${HISGW_PORT:-18300}
ADMIN_PORT=${ADMIN_PORT:-18301}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

WORK=$(mktemp -d -t hisgw-rush.XXXXXX)
HISGW_PID=
source "$HERE/serve.sh"

command -v wrk >/dev/null || { echo "rush.sh: wrk is required (apt-get install wrk; load.sh installs it)" >&2; exit 1; }
ulimit -n $((CONNECTIONS + 1024)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[[ $(ulimit -n) -gt $CONNECTIONS ]] || { echo "rush.sh: ulimit -n is $(ulimit -n), below $CONNECTIONS connections" >&2; exit 1; }
if [[ -z ${SKIP_BUILD:-} ]]; then
    cargo build --release -p hisgw --bin hisgw
fi

# The bundled demo with both schedule reads cached.
mkdir -p "$WORK/mappings/demo"
sed -e "s|^id = \"demo\"|id = \"demo\"\nsql_dir = \"$ROOT/mappings/demo\"|" \
    -e "s|\.\./\.\./sql/|$ROOT/sql/|g" mappings/demo/hospital.toml >"$WORK/mappings/demo/hospital.toml"
printf '\n[methods.querySchedule]\ncache_ttl_s = %s\n\n[methods.queryRealtimeSchedule]\ncache_ttl_s = %s\n' \
    "$TTL" "$TTL" >>"$WORK/mappings/demo/hospital.toml"

HISGW_MAPPINGS_DIR=$WORK/mappings HISGW_ADMIN_LISTEN=127.0.0.1:$ADMIN_PORT \
    start_hisgw "$HISGW_PORT" --data-dir "$WORK/data"

# Today's departments, as the demo's own querySchedule lists them (this
# call is the HIS's first querySchedule query of the run).
export RUSH_DATE=$(date +%F)
schedule=$(curl -sS --max-time 10 -X POST -H 'Content-Type: application/xml' \
    --data-binary "<request><startDate>$RUSH_DATE</startDate><endDate>$RUSH_DATE</endDate></request>" \
    "http://127.0.0.1:$HISGW_PORT/api/demo/querySchedule")
RUSH_DEPARTMENTS=$(grep -o '<departmentCode>[^<]*</departmentCode>' <<<"$schedule" \
    | sed -e 's/<[^>]*>//g' | sort -u | paste -sd, -)
[[ -n $RUSH_DEPARTMENTS ]] || { echo "rush.sh: the demo lists no department today: $schedule" >&2; exit 1; }
export RUSH_DEPARTMENTS
distinct=$((1 + $(tr ',' '\n' <<<"$RUSH_DEPARTMENTS" | wc -l)))

his_calls() {
    curl -s --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics" \
        | awk -v m="$1" '$1 ~ "^hisgw_his_calls_total\\{hospital=\"demo\",method=\"" m "\"\\}" { print $2; f = 1 } END { if (!f) print 0 }'
}
before_schedule=$(his_calls querySchedule)
before_realtime=$(his_calls queryRealtimeSchedule)

echo "== rush: $CONNECTIONS connections for ${DURATION}s, $distinct distinct requests (querySchedule + queryRealtimeSchedule for $RUSH_DEPARTMENTS), cache_ttl_s = $TTL"
out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s "$HERE/rush.lua" \
    "http://127.0.0.1:$HISGW_PORT")
echo "$out"
schedule_calls=$(( $(his_calls querySchedule) - before_schedule ))
realtime_calls=$(( $(his_calls queryRealtimeSchedule) - before_realtime ))
his=$((schedule_calls + realtime_calls))
# A key's slot lives TTL seconds from its query: over DURATION seconds at
# most ceil(DURATION / TTL) + 1 queries per distinct request.
per_key=$(( (DURATION + TTL - 1) / TTL + 1 ))
bound=$((distinct * per_key))
rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
calls=$(awk '/requests in/ { print $1 }' <<<"$out")
p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
errors=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' <<<"$out")
echo
echo "== summary"
echo "calls answered:      $calls ($rps/s), p99 $p99, non-2xx ${bad:-0}, socket errors ${errors:-0}"
echo "HIS queries:         $his (querySchedule $schedule_calls, queryRealtimeSchedule $realtime_calls)"
echo "allowed at most:     $bound ($distinct distinct requests × $per_key TTL slots in ${DURATION}s)"
if ((his > bound)); then
    echo "rush.sh: the HIS saw more queries than one per distinct request per TTL" >&2
    exit 1
fi
