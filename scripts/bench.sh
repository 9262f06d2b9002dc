#!/usr/bin/env bash
# Benchmarks (issue figures), each measured side by side with its PostgreSQL counterpart on the
# same clusters in one run. Not part of the tests.
#   scripts/bench.sh                   sync: 10 000 updates per direction, against logical replication
#   scripts/bench.sh 100000            sync: 100 000 updates per direction
#                                      (each direction BENCH_ROUNDS times, default 3, ours and logical
#                                      replication interleaved in each round: the median ratio is reported)
#   scripts/bench.sh tls [N]           sync with central serving TLS only, verified by the sidecars
#   scripts/bench.sh auth              what the access check costs a call (p50), and hello's credential check
#   scripts/bench.sh package           package build + deploy of a 1 000 000-row geometry table,
#                                      against pg_dump -Fc + pg_restore; peak RSS of packaging-service
#                                      and the sidecar at that size and at a tenth of it
#   scripts/bench.sh package 200000    the same with 200 000 rows
#   scripts/bench.sh ftp [MB]          FTP mirrors against lftp mirror on loopback (vsftpd and Apache
#                                      FtpServer): 1 000 small files, a second run with nothing changed
#                                      against the listing alone, one MB-MiB file (default 1024) with
#                                      this JVM's resident memory during it (FtpBenchmark)
#   scripts/bench.sh gateway [MB] [JAR] the gateway's added latency and an MB-sized package download; with JAR
#                                      (another build's gateway/target/quarkus-app/quarkus-run.jar) that gateway
#                                      too, interleaved in the same run
#   scripts/bench.sh qgis              QGIS projects adapted per second: a generated 5 MB .qgs with 200 layers
#   scripts/bench.sh devices [ROWS]    the device API through the gateway (default 10 000 rows): a download
#                                      with nothing new p50/p99 among 100 registered devices, a full first
#                                      download (rows/s, gateway peak RSS), uploads in batches of 100, bytes
#                                      per changed row
#   scripts/bench.sh push [N]          a clone pushes N changes (default 1 000 000) in one session,
#                                      every service at -Xmx128m; peak RSS of central and the sidecar
# The package benchmark runs its service processes with -Xmx512m and the full JIT. The sync
# benchmark keeps the tests' JVM settings (-Xmx256m, C1 only: on 2 cores its short runs measured
# faster that way) and runs one unmeasured round of the same size each way first (warm-up).
# The session log (sync-service/target/e2e-logs/central.log) shows each push and pull in ms.
# Results: stdout and sync-service/target/bench/sync-bench.txt or package-bench.txt
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-build
mvn -B -q -DskipTests install -pl sync-service -am
if [[ "${1:-}" == push ]]; then
  mvn -B -q -pl sync-service failsafe:integration-test failsafe:verify -Dit.test=PushMemoryBenchmark \
    -Dbench.changes="${2:-1000000}" -DtrimStackTrace=false
  cat sync-service/target/bench/push-memory-bench.txt
elif [[ "${1:-}" == auth ]]; then
  mvn -B -q -pl sync-service failsafe:integration-test failsafe:verify -Dit.test=AuthCostBenchmark -DtrimStackTrace=false
  cat sync-service/target/bench/auth-bench.txt
elif [[ "${1:-}" == gateway ]]; then
  mvn -B -q -DskipTests install -pl gateway
  mvn -B -q -pl sync-service failsafe:integration-test failsafe:verify -Dit.test=GatewayBenchmark \
    -Dbench.mb="${2:-1024}" ${3:+-Dbench.compare-gateway="$(realpath "$3")"} -Dlizsync.e2e.jvm-opts=-Xmx256m -DtrimStackTrace=false
  cat sync-service/target/bench/gateway-bench.txt
elif [[ "${1:-}" == ftp ]]; then
  mvn -B -q -DskipTests install -pl file-service -am
  mvn -B -q -pl file-service failsafe:integration-test failsafe:verify -Dit.test=FtpBenchmark \
    -Dbench.mb="${2:-1024}" -DtrimStackTrace=false
  cat file-service/target/bench/ftp-bench.txt
elif [[ "${1:-}" == qgis ]]; then
  # QGIS projects adapted per second: a generated ~5 MB .qgs with 200 PostgreSQL layers, in memory
  # and as a file (backup + atomic replace); QgisAdaptBenchmark, qgis-projects/target/bench/qgis-bench.txt
  mvn -B -q -DskipTests install -pl qgis-projects -am
  mvn -B -q -pl qgis-projects failsafe:integration-test failsafe:verify -Dit.test=QgisAdaptBenchmark -DtrimStackTrace=false
  cat qgis-projects/target/bench/qgis-bench.txt
elif [[ "${1:-}" == devices ]]; then
  mvn -B -q -DskipTests install -pl gateway
  mvn -B -q -pl sync-service failsafe:integration-test failsafe:verify -Dit.test=DeviceBenchmark \
    -Dbench.rows="${2:-10000}" -Dlizsync.e2e.jvm-opts=-Xmx256m -DtrimStackTrace=false
  cat "sync-service/target/bench/device-bench-${2:-10000}.txt"
elif [[ "${1:-}" == package ]]; then
  mvn -B -q -pl sync-service failsafe:integration-test failsafe:verify -Dit.test=PackageBenchmark \
    -Dbench.rows="${2:-1000000}" -Dlizsync.e2e.jvm-opts=-Xmx512m -DtrimStackTrace=false
  cat sync-service/target/bench/package-bench.txt
else
  tls=false
  if [[ "${1:-}" == tls ]]; then tls=true; shift; fi
  mvn -B -q -pl sync-service failsafe:integration-test failsafe:verify -Dit.test=SyncBenchmark \
    -Dbench.updates="${1:-10000}" -Dbench.rounds="${BENCH_ROUNDS:-3}" -Dbench.tls=$tls -DtrimStackTrace=false
  cat sync-service/target/bench/sync-bench.txt
fi
