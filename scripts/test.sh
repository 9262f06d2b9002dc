#!/usr/bin/env bash
# Runs the tests. Does its own set-up on a fresh Debian 12 machine.
#   scripts/test.sh          every test: unit tests and integration tests against real
#                            PostgreSQL/PostGIS clusters, real gRPC and FTP servers
#   scripts/test.sh --quick  unit tests only (no database), for daily use
# Extra arguments go to Maven (for example -pl sync-service -am).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-build
args=()
if [ "${1:-}" = "--quick" ]; then shift; args+=(-DskipITs); fi
start=$(date +%s)
mvn -B "${args[@]}" "$@" install
echo "test.sh: all tests passed in $(( $(date +%s) - start )) s"
