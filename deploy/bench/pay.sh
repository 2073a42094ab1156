#!/usr/bin/env bash
# Payment-path load test: hisgw serving the demo hospital books COUNT
# distinct prePayExpense notifications (every tenth sent twice at once, as
# the platform's retries are) from CONCURRENCY connections; afterwards the
# answers are reconciled against the ledger through 13.2 GetChecLedgerDetail
# (no duplicate, no loss, same amounts). Exits non-zero on any difference.
#
#   bash deploy/bench/pay.sh
#
# Settings (environment): COUNT=10000 CONCURRENCY=64 HISGW_PORT=18290
# SKIP_BUILD=1 (use target/release as it is) HISGW_CONFIG (a settings file
# instead of the bundled SQLite demo, e.g. deploy/mssql-demo/hisgw.toml;
# that database must be loaded and migrated first: deploy/mssql-demo/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${COUNT:-10000}
CONCURRENCY=${CONCURRENCY:-64}
PORT=${HISGW_PORT:-18290}
if [ -z "${SKIP_BUILD:-}" ]; then
    cargo build --release -q -p hisgw --bin hisgw -p hisgw-tools --bin pay_load
fi
DATA=$(mktemp -d)
ARGS=(serve --listen "127.0.0.1:$PORT" --data-dir "$DATA")
if [ -n "${HISGW_CONFIG:-}" ]; then ARGS+=(--config "$HISGW_CONFIG"); fi
RUST_LOG=${RUST_LOG:-warn} ./target/release/hisgw "${ARGS[@]}" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
./target/release/pay_load "http://127.0.0.1:$PORT/api/demo" "$COUNT" "$CONCURRENCY"
echo "hisgw memory: $(grep -E 'VmHWM' /proc/$PID/status | tr -s ' ')"
