#!/usr/bin/env bash
# What the capture trigger costs a user's write, in CPU instructions (deterministic, unlike
# throughput on a shared machine): a throwaway PostgreSQL cluster with the tools installed from
# sql/src/main/resources/db/lizsync, a 100 000-row table, and a procedure of N committed
# single-row UPDATEs run by a single-user backend under valgrind (callgrind), with and without
# the trigger. Instructions per UPDATE = (count at N - count at 0) / N.
#   scripts/capture-cost.sh          N = 2000, the tools as they are now
#   scripts/capture-cost.sh 2000 4   the tools up to version 4 (to compare with an earlier trigger)
# Installs valgrind from Debian's packages if it is missing (root or sudo). Not part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-2000}"
UP_TO="${2:-}"
PG_BIN="${LIZSYNC_PG_BIN:-/usr/lib/postgresql/15/bin}"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "capture-cost: need root (or sudo) to run: $*" >&2; exit 1; fi
}
scripts/setup.sh --no-build
if ! command -v valgrind >/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
fi

work=$(mktemp -d /tmp/lizsync-capture-cost.XXXXXX)
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$work/data" stop -m immediate >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT

"${as_pg[@]}" "$PG_BIN/initdb" -D "$work/data" --no-sync -A trust -U postgres >/dev/null
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$work/data" -l "$work/log" -w \
  -o "-c fsync=off -c unix_socket_directories='' -c listen_addresses=127.0.0.1 -p $port" start >/dev/null
psql=(psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres postgres)
"${psql[@]}" -c "CREATE EXTENSION pgcrypto"
# The migrations as Flyway runs them, in version order (tools_version() reads Flyway's history
# table, which this throwaway install does not have: function bodies are not checked).
for f in $(ls sql/src/main/resources/db/lizsync/V*__*.sql | sort -V); do
  v=$(basename "$f" | sed -E 's/^V([0-9]+)__.*/\1/')
  if [ -n "$UP_TO" ] && [ "$v" -gt "$UP_TO" ]; then break; fi
  PGOPTIONS="-c check_function_bodies=off" "${psql[@]}" -f "$f" >/dev/null
done
"${psql[@]}" >/dev/null <<'SQL'
CREATE SCHEMA bench;
CREATE TABLE bench.item (id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                         n integer NOT NULL DEFAULT 0, label text);
INSERT INTO bench.item (uid, label) SELECT md5('item' || g)::uuid, 'item ' || g FROM generate_series(1, 100000) g;
SELECT audit.audit_table('bench', 'item');
CREATE PROCEDURE public.updates(k int) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..k LOOP
        UPDATE bench.item SET n = n + 1 WHERE id = 1 + (i * 7919) % 100000;
        COMMIT;
    END LOOP;
END $$;
VACUUM ANALYZE bench.item;
SQL
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$work/data" stop -m fast >/dev/null

# instructions <ENABLE|DISABLE> <n>
instructions() {
  printf 'ALTER TABLE bench.item %s TRIGGER lizsync_audit;\nCALL public.updates(%s);\n' "$1" "$2" > "$work/cmds.sql"
  chmod 644 "$work/cmds.sql"
  "${as_pg[@]}" valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
    "$PG_BIN/postgres" --single -D "$work/data" -c fsync=off postgres < "$work/cmds.sql" > /dev/null 2> "$work/vg.err"
  grep -o 'Collected : [0-9]*' "$work/vg.err" | awk '{print $3}'
}
per_update() {
  local zero full
  zero=$(instructions "$1" 0)
  full=$(instructions "$1" "$N")
  echo $(( (full - zero) / N ))
}
without=$(per_update DISABLE)
with=$(per_update ENABLE)
echo "capture cost, instructions per committed single-row UPDATE (N = $N, tools up to V${UP_TO:-latest}, valgrind callgrind):"
echo "  without the trigger   $without"
echo "  with the trigger      $with  (+$(( with - without )), $(( 100 * (with - without) / without )) % of the UPDATE alone)"
