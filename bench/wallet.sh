#!/usr/bin/env bash
# Wallet benchmark (issue 2): deducts per second over HTTP against a running Ordo on PostgreSQL,
# spread over 10,000 accounts and on one hot account, 64 concurrent clients, 30 s each, with p50/p99;
# then the PostgreSQL reference in the same run: pgbench, one-row-insert transactions, 64 clients.
#
#   bench/wallet.sh                 starts Ordo itself on the database ordo_bench (created if missing)
#   ORDO_URL=http://host:8600 ORDO_TOKEN=... bench/wallet.sh   uses a server already running on PostgreSQL
#   bench/wallet.sh --name=value   arguments go to the server it starts
#
# Environment: BENCH_CLIENTS (64), BENCH_SECONDS (30), BENCH_PG_HOST / BENCH_PG_PORT / BENCH_PG_USER
# (the PostgreSQL server, for seeding and pgbench: 127.0.0.1, 5432, postgres), BENCH_DB (ordo_bench).
# The last line is: wallet_deducts_per_s=N hot_account_deducts_per_s=N p99_ms=N pg_commits_per_s=N
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${BENCH_CLIENTS:-64}
SECONDS_EACH=${BENCH_SECONDS:-30}
DB=${BENCH_DB:-ordo_bench}
PG_ARGS=(-h "${BENCH_PG_HOST:-127.0.0.1}" -p "${BENCH_PG_PORT:-5432}" -U "${BENCH_PG_USER:-postgres}")
RUN_ID=$(date +%s)
OUT=bench/out/wallet-$RUN_ID
mkdir -p "$OUT"

source bench/lib.sh
bench_tools
start_server "$@"

accounts=$(pg -tAc "select count(*) from wallet_account where ident = 'bench' and account_group = 'spread'")
if [ "$accounts" -lt 10000 ]; then
  echo "bench: seeding 10,000 accounts and 500,000 records"
  pg -q -v ON_ERROR_STOP=1 -f bench/wallet-seed.sql
fi
volume=$(pg -tAc "select count(*) from wallet_record")
echo "bench: database $DB holds $volume wallet records"

# Warm up the JVM before measuring: on two cores the JIT compiler of a fresh JVM is still busy after
# half a minute of load (a profile 10 s into the load had 38 % of the JVM's CPU in C2, and the spread
# case ran at a third of its later rate), so give it a minute, both cases.
echo "bench: warming up (45 s spread, 15 s hot)"
for mode_seconds in spread:45 hot:15; do
  ORDO_TOKEN=$ORDO_TOKEN BENCH_MODE=${mode_seconds%:*} BENCH_RUN="warm$RUN_ID" \
    wrk -t2 -c"$CLIENTS" -d"${mode_seconds#*:}s" -s bench/deduct.lua "$ORDO_URL" >/dev/null
done
settle_database

measure() { # mode -> writes $OUT/<mode>.txt
  ORDO_TOKEN=$ORDO_TOKEN BENCH_MODE=$1 BENCH_RUN=$RUN_ID \
    wrk -t2 -c"$CLIENTS" -d"${SECONDS_EACH}s" --latency -s bench/deduct.lua "$ORDO_URL" | tee "$OUT/$1.txt"
}
deducts_per_s() { # mode -> deducts of this run per second, counted in the database (not from wrk's answers)
  pg -tAc "select count(*) from wallet_record where trade_no like '$1-$RUN_ID-%'" |
    awk -v secs="$SECONDS_EACH" '{ printf "%d", $1 / secs }'
}
echo; echo "== deducts spread over 10,000 accounts, $CLIENTS clients, ${SECONDS_EACH}s"
measure spread
echo; echo "== deducts on one hot account, $CLIENTS clients, ${SECONDS_EACH}s"
measure hot

pg=$(pg_reference "$SECONDS_EACH")

# The ledger must still hold after the load.
breaks=$(ledger_breaks)

spread=$(deducts_per_s spread)
hot=$(deducts_per_s hot)
spread_p50=$(percentile "$OUT/spread.txt" 50); spread_p99=$(percentile "$OUT/spread.txt" 99)
hot_p50=$(percentile "$OUT/hot.txt" 50); hot_p99=$(percentile "$OUT/hot.txt" 99)
p99=$(awk -v a="$spread_p99" -v b="$hot_p99" 'BEGIN { printf "%.1f", (a > b ? a : b) }')

echo
machine
echo "spread: ${spread} deducts/s, p50 ${spread_p50} ms, p99 ${spread_p99} ms"
echo "hot:    ${hot} deducts/s, p50 ${hot_p50} ms, p99 ${hot_p99} ms"
echo "pgbench one-row insert: ${pg} commits/s; ledger breaks after the run: ${breaks}"
echo "wallet_deducts_per_s=${spread} hot_account_deducts_per_s=${hot} p99_ms=${p99} pg_commits_per_s=${pg}"
# The figures are printed either way; a run after which the ledger does not hold fails.
if [ "$breaks" != 0 ]; then
  echo "bench: LEDGER BROKEN after the run: ${breaks} accounts" >&2
  exit 1
fi
