# Shared parts of the benchmarks: tools, the server under test, wrk figures, the pgbench reference.
# Sourced by bench/*.sh after they set DB, OUT, CLIENTS and PG_ARGS.

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench: installing $2"; apt-get install -y -q "$2" >/dev/null; }; }

bench_tools() {
  need wrk wrk
  need pgbench postgresql-contrib
  need psql postgresql-client
}

pg() { psql "${PG_ARGS[@]}" -d "$DB" "$@"; }

# Vacuums and analyzes the benchmark database, so that every measured run starts from the same
# state whether or not the server runs autovacuum (it is off on some of our machines, and a job
# table that is never vacuumed fills with dead rows that every claim has to step over).
# The job table's indexes are rebuilt too: vacuumed while nearly empty, their hundreds of pages from
# the warm-up make the planner read the whole table for every job's claim and delete (Ordo's own
# jobs:table-maintenance does the same within 30 s, but the measured window would start in the trap).
settle_database() {
  echo "bench: vacuum (analyze) of $DB (autovacuum is $(pg -tAc 'show autovacuum') on this server)"
  pg -qc "vacuum (analyze)"
  if [ "$(pg -tAc "select to_regclass('scheduled_tasks') is not null")" = t ]; then
    pg -qc "reindex table scheduled_tasks"
  fi
}

server_pid=""
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; }

# Starts Ordo on the PostgreSQL database $DB unless ORDO_URL points at a running server; extra
# arguments go to the server. Sets ORDO_URL and ORDO_TOKEN.
start_server() {
  if [ -z "${ORDO_URL:-}" ]; then
    if ! psql "${PG_ARGS[@]}" -d postgres -tAc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
      psql "${PG_ARGS[@]}" -d postgres -qc "create database $DB"
    fi
    ORDO_URL=http://127.0.0.1:${BENCH_PORT:-8601}
    ORDO_TOKEN=${ORDO_TOKEN:-bench-admin-token-0123456789}
    ./ordo build >/dev/null
    echo "bench: starting Ordo on PostgreSQL database $DB ($ORDO_URL), log in $OUT/server.log"
    trap stop_server EXIT
    "$(./ordo java-home)/bin/java" ${BENCH_JAVA_OPTS:--Xms1g -Xmx1g} -jar target/ordo.jar \
      --server.port="${ORDO_URL##*:}" \
      --spring.datasource.url="jdbc:postgresql://${BENCH_PG_HOST:-127.0.0.1}:${BENCH_PG_PORT:-5432}/$DB?reWriteBatchedInserts=true" \
      --spring.datasource.username="${BENCH_PG_USER:-postgres}" --spring.datasource.password= \
      --ordo.security.admin-token="$ORDO_TOKEN" --ordo.data-dir="$OUT/data" \
      --logging.level.root=WARN "$@" >"$OUT/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 120); do
      curl -sf "$ORDO_URL/actuator/health" >/dev/null 2>&1 && break
      kill -0 "$server_pid" 2>/dev/null || { echo "bench: server died, see $OUT/server.log" >&2; exit 1; }
      sleep 1
    done
  fi
  : "${ORDO_TOKEN:?ORDO_TOKEN is needed with ORDO_URL}"
  curl -sf "$ORDO_URL/actuator/health" >/dev/null || { echo "bench: $ORDO_URL is not up" >&2; exit 1; }
}

millis() { # wrk latency token (e.g. 2.31ms, 850.00us, 1.20s) -> milliseconds
  awk -v t="$1" 'BEGIN {
    if (t ~ /us$/) { sub(/us$/, "", t); printf "%.2f", t / 1000 }
    else if (t ~ /ms$/) { sub(/ms$/, "", t); printf "%.2f", t }
    else if (t ~ /s$/) { sub(/s$/, "", t); printf "%.2f", t * 1000 }
  }'
}

percentile() { # wrk --latency output, percentile -> ms
  millis "$(awk -v p="$2%" '$1 == p { print $2 }' "$1")"
}

# pgbench, one-row insert per transaction at $CLIENTS clients for $1 seconds; prints commits/s last.
pg_reference() {
  echo >&2; echo "== PostgreSQL reference: pgbench, one-row insert per transaction, $CLIENTS clients, ${1}s" >&2
  pg -qc "create table if not exists bench_pg_reference (id bigserial primary key, v int not null, at timestamptz not null default now())"
  echo "insert into bench_pg_reference (v) values (1);" >"$OUT/pgbench.sql"
  pgbench "${PG_ARGS[@]}" -n -c "$CLIENTS" -j 2 -T "$1" -f "$OUT/pgbench.sql" "$DB" | tee "$OUT/pgbench.txt" >&2
  awk '/^tps = / { printf "%d", $3 }' "$OUT/pgbench.txt"
}

machine() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(pg -tAc 'select version()' | cut -d, -f1); autovacuum $(pg -tAc 'show autovacuum')"
}

ledger_breaks() { # accounts whose balance is not the sum of their records, or below -credit (SPEC B5)
  pg -tAc "
    select count(*) from wallet_account a
     where a.balance <> (select coalesce(sum(r.amount), 0) from wallet_record r where r.account_id = a.account_id)
        or a.balance + a.credit < 0"
}
