#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian 12 machine and builds it.
#   scripts/setup.sh            check/install system packages, then build (no tests)
#   scripts/setup.sh --no-build only the system packages
# Needs root or sudo for apt-get the first time; does nothing when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_VERSION=15
PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
PG_SHARE=/usr/share/postgresql/$PG_VERSION/extension

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: need root (or sudo) to run: $*" >&2; exit 1; fi
}

missing=()
[ -x "$PG_BIN/initdb" ] || missing+=("postgresql-$PG_VERSION")
[ -f "$PG_SHARE/postgis.control" ] || missing+=("postgresql-$PG_VERSION-postgis-3")
command -v java >/dev/null || missing+=("openjdk-17-jdk-headless")
command -v mvn >/dev/null || missing+=("maven")
command -v curl >/dev/null || missing+=("curl")
command -v openssl >/dev/null || missing+=("openssl")
# libfaketime, for test clusters whose clock is offset (testkit's FakeClock)
compgen -G "/usr/lib/*/faketime/libfaketime.so.1" >/dev/null || missing+=("faketime")
# Headless Chromium and its driver, for the dashboard's browser tests (testkit's Browser)
[ -x /usr/bin/chromium ] || missing+=("chromium")
[ -x /usr/bin/chromedriver ] || missing+=("chromium-driver")
# vsftpd, as field FTP servers run it, for file-service's mirror and FTPS tests (started by the tests
# themselves, never as a system service), and lftp for the FTP benchmark's comparison
[ -x /usr/sbin/vsftpd ] || missing+=("vsftpd")
command -v lftp >/dev/null || missing+=("lftp")
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} from Debian's packages"
  as_root apt-get update -qq
  # A Debian postgresql package creates and starts a default cluster; the project never uses it.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -f "$PG_SHARE/hstore.control" ] || { echo "setup: the hstore extension is missing from $PG_SHARE" >&2; exit 1; }

java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
if [ "${java_major%%.*}" -lt 17 ]; then
  echo "setup: Java 17 or newer is needed (found $java_major)" >&2; exit 1
fi

if [ "${1:-}" != "--no-build" ]; then
  echo "setup: building (mvn install, tests skipped)"
  mvn -B -q -DskipTests install
fi
