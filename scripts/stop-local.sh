#!/usr/bin/env bash
# Stops everything scripts/run-local.sh started: the services, then the PostgreSQL servers,
# and removes their throwaway data.
set -uo pipefail
cd "$(dirname "$0")/.."
STATE=$(pwd)/.local
[ -d "$STATE/pids" ] || { echo "stop-local: nothing is running"; exit 0; }
for f in "$STATE"/pids/svc-*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f"); name=$(basename "$f" .pid); name=${name#svc-}
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "stop-local: stopped $name"
  fi
  rm -f "$f"
done
TESTKIT=$(ls testkit/target/lizsync-testkit-*.jar 2>/dev/null | head -1)
for f in "$STATE"/pids/db-*.json; do
  [ -f "$f" ] || continue
  name=$(basename "$f" .json); name=${name#db-}
  if [ -n "$TESTKIT" ]; then
    java -cp "$TESTKIT" io.lizsync.testkit.PgClusterMain stop --dir "$STATE/pg/$name" && echo "stop-local: stopped database $name"
  else
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$STATE/pg/$name" -m fast stop 2>/dev/null
  fi
  rm -f "$f"
done
rm -rf "$STATE/pg" "$STATE/system.json"
echo "stop-local: everything stopped"
