#!/usr/bin/env bash
# The console's pages over a year of audit records.
#
#   bash deploy/bench/console.sh
#
# What it does, in order:
#   1. builds the release `hisgw`;
#   2. writes an audit trail into a fresh temporary data directory with
#      Python's sqlite3: $YEAR records spread over the last 365 days, then
#      $HOUR records in the last hour (360,000 = 100 calls/s);
#   3. starts `hisgw serve` on the bundled demo with that data directory
#      (the first start builds the trail's indexes: that is timed too) and
#      waits until the admin listener answers;
#   4. asks each console page $RUNS times with curl and prints the fastest
#      and the slowest time of each;
#   5. stops the gateway and removes the data directory, whatever the exit
#      path.
#
# Settings (environment): YEAR=3000000 HOUR=360000 RUNS=3
#   HISGW_PORT=18380 ADMIN_PORT=18381
set -euo pipefail
cd "$(dirname "$0")/../.."
YEAR=${YEAR:-3000000}
HOUR=${HOUR:-360000}
RUNS=${RUNS:-3}
HISGW_PORT=${HISGW_PORT:-18380}
ADMIN_PORT=${ADMIN_PORT:-18381}

cargo build --release -p hisgw -q
data=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

echo "writing $YEAR records over a year and $HOUR in the last hour…"
python3 - "$data/audit.sqlite" "$YEAR" "$HOUR" <<'EOF'
import datetime, random, sqlite3, sys
path, year, hour = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = sqlite3.connect(path)
c.executescript("""PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
 request_id TEXT, hospital TEXT, direction TEXT, transport TEXT, method TEXT,
 trade_no TEXT, outcome TEXT, status INTEGER, duration_ms REAL,
 request TEXT, response TEXT, source TEXT NOT NULL DEFAULT '');""")
now = datetime.datetime.now()
methods = ['findAllDepartments', 'querySchedule', 'findOutpatientPay',
           'outpatientPay', 'insertRegister', 'checkPatientCard']
def rows(n, start, span_s, tag):
    for i in range(n):
        at = start + datetime.timedelta(seconds=span_s * i / n)
        m = random.choice(methods)
        yield (at.strftime('%Y-%m-%d %H:%M:%S.000'), f"{tag}{i}", 'demo', 'in', 'rest', m,
               f"EH{tag}{i}" if m == 'outpatientPay' else None,
               'success' if random.random() > 0.02 else 'error', 200, random.random() * 20,
               'patientCard=****4567; realName=张*', 'result=success; message=', '10.1.2.3')
insert = ("INSERT INTO audit (at, request_id, hospital, direction, transport, method, trade_no,"
          " outcome, status, duration_ms, request, response, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
c.executemany(insert, rows(year, now - datetime.timedelta(days=365), 365 * 86400 - 3600, 'y'))
c.executemany(insert, rows(hour, now - datetime.timedelta(seconds=3590), 3580, 'h'))
c.commit()
EOF

started=$(date +%s.%N)
HISGW_DATA_DIR="$data" HISGW_LISTEN="127.0.0.1:$HISGW_PORT" HISGW_ADMIN_LISTEN="127.0.0.1:$ADMIN_PORT" \
  target/release/hisgw serve >"$data/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  curl -s -o /dev/null "http://127.0.0.1:$ADMIN_PORT/console" && break
  sleep 0.2
done
printf 'first start with that trail: %.1f s\n' "$(echo "$(date +%s.%N) - $started" | bc)"

year_ago=$(date -d '365 days ago' +%Y-%m-%d)
printf '%-60s %10s %10s\n' page fastest slowest
for page in \
  "/console" \
  "/console/calls" \
  "/console/calls?method=outpatientPay" \
  "/console/calls?from=$year_ago&method=insertRegister" \
  "/console/calls?trade_no=EHy12345" \
  "/console/calls?result=error" \
  "/console/calls?from=$year_ago&result=error&transport=soap" \
  "/console/calls/1500000" \
  "/console/payments" \
  "/console/mappings" \
  "/console/try?hospital=demo&method=findAllDepartments" \
  "/console/outbox"; do
  times=$(for _ in $(seq 1 "$RUNS"); do
    curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$ADMIN_PORT$page"
  done | sort -n)
  printf '%-60s %9.4fs %9.4fs\n' "$page" "$(echo "$times" | head -1)" "$(echo "$times" | tail -1)"
done
