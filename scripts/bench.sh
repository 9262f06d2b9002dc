#!/usr/bin/env bash
# Sync benchmark (issue 2/7 figures), measured side by side with PostgreSQL logical replication
# on the same clusters in one run. Not part of the tests.
#   scripts/bench.sh              10 000 updates per direction
#   scripts/bench.sh 100000       100 000 updates per direction
# Results: stdout and sync-service/target/bench/sync-bench.txt
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-build
mvn -B -q -DskipTests install -pl sync-service -am
mvn -B -q -pl sync-service failsafe:integration-test failsafe:verify -Dit.test=SyncBenchmark \
  -Dbench.updates="${1:-10000}" -DtrimStackTrace=false
cat sync-service/target/bench/sync-bench.txt
