#!/usr/bin/env bash
# Runs the whole system locally and walks through it:
#   - three throwaway PostgreSQL/PostGIS servers: central, clone-a, clone-b (sample GIS data on central)
#   - registry-service, packaging-service, sync-service (central), file-service, gateway,
#     and one sync-service sidecar per clone, each a separate process on its own port
#   - two FTP servers on loopback (central's and clone-a's, Apache FtpServer with this run's user and password)
#   - a scripted walk (install, prepare, files over FTP, health of every service) printed as it goes
# Then it keeps running until Ctrl-C (or exits at once with --exit).
# Addresses of everything started: .local/system.json. Stop it all: scripts/stop-local.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STATE=$ROOT/.local
EXIT_AFTER=false
SKIP_BUILD=false
for arg in "$@"; do
  case "$arg" in
    --exit) EXIT_AFTER=true ;;
    --no-build) SKIP_BUILD=true ;;
    *) echo "usage: scripts/run-local.sh [--exit] [--no-build]" >&2; exit 2 ;;
  esac
done

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ -f "$STATE/system.json" ]; then
  echo "run-local: a previous system is still recorded in $STATE; stopping it first"
  scripts/stop-local.sh || true
fi
if $SKIP_BUILD; then scripts/setup.sh --no-build; else scripts/setup.sh; fi
build_done=$(date +%s%3N)
# Each run starts from nothing: databases, packages, sidecar state (credentials, downloads).
rm -rf "$STATE/packages" "$STATE"/sidecar-* "$STATE"/field-package*.zip* "$STATE/package.txt" "$STATE/forged"
mkdir -p "$STATE/logs" "$STATE/pids"

app() { echo "$ROOT/$1/target/quarkus-app/quarkus-run.jar"; }
PGJDBC=$(ls "$ROOT"/sync-service/target/quarkus-app/lib/main/org.postgresql.postgresql-*.jar | head -1)
TESTKIT=$(ls "$ROOT"/testkit/target/lizsync-testkit-*.jar | grep -v sources | head -1)

# free_port BASE: sets FREE to a loopback TCP port at or above BASE that nothing listens on and
# that none of ours took yet (no subshell: the list of taken ports must survive the call).
taken=" "
free_port() {
  local p=$1
  while (echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null || [[ $taken == *" $p "* ]]; do p=$((p + 1)); done
  taken+="$p "
  FREE=$p
}

stop_on_failure() {
  echo "run-local: failed; stopping what was started (logs in $STATE/logs)" >&2
  scripts/stop-local.sh || true
}
trap stop_on_failure ERR

say "Starting four PostgreSQL/PostGIS servers (central, clone-a, clone-b and a tablet of clone-b)"
declare -A DB
for name in central clone-a clone-b tablet; do
  free_port 55432; port=$FREE
  json=$(java -cp "$TESTKIT:$PGJDBC" io.lizsync.testkit.PgClusterMain start --name "$name" \
          --dir "$STATE/pg/$name" --port "$port" --db lizsync --require-password)
  echo "$json" > "$STATE/pids/db-$name.json"
  DB[$name]=$port
  echo "  $name: postgresql://127.0.0.1:$port/lizsync"
done
db_password() { sed -E 's/.*"password":"([^"]*)".*/\1/' "$STATE/pids/db-$1.json"; }
psql_db() { local n=$1; shift; PGPASSWORD=$(db_password "$n") psql -X -q -v ON_ERROR_STOP=1 \
  -h 127.0.0.1 -p "${DB[$n]}" -U postgres -d lizsync "$@"; }

say "Loading sample GIS data into central (schema field: observation points, parcel polygons)"
psql_db central -f "$ROOT/scripts/sample-data.sql"
psql_db central -At -c "SELECT 'field.observation: ' || count(*) || ' points' FROM field.observation UNION ALL
                        SELECT 'field.parcel: ' || count(*) || ' polygons' FROM field.parcel" | sed 's/^/  /'

# start_service NAME MODULE PORT [ENV=VALUE ...]: one Java process, environment-configured
# (passwords through the environment, never on the command line).
declare -A PORT
start_service() {
  local name=$1 module=$2 port=$3; shift 3
  PORT[$name]=$port
  ( env $SERVE_TLS "$@" QUARKUS_HTTP_PORT="$port" QUARKUS_HTTP_HOST=127.0.0.1 \
      nohup java -Xmx256m -XX:+UseSerialGC -jar "$(app "$module")" >"$STATE/logs/$name.log" 2>&1 &
    echo $! > "$STATE/pids/svc-$name.pid" )
  echo "  $name ($module) on port $port"
}
db_env() { # datasource settings of a database, as environment variables
  echo QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:${DB[$1]}/lizsync" \
       QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:${DB[$1]}/lizsync" \
       QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD="$(db_password "$1")"
}

say "Making throwaway keys: the registry's access token signing key, central's package-signing key, the first administrator's password"
# A demo's own keys (never a disabled check): every service verifies access tokens with the public
# key; packaging-service signs packages with central's Ed25519 key and every sidecar trusts its public key.
KEYS=$STATE/keys
rm -rf "$KEYS"; mkdir -p -m 700 "$KEYS"
( umask 077
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$KEYS/access-token.key"
  openssl pkey -in "$KEYS/access-token.key" -pubout -out "$KEYS/access-token.pub" 2>/dev/null
  openssl genpkey -algorithm ed25519 -out "$KEYS/package-signing.key"
  openssl pkey -in "$KEYS/package-signing.key" -pubout -out "$KEYS/package-signing.pub" 2>/dev/null
  openssl rand -base64 18 > "$KEYS/admin-password"
  # The services' own API token (registry makes the service account from it; central exchanges it
  # for short-lived access tokens to ask registry about clones): lzt_ + 32 random bytes, base64url.
  printf 'lzt_%s\n' "$(openssl rand 32 | base64 -w0 | tr '+/' '-_' | tr -d '=')" > "$KEYS/service-token" )
echo "  $KEYS/access-token.key (registry only), access-token.pub (every service), admin-password (login admin)"
echo "  $KEYS/service-token (registry and central's sync-service: the services' own API token)"
# The key id packages name their signer by: SHA-256 of the public key's DER form.
key_id() { openssl pkey -pubin -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }
echo "  $KEYS/package-signing.key (packaging-service only), package-signing.pub (every sidecar), key id $(key_id "$KEYS/package-signing.pub")"
AUTH=LIZSYNC_AUTH_PUBLIC_KEY_FILE="$KEYS/access-token.pub"
TRUST=LIZSYNC_SYNC_PACKAGE_SIGNING_PUBLIC_KEY_FILE="$KEYS/package-signing.pub"

say "Making a throwaway certificate authority and the services' certificate (TLS on every link)"
# Every service serves TLS only, with a certificate for 127.0.0.1/localhost signed by this run's own
# CA; every client (sidecars, gateway, CLI, curl) trusts that CA and checks the certificate.
TLS=$STATE/tls
rm -rf "$TLS"; mkdir -p -m 700 "$TLS"
( umask 077; cd "$TLS"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
  openssl req -x509 -new -key ca.key -subj "/CN=LizSync local run CA" -days 7 -out ca.crt \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out service.key
  openssl req -new -key service.key -subj "/CN=127.0.0.1" -out service.csr
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > service.ext
  openssl x509 -req -in service.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 7 -out service.crt \
    -extfile service.ext 2>/dev/null
  chmod 644 ca.crt )
echo "  $TLS/ca.crt (trusted by every client), service.crt + service.key (every service: TLS only)"
SERVE_TLS="QUARKUS_HTTP_SSL_CERTIFICATE_FILES=$TLS/service.crt QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES=$TLS/service.key QUARKUS_HTTP_INSECURE_REQUESTS=disabled"
CA=$TLS/ca.crt
CURL="curl --cacert $CA"

say "Starting two FTP servers, central's and clone-a's (Apache FtpServer on loopback, explicit FTPS with the services' certificate, a user and a password made for this run)"
# Not vsftpd (Debian's, as field servers run it, which file-service's ITs and benchmark test
# against): it logs named users in only through PAM, i.e. a system account or a module configured
# under /etc/pam.d, which a throwaway run must not create, and its anonymous login has no password.
# Apache FtpServer (the server file-service's ITs embed) gets its own user and a random password in
# a 0600 file, which file-service reads at each login. Stopped with the services (scripts/stop-local.sh).
# Both offer explicit FTPS (AUTH TLS, PROT P) with this run's certificate for 127.0.0.1 (a PKCS#12
# copy of service.crt + service.key); file-service verifies it against the run's CA, as it verifies
# any FTP server's certificate by default (never "accept anything").
FTP=$STATE/ftp
rm -rf "$FTP" "$STATE/clone-a-qgis"; mkdir -p -m 700 "$FTP"
( umask 077; openssl rand -base64 18 > "$FTP/tls.password"
  openssl pkcs12 -export -in "$TLS/service.crt" -inkey "$TLS/service.key" -name ftp -out "$FTP/tls.p12" \
    -passout file:"$FTP/tls.password" )
# Its jars: from the Maven repository the build used (testkit depends on ftpserver-core 1.2.1),
# SLF4J's from file-service's build.
M2=${LIZSYNC_MAVEN_REPO:-$HOME/.m2/repository}
FTP_CP=$TESTKIT:$(ls "$ROOT"/file-service/target/quarkus-app/lib/main/org.slf4j.slf4j-api-*.jar | head -1)
for jar in org/apache/ftpserver/ftpserver-core/1.2.1/ftpserver-core-1.2.1.jar org/apache/ftpserver/ftplet-api/1.2.1/ftplet-api-1.2.1.jar \
           "$(cd "$M2" 2>/dev/null && ls org/apache/mina/mina-core/*/mina-core-*.jar 2>/dev/null | grep -v sources | sort -V | tail -1)"; do
  [ -n "$jar" ] && [ -f "$M2/$jar" ] || { echo "run-local: Apache FtpServer's jars are not in $M2 (a build fetches them; LIZSYNC_MAVEN_REPO names another repository)" >&2; false; }
  FTP_CP+=:$M2/$jar
done
declare -A FTP_PORT
for srv in central clone-a; do
  ( umask 077; openssl rand -base64 18 > "$FTP/$srv.password" )
  mkdir -p "$FTP/$srv"
  free_port 2121; FTP_PORT[$srv]=$FREE
  ( nohup java -Xmx64m -XX:+UseSerialGC -cp "$FTP_CP" io.lizsync.testkit.FtpServerMain \
      --home "$FTP/$srv" --port "$FREE" --password-file "$FTP/$srv.password" \
      --tls-keystore "$FTP/tls.p12" --tls-password-file "$FTP/tls.password" >"$STATE/logs/ftp-$srv.log" 2>&1 &
    echo $! > "$STATE/pids/svc-ftp-$srv.pid" )
  echo "  ftp-$srv: ftp://127.0.0.1:$FREE/ with explicit FTPS (user lizsync, password in $FTP/$srv.password), its files in $FTP/$srv"
done
# Central's FTP holds a QGIS project whose layers read central's database (and one another
# database's), its style, a data/ folder LizSync leaves out by default, and a photo already uploaded.
mkdir -p "$FTP/central/qgis/data" "$FTP/central/media/upload"
central_ds="dbname='lizsync' host=127.0.0.1 port=${DB[central]} user='postgres' sslmode=disable"
cat > "$FTP/central/qgis/field-survey.qgs" <<QGS
<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis projectname="Field survey" version="3.34.12-Prizren">
  <title>Field survey</title>
  <layer-tree-group>
    <layer-tree-layer id="observation_1" name="Observations" providerKey="postgres" source="$central_ds key='id' srid=4326 type=Point checkPrimaryKeyUnicity='1' table=&quot;field&quot;.&quot;observation&quot; (geom) sql=&quot;species&quot; = 'Upupa epops'"/>
    <layer-tree-layer id="parcel_1" name="Parcels" providerKey="postgres" source="$central_ds key='id' srid=4326 type=MultiPolygon checkPrimaryKeyUnicity='1' table=&quot;field&quot;.&quot;parcel&quot; (geom)"/>
    <layer-tree-layer id="communes_1" name="Communes" providerKey="postgres" source="dbname='referential' host=ref.example port=5432 user='reader' key='id' srid=2154 table=&quot;ref&quot;.&quot;communes&quot; (geom)"/>
  </layer-tree-group>
  <projectlayers>
    <maplayer type="vector" geometry="Point"><id>observation_1</id><datasource>$central_ds key='id' srid=4326 type=Point checkPrimaryKeyUnicity='1' table="field"."observation" (geom) sql="species" = 'Upupa epops'</datasource><layername>Observations</layername><provider encoding="UTF-8">postgres</provider></maplayer>
    <maplayer type="vector" geometry="Polygon"><id>parcel_1</id><datasource>$central_ds key='id' srid=4326 type=MultiPolygon checkPrimaryKeyUnicity='1' table="field"."parcel" (geom)</datasource><layername>Parcels</layername><provider encoding="UTF-8">postgres</provider></maplayer>
    <maplayer type="vector" geometry="Polygon"><id>communes_1</id><datasource>dbname='referential' host=ref.example port=5432 user='reader' key='id' srid=2154 table="ref"."communes" (geom)</datasource><layername>Communes</layername><provider encoding="UTF-8">postgres</provider></maplayer>
  </projectlayers>
</qgis>
QGS
printf '<!DOCTYPE qgis_style>\n<qgis version="3.34.12-Prizren"/>\n' > "$FTP/central/qgis/observation.qml"
head -c 300000 /dev/urandom > "$FTP/central/qgis/data/orthophoto.gpkg"
head -c 20000 /dev/urandom > "$FTP/central/media/upload/photo-earlier.jpg"
# clone-a's media: two photos taken on the field, one of them already on central.
mkdir -p "$STATE/clone-a-qgis/media/upload"
head -c 40000 /dev/urandom > "$STATE/clone-a-qgis/media/upload/photo-hoopoe.jpg"
cp -p "$FTP/central/media/upload/photo-earlier.jpg" "$STATE/clone-a-qgis/media/upload/photo-earlier.jpg"
for srv in central clone-a; do
  for _ in $(seq 1 60); do (echo >/dev/tcp/127.0.0.1/${FTP_PORT[$srv]}) 2>/dev/null && break; sleep 0.5; done
  (echo >/dev/tcp/127.0.0.1/${FTP_PORT[$srv]}) 2>/dev/null \
    || { echo "run-local: ftp-$srv does not listen; its log:" >&2; tail -20 "$STATE/logs/ftp-$srv.log" >&2; false; }
done

say "Starting the services"
free_port 18081; start_service registry registry-service "$FREE" $(db_env central) "$AUTH" \
  LIZSYNC_REGISTRY_ACCESS_TOKENS_PRIVATE_KEY_FILE="$KEYS/access-token.key" \
  LIZSYNC_REGISTRY_BOOTSTRAP_ADMIN_PASSWORD_FILE="$KEYS/admin-password" \
  LIZSYNC_REGISTRY_BOOTSTRAP_SERVICE_TOKEN_FILE="$KEYS/service-token"
free_port 18082; start_service packaging packaging-service "$FREE" $(db_env central) "$AUTH" \
  LIZSYNC_PACKAGING_STORAGE_DIR="$STATE/packages" LIZSYNC_PACKAGING_SIGNING_PRIVATE_KEY_FILE="$KEYS/package-signing.key"
# A sync-service holding the central role asks registry-service about every clone (ADR 0013).
ASK_REGISTRY="LIZSYNC_SYNC_REGISTRY_HOST=127.0.0.1 LIZSYNC_SYNC_REGISTRY_PORT=${PORT[registry]} LIZSYNC_SYNC_REGISTRY_CA_FILE=$TLS/ca.crt LIZSYNC_SYNC_REGISTRY_TOKEN_FILE=$KEYS/service-token"
# It relays packages from packaging-service to the clones deploying them with a ticket.
free_port 18083; start_service sync-central sync-service "$FREE" $(db_env central) "$AUTH" LIZSYNC_SYNC_ROLES=central $ASK_REGISTRY \
  LIZSYNC_SYNC_PACKAGING_HOST=127.0.0.1 LIZSYNC_SYNC_PACKAGING_PORT="${PORT[packaging]}" LIZSYNC_SYNC_PACKAGING_CA_FILE="$CA"
# file-service works for clone-a here: its QGIS project folder ($STATE/clone-a-qgis, media in its
# media/upload/), central's FTP server ("central") and clone-a's ("clone"), each password in a file
# read at each login (never in the environment or a log).
ftp_env() { # endpoint NAME of file-service pointing at the walk's FTP server SERVER
  local e=LIZSYNC_FILES_FTP_ENDPOINTS_${1^^}_
  echo "${e}HOST=127.0.0.1 ${e}PORT=${FTP_PORT[$2]} ${e}USER=lizsync ${e}PASSWORD_FILE=$FTP/$2.password ${e}TLS=explicit ${e}TRUST_FILE=$CA ${e}REMOTE_DIR=/"
}
free_port 18084; start_service files file-service "$FREE" "$AUTH" LIZSYNC_FILES_WORK_DIR="$STATE/files" \
  LIZSYNC_FILES_FTP_PROJECT_FOLDER="$STATE/clone-a-qgis" $(ftp_env central central) $(ftp_env clone clone-a)
# clone-b is a field server holding both roles: the clone of central and the central of a tablet.
for clone in clone-a clone-b; do
  roles=clone; central_env=""; [ "$clone" = clone-b ] && roles=central,clone && central_env=$ASK_REGISTRY
  free_port 18090; start_service "sync-$clone" sync-service "$FREE" $(db_env "$clone") "$AUTH" "$TRUST" LIZSYNC_SYNC_ROLES=$roles $central_env \
    LIZSYNC_SYNC_STATE_DIR="$STATE/sidecar-$clone" \
    LIZSYNC_SYNC_CENTRAL_HOST=127.0.0.1 LIZSYNC_SYNC_CENTRAL_PORT="${PORT[sync-central]}" \
    LIZSYNC_SYNC_PACKAGING_HOST=127.0.0.1 LIZSYNC_SYNC_PACKAGING_PORT="${PORT[packaging]}" \
    LIZSYNC_SYNC_CENTRAL_CA_FILE="$CA" LIZSYNC_SYNC_PACKAGING_CA_FILE="$CA" \
    LIZSYNC_SYNC_DEPLOY_IMPORT_DIR="$STATE/import"
done
free_port 18090; start_service sync-tablet sync-service "$FREE" $(db_env tablet) "$AUTH" "$TRUST" LIZSYNC_SYNC_ROLES=clone \
  LIZSYNC_SYNC_STATE_DIR="$STATE/sidecar-tablet" \
  LIZSYNC_SYNC_CENTRAL_HOST=127.0.0.1 LIZSYNC_SYNC_CENTRAL_PORT="${PORT[sync-clone-b]}" LIZSYNC_SYNC_CENTRAL_CA_FILE="$CA"
free_port 18080; start_service gateway gateway "$FREE" "$AUTH" \
  QUARKUS_GRPC_CLIENTS_REGISTRY_HOST=127.0.0.1 QUARKUS_GRPC_CLIENTS_REGISTRY_PORT="${PORT[registry]}" \
  QUARKUS_GRPC_CLIENTS_PACKAGING_HOST=127.0.0.1 QUARKUS_GRPC_CLIENTS_PACKAGING_PORT="${PORT[packaging]}" \
  QUARKUS_GRPC_CLIENTS_SYNC_HOST=127.0.0.1 QUARKUS_GRPC_CLIENTS_SYNC_PORT="${PORT[sync-central]}" \
  QUARKUS_GRPC_CLIENTS_FILES_HOST=127.0.0.1 QUARKUS_GRPC_CLIENTS_FILES_PORT="${PORT[files]}" \
  $(for c in REGISTRY PACKAGING SYNC FILES; do echo QUARKUS_GRPC_CLIENTS_${c}_PLAIN_TEXT=false QUARKUS_GRPC_CLIENTS_${c}_SSL_TRUST_STORE="$CA"; done)

say "Waiting for every service to be ready"
for name in "${!PORT[@]}"; do
  for _ in $(seq 1 120); do
    if $CURL -fsS "https://127.0.0.1:${PORT[$name]}/q/health/ready" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$(cat "$STATE/pids/svc-$name.pid")" 2>/dev/null; then
      echo "run-local: $name exited; last lines of its log:" >&2; tail -20 "$STATE/logs/$name.log" >&2; false
    fi
    sleep 0.5
  done
  $CURL -fsS "https://127.0.0.1:${PORT[$name]}/q/health/ready" >/dev/null || {
    echo "run-local: $name is not ready after 60 s" >&2; tail -20 "$STATE/logs/$name.log" >&2; false; }
done
ms=$(( $(date +%s%3N) - build_done ))
printf '  all %d services ready; system started in %d.%03d s (build excluded)\n' "${#PORT[@]}" $((ms / 1000)) $((ms % 1000))

{
  echo "{"
  echo "  \"databases\": {"
  sep=""
  for name in central clone-a clone-b tablet; do
    printf '%s    "%s": {"jdbcUrl": "jdbc:postgresql://127.0.0.1:%s/lizsync", "host": "127.0.0.1", "port": %s, "database": "lizsync", "user": "postgres", "passwordFile": "%s"}' \
      "$sep" "$name" "${DB[$name]}" "${DB[$name]}" "$STATE/pids/db-$name.json"
    sep=$',\n'
  done
  printf '\n  },\n  "services": {\n'
  sep=""
  for name in gateway registry packaging sync-central files sync-clone-a sync-clone-b sync-tablet; do
    printf '%s    "%s": {"host": "127.0.0.1", "port": %s, "https": "https://127.0.0.1:%s", "grpc": "127.0.0.1:%s", "pid": %s, "log": "%s"}' \
      "$sep" "$name" "${PORT[$name]}" "${PORT[$name]}" "${PORT[$name]}" "$(cat "$STATE/pids/svc-$name.pid")" "$STATE/logs/$name.log"
    sep=$',\n'
  done
  printf '\n  }\n}\n'
} > "$STATE/system.json"
echo "  addresses written to $STATE/system.json"

# The walk's CLI keeps its session under .local/cli, not in your home directory. It speaks REST to
# the gateway; to a clone's sidecar it speaks gRPC, with the access token the gateway gives for its
# session, or with the sidecar's local token.
CLI="env XDG_CONFIG_HOME=$STATE/cli LIZSYNC_CA_FILE=$CA java -jar $(app cli)"
rm -rf "$STATE/cli"
export LIZSYNC_GATEWAY="https://127.0.0.1:${PORT[gateway]}"
say "Walk 0: TLS on every link: plain text and a client trusting another CA are refused"
CENTRAL_HEALTH="127.0.0.1:${PORT[sync-central]}/q/health/ready"
if curl -fsS "http://$CENTRAL_HEALTH" >/dev/null 2>&1; then echo "run-local: central answered in plain text" >&2; false; fi
echo "  http://$CENTRAL_HEALTH: refused (central serves TLS only)"
if curl -fsS "https://$CENTRAL_HEALTH" >/dev/null 2>&1; then echo "run-local: curl trusted central without the CA" >&2; false; fi
echo "  https:// without this run's CA: $(curl -sS "https://$CENTRAL_HEALTH" 2>&1 | head -1 | cut -c1-90)"
echo "  https:// with it: $($CURL -sS -o /dev/null -w '%{http_code}, %{ssl_verify_result} = verified' "https://$CENTRAL_HEALTH")"

say "Walk 0: nobody unauthenticated: a call without a token is refused; log in as the first administrator"
$CLI install --override-audit --override-lizsync 2>&1 | sed 's/^/  /' || true
if $CLI upgrade >/dev/null 2>&1; then echo "run-local: central answered a call without a token" >&2; false; else
  code=$?; echo "  lizsync upgrade without a session: exit code $code (3: not authenticated)"; [ "$code" = 3 ]; fi
$CLI login --user admin --password-file "$KEYS/admin-password" | sed 's/^/  /'
say "Walk 1: install the LizSync tools in the central database"
$CLI install
say "Walk 2: installing again is refused (nothing is dropped without the override flags)"
$CLI install || echo "  (refused as expected, exit code $?)"
say "Walk 3: prepare schema field (server id, uid columns, audit triggers)"
$CLI prepare --schemas field
say "Walk 4: an edit on central is captured by the audit trigger"
psql_db central -c "UPDATE field.parcel SET owner = 'Commune de Saint-Martin' WHERE id = 1"
psql_db central -At -c "SELECT '  ' || action::text || ' ' || schema_name || '.' || table_name || ' uid=' || uid
                        || ' changed=' || changed_fields::text FROM audit.logged_actions ORDER BY event_id DESC LIMIT 1"
say "Walk 5: tools status, with the CLI and with curl through the gateway (the CLI's session token as bearer)"
$CLI status | sed 's/^/  /'
ACCESS=$(sed -n 's/^session=//p' "$STATE/cli/lizsync/session")
UPGRADE_URL="https://127.0.0.1:${PORT[gateway]}/api/v1/central/tools/upgrade"
code=$($CURL -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{"runIt":false}' "$UPGRADE_URL")
echo "  POST /api/v1/central/tools/upgrade (a dry run) without a token: HTTP $code"
[ "$code" = 401 ] || { echo "run-local: the gateway answered $code without a token" >&2; false; }
echo "  with the CLI's session token: $($CURL -fsS -X POST -H 'Content-Type: application/json' -d '{"runIt":false}' \
  -H "Authorization: Bearer $ACCESS" "$UPGRADE_URL" | cut -c1-120)"

say "Walk 6: package schema field from central (one snapshot: structure, rows and log position)"
# An edit left open while the package is built: it commits after the snapshot, so it is not in
# the package and reaches the clones at their first sync, exactly once.
( psql_db central -c "BEGIN" -c "UPDATE field.observation SET remarks = 'committed after the package' WHERE id = 2" \
    -c "SELECT pg_sleep(5)" -c "COMMIT" >/dev/null ) &
late=$!
sleep 1
$CLI package --schemas field --description "local walk" --zip-file "$STATE/field-package.zip" \
  2>"$STATE/logs/package-progress.log" | tee "$STATE/package.txt" | sed 's/^/  /'
PACKAGE_ID=$(grep -Eo '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' "$STATE/package.txt" | head -1)
wait "$late"
echo "  progress (stderr, a line per step and tenth off a terminal): $(wc -l < "$STATE/logs/package-progress.log") lines, the last:"
tail -1 "$STATE/logs/package-progress.log" | sed 's/^/    /'
$CLI package-list | sed 's/^/  /'
[ "$($CLI package-list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')" = "$PACKAGE_ID" ]
echo "  package-list --json: the newest is $PACKAGE_ID"
if $CLI package-show --package-id 00000000-0000-4000-8000-000000000000 2>"$STATE/logs/unknown-package.log"; then
  echo "run-local: an unknown package was shown" >&2; false
else
  code=$?; echo "  an unknown package: exit code $code (4: not found), $(head -1 "$STATE/logs/unknown-package.log" | cut -c1-90)"
  [ "$code" = 4 ]
fi
$CLI completion | grep -q 'complete -F' && echo "  lizsync completion: a bash completion script"

say "Walk 7: deploy it: clone-a by package id (through central's exchange, with its registration ticket), clone-b from the ZIP file"
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-a]}" $CLI deploy --package-id "$PACKAGE_ID" --name clone-a \
  2>"$STATE/logs/deploy-clone-a.log" | sed 's/^/  clone-a: /'
# A package on the clone's disk is deployed only from the sidecars' import folder (ADR 0012).
mkdir -p -m 700 "$STATE/import"
if LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-b]}" $CLI deploy --zip-file "$STATE/field-package.zip" --name clone-b \
     >"$STATE/logs/deploy-outside.log" 2>&1; then
  echo "run-local: clone-b deployed a package from outside its import folder" >&2; false
fi
echo "  clone-b, from outside the import folder: $(grep -o 'is outside[^:]*' "$STATE/logs/deploy-outside.log" | head -1)"
cp "$STATE/field-package.zip" "$STATE/import/field-package.zip"
# clone-b as on a machine without the registry: the operator made a single-use registration ticket
# for this package (ADR 0013) and carried it with the ZIP; the sidecar's local token does the rest.
( umask 077; $CLI registration-ticket --name clone-b --package-id "$PACKAGE_ID" > "$STATE/import/clone-b.ticket" \
    2>"$STATE/logs/ticket-clone-b.log" )
echo "  a registration ticket for clone-b: $(cat "$STATE/logs/ticket-clone-b.log" | head -1)"
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-b]}" $CLI deploy --zip-file "$STATE/import/field-package.zip" \
  --sidecar-token-file "$STATE/sidecar-clone-b/local-token" --registration-ticket-file "$STATE/import/clone-b.ticket" \
  2>"$STATE/logs/deploy-clone-b.log" | sed 's/^/  clone-b: /'
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-a]}" $CLI clone-status | sed 's/^/  clone-a: /'
# On the clone's machine, without the registry: the sidecar's local token (0600, its state directory).
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-a]}" $CLI clone-status --sidecar-token-file "$STATE/sidecar-clone-a/local-token" \
  | head -1 | sed 's/^/  clone-a, asked with its local token: /'
if LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-b]}" $CLI clone-status \
     --sidecar-token-file "$STATE/sidecar-clone-a/local-token" >/dev/null 2>&1; then
  echo "run-local: clone-b took clone-a's local token" >&2; false
fi
echo "  clone-b refuses clone-a's local token"
for n in clone-a clone-b; do
  psql_db "$n" -At -c "SELECT '  $n: ' || count(*) || ' observations, remark of #2: ' || coalesce((SELECT remarks FROM field.observation WHERE id = 2), '(none)') FROM field.observation"
done
echo "  copies of the package that central did not sign are refused, and clone-b stays as it was:"
# Built with the JDK's jar and openssl: the entries without manifest.sig, then with a signature of
# the same manifest by another Ed25519 key.
FORGE=$STATE/forged; rm -rf "$FORGE"; mkdir -p -m 700 "$FORGE/entries"
( cd "$FORGE/entries" && jar xf "$STATE/field-package.zip" )
entries=$(cd "$FORGE/entries" && find . -type f ! -name manifest.sig | sed 's|^\./||' | sort)
( cd "$FORGE/entries" && jar cfM "$STATE/import/field-package-unsigned.zip" $entries )
( umask 077; openssl genpkey -algorithm ed25519 -out "$FORGE/other.key" )
openssl pkey -in "$FORGE/other.key" -pubout -out "$FORGE/other.pub" 2>/dev/null
printf '{"algorithm":"Ed25519","key_id":"%s","signature":"%s"}\n' "$(key_id "$FORGE/other.pub")" \
  "$(openssl pkeyutl -sign -inkey "$FORGE/other.key" -rawin -in "$FORGE/entries/manifest.json" | base64 -w0)" \
  > "$FORGE/entries/manifest.sig"
( cd "$FORGE/entries" && jar cfM "$STATE/import/field-package-other-key.zip" $entries manifest.sig )
clone_b_state() { psql_db clone-b -At -c "SELECT count(*) || ' observations, clone ' || (SELECT clone_id || ' at '
  || last_tick_id FROM lizsync.clone_state) || ', tools ' || lizsync.tools_version() FROM field.observation"; }
before=$(clone_b_state)
for forged in unsigned other-key; do
  if out=$(LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-b]}" $CLI deploy --zip-file "$STATE/import/field-package-$forged.zip" \
           --force 2>&1); then
    echo "run-local: clone-b deployed field-package-$forged.zip" >&2; false
  fi
  echo "  field-package-$forged.zip: $(echo "$out" | grep -o 'the package [^(]*' | head -1)"
done
[ "$(clone_b_state)" = "$before" ] || { echo "run-local: a refused deploy changed clone-b" >&2; false; }
echo "  clone-b: $before (unchanged)"

say "Walk 8: edits on every side"
psql_db central -c "UPDATE field.parcel SET land_use = 'orchard' WHERE code = 'P-002'" \
                -c "UPDATE field.observation SET count = 12 WHERE id = 3"
psql_db clone-a -c "UPDATE field.observation SET remarks = 'two juveniles, seen from the path' WHERE id = 5" \
                -c "INSERT INTO field.observation (species, count, observer, geom)
                    VALUES ('Alcedo atthis', 1, 'Anne (clone a)', ST_SetSRID(ST_MakePoint(650512, 6860233), 2154))"
psql_db clone-b -c "UPDATE field.parcel SET owner = 'Mme Martin (clone b)' WHERE code = 'P-010'" \
                -c "DELETE FROM field.observation WHERE id = 7"
# The same field of the same row on central and on clone b: the later edit wins.
psql_db central -c "UPDATE field.parcel SET owner = 'Commune (central)' WHERE code = 'P-011'"
sleep 0.1
psql_db clone-b -c "UPDATE field.parcel SET owner = 'Indivision Roux (clone b, later)' WHERE code = 'P-011'"

say "Walk 9: synchronise clone-a with the CLI, clone-b from SQL, then clone-a again (the late edit arrives once)"
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-a]}" $CLI synchronize | sed 's/^/  clone-a: /'
psql_db clone-b -c "SELECT * FROM lizsync.synchronize()"
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-a]}" $CLI synchronize | sed 's/^/  clone-a: /'

say "Walk 10: the result, the same on every node"
for n in central clone-a clone-b; do
  psql_db "$n" -At -c "SELECT '  $n: P-002 ' || (SELECT land_use FROM field.parcel WHERE code = 'P-002')
     || ' | P-010 ' || (SELECT owner FROM field.parcel WHERE code = 'P-010')
     || ' | P-011 ' || (SELECT owner FROM field.parcel WHERE code = 'P-011')
     || ' | observations ' || (SELECT count(*) FROM field.observation)
     || ' | kingfisher ' || (SELECT count(*) FROM field.observation WHERE species = 'Alcedo atthis')
     || ' | #2 ' || (SELECT remarks FROM field.observation WHERE id = 2)"
done
psql_db central -c "SELECT conflict_time::time(0), table_name, field_name, central_value, clone_value, rule_applied, winner
                    FROM lizsync.conflicts ORDER BY id"

say "Walk 11: a large push: clone-a reshapes its 40 parcels and draws 20 more (polygons of ~19 kB), imports 1 200 observations"
psql_db clone-a -c "UPDATE field.parcel SET geom = ST_Buffer(ST_Centroid(geom), 85, 300)" \
                -c "INSERT INTO field.parcel (code, owner, land_use, geom)
                    SELECT 'P-N' || g, 'survey (clone a)', 'meadow',
                           ST_Buffer(ST_SetSRID(ST_MakePoint(652500 + g * 200, 6860100), 2154), 85, 300)
                    FROM generate_series(1, 20) g" \
                -c "INSERT INTO field.observation (species, count, observer, geom)
                    SELECT 'Import ' || g, 1, 'import (clone a)', ST_SetSRID(ST_MakePoint(650000 + g, 6860000 + g), 2154)
                    FROM generate_series(1, 1200) g" >/dev/null
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-a]}" $CLI synchronize | sed 's/^/  clone-a: /'
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-b]}" $CLI synchronize | sed 's/^/  clone-b: /'
for n in central clone-a clone-b; do
  psql_db "$n" -At -c "SELECT '  $n: ' || count(*) || ' observations, ' || (SELECT count(*) FROM field.parcel
     WHERE ST_NPoints(geom) > 1000) || ' parcels of more than 1 000 vertices' FROM field.observation"
done
echo "  each push with the clock offset central measured (clone database to central database) and its uncertainty:"
psql_db central -At -c "SELECT '    ' || sync_time::time(0) || ' ' || change_count || ' change(s), offset ' || clock_offset_ms
                        || ' ms +- ' || clock_uncertainty_ms || ' ms' FROM lizsync.history
                        WHERE clock_offset_ms IS NOT NULL ORDER BY sync_time"

say "Walk 12: a tier: clone-b, a field server holding both roles, becomes the central of a tablet"
# The tablet starts from a copy of clone-b's tables (without the capture triggers: attach adds them).
PGPASSWORD=$(db_password clone-b) pg_dump -h 127.0.0.1 -p "${DB[clone-b]}" -U postgres -d lizsync -n field --no-owner \
  | grep -v '^CREATE TRIGGER' | psql_db tablet >/dev/null
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-tablet]}" \
  $CLI join-clone --name tablet --tables field.parcel,field.observation 2>&1 | sed 's/^/  tablet: /'
psql_db tablet -c "UPDATE field.observation SET remarks = 'counted again on the tablet' WHERE id = 3"
psql_db central -c "UPDATE field.parcel SET land_use = 'vineyard' WHERE code = 'P-003'"
echo "  the tablet syncs with clone-b, clone-b with central, the tablet and clone-a again:"
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-tablet]}" $CLI synchronize | sed 's/^/    tablet: /'
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-b]}" $CLI synchronize | sed 's/^/    clone-b: /'
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-tablet]}" $CLI synchronize | sed 's/^/    tablet: /'
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-a]}" $CLI synchronize | sed 's/^/    clone-a: /'
for n in central clone-a clone-b tablet; do
  psql_db "$n" -At -c "SELECT '  $n: #3 ' || (SELECT remarks FROM field.observation WHERE id = 3)
     || ' | P-003 ' || (SELECT land_use FROM field.parcel WHERE code = 'P-003')
     || ' | observations ' || (SELECT count(*) FROM field.observation)"
done
for n in clone-a tablet; do
  want="counted again on the tablet|vineyard"
  got=$(psql_db "$n" -At -c "SELECT (SELECT remarks FROM field.observation WHERE id = 3) || '|' ||
                             (SELECT land_use FROM field.parcel WHERE code = 'P-003')")
  [ "$got" = "$want" ] || { echo "run-local: $n holds '$got', expected '$want' after the relay" >&2; false; }
done

say "Walk 12b: registry-service owns the clones: revoke the tablet there, and central's tier refuses it"
$CLI revoke-clone --clone-id "$(psql_db tablet -At -c "SELECT clone_id FROM lizsync.clone_state")" | sed 's/^/  /'
# The tier follows registry's clone changes every 2 s (LIZSYNC_SYNC_REGISTRY_FEED_INTERVAL).
sleep 3
if LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-tablet]}" $CLI synchronize >"$STATE/logs/revoked-sync.log" 2>&1; then
  echo "run-local: a revoked clone synchronised" >&2; false
fi
echo "  tablet: $(grep -o 'UNAUTHENTICATED[^;]*' "$STATE/logs/revoked-sync.log" | head -1 | cut -c1-100)"

say "Walk 12c: the REST gateway: log in (session cookie + CSRF), make an API token, and use it as a script would"
GW="https://127.0.0.1:${PORT[gateway]}"
JAR_COOKIES="$STATE/cli/gateway-cookies"
$CURL -fsS -c "$JAR_COOKIES" -H 'Content-Type: application/json' \
  --data-binary @<(printf '{"login":"admin","password":"%s"}' "$(cat "$KEYS/admin-password")") \
  "$GW/api/v1/session" > "$STATE/cli/gateway-login.json"
chmod 600 "$JAR_COOKIES" "$STATE/cli/gateway-login.json"
CSRF=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrfToken"])' "$STATE/cli/gateway-login.json")
ADMIN_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["user"]["id"])' "$STATE/cli/gateway-login.json")
echo "  POST /api/v1/session: logged in as admin (HttpOnly, SameSite=Strict session cookie)"
code=$($CURL -s -o /dev/null -w '%{http_code}' -b "$JAR_COOKIES" -X POST -H 'Content-Type: application/json' \
  -d "{\"userId\":\"$ADMIN_ID\",\"name\":\"no csrf\",\"scopes\":[\"*\"]}" "$GW/api/v1/tokens")
echo "  a cookie-authenticated write without its X-CSRF-Token: HTTP $code"
[ "$code" = 403 ] || { echo "run-local: the gateway took a cookie write without its CSRF token ($code)" >&2; false; }
$CURL -fsS -b "$JAR_COOKIES" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
  -d "{\"userId\":\"$ADMIN_ID\",\"name\":\"local walk script\",\"scopes\":[\"role:administrator\"]}" \
  "$GW/api/v1/tokens" > "$STATE/cli/gateway-token.json"
API_TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["secret"])' "$STATE/cli/gateway-token.json")
printf '%s\n' "$API_TOKEN" > "$STATE/api-token"; chmod 600 "$STATE/api-token" "$STATE/cli/gateway-token.json"
H="Authorization: Bearer $API_TOKEN"
echo "  GET /api/v1/clones (changes waiting both ways, last contact, last sync):"
$CURL -fsS -H "$H" "$GW/api/v1/clones" | python3 -c '
import json,sys
for c in json.load(sys.stdin)["items"]:
    print("    %-8s to the clone %s, to central %s (as it said at its last contact %s), last sync %s" % (c["name"],
          c["toClone"]["changes"], c["toCentral"]["changes"], c.get("lastContact"), c.get("lastSync")))'
ETAG=$($CURL -fsS -D - -o /dev/null -H "$H" "$GW/api/v1/clones" | sed -n 's/^[Ee][Tt]ag: *//p' | tr -d '\r')
echo "  polled again with If-None-Match: HTTP $($CURL -s -o /dev/null -w '%{http_code}' -H "$H" -H "If-None-Match: $ETAG" "$GW/api/v1/clones")"
echo "  GET /api/v1/packages: $($CURL -fsS -H "$H" "$GW/api/v1/packages?limit=5" | python3 -c 'import json,sys; print(", ".join(p["id"][:8] + " (" + str(p["sizeBytes"]) + " B)" for p in json.load(sys.stdin)["items"]))')"
$CURL -fsS -H "$H" -H 'Range: bytes=0-3' "$GW/api/v1/packages/$PACKAGE_ID/archive" -o "$STATE/cli/range.bin" \
  -w '  GET /api/v1/packages/{id}/archive with Range: bytes=0-3: HTTP %{http_code}, '
echo "$(od -An -c "$STATE/cli/range.bin" | tr -s ' ') (a ZIP starts with PK)"
echo "  GET /api/v1/conflicts: $($CURL -fsS -H "$H" "$GW/api/v1/conflicts?limit=100" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]), "conflicts")')"
echo "  GET /api/v1/sync/history: $($CURL -fsS -H "$H" "$GW/api/v1/sync/history?limit=100" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]), "history items")')"
echo "  unknown package: HTTP $($CURL -s -o /dev/null -w '%{http_code}' -H "$H" "$GW/api/v1/packages/00000000-0000-4000-8000-000000000000"), malformed id: HTTP $($CURL -s -o /dev/null -w '%{http_code}' -H "$H" "$GW/api/v1/packages/not-an-id")"

say "Walk 12d: deploy through central: assign the walk's package to clone-a (it synced past that package, and edits a parcel now); at its next contact clone-a sends its edit first, goes back to the package, and its next sync brings back everything since, its own edit included"
CLONE_A=$(psql_db clone-a -At -c "SELECT server_id::text FROM lizsync.server_metadata")
psql_db clone-a -c "UPDATE field.parcel SET owner = 'edited on clone-a before its redeploy' WHERE code = 'P-004'" >/dev/null
JOB=$($CLI deploy --clone "$CLONE_A" --package-id "$PACKAGE_ID" --no-wait | sed -n 's/^job id: //p')
[ -n "$JOB" ] || { echo "run-local: no deploy job was made" >&2; false; }
echo "  job $JOB: $($CLI job-show "$JOB" --json | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["state"], "-", j.get("step"))')"
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-a]}" $CLI synchronize >"$STATE/logs/assigned-sync.log" 2>&1 || true
if ! $CLI job-follow "$JOB" >"$STATE/logs/assigned-job.log" 2>&1; then
  echo "run-local: clone-a did not deploy the assigned package:" >&2; cat "$STATE/logs/assigned-job.log" >&2; false
fi
echo "  $(grep -m1 'lizsync: job' "$STATE/logs/assigned-job.log" | cut -c1-220)"
echo "  central has clone-a's edit: $(psql_db central -At -c "SELECT owner FROM field.parcel WHERE code = 'P-004'")"
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-a]}" $CLI synchronize | sed 's/^/  clone-a syncs on: /'
[ "$(psql_db clone-a -At -c "SELECT owner FROM field.parcel WHERE code = 'P-004'")" = "edited on clone-a before its redeploy" ] \
  || { echo "run-local: clone-a's own edit did not come back after its redeploy" >&2; false; }
$CLI clones > "$STATE/cli/clones.txt"
sed 's/^/  /' "$STATE/cli/clones.txt"
grep -q "^$CLONE_A  clone-a " "$STATE/cli/clones.txt" || { echo "run-local: lizsync clones does not list clone-a" >&2; false; }
$CLI clone-show --clone "$CLONE_A" | grep -E '^(name|lastSync|toClone|toCentral|kind|status):' | sed 's/^/  /'

say "Walk 12e: a sync as a job through the gateway: request clone-b's sync over REST with the CLI; clone-b's next session runs as it; then the dashboard's overview as a browser gets it"
psql_db central -c "UPDATE field.observation SET remarks = 'checked from central (walk 12e)' WHERE id = (SELECT min(id) FROM field.observation)" >/dev/null
SJOB=$($CLI synchronize --clone clone-b --no-wait | sed -n 's/^job id: //p')
[ -n "$SJOB" ] || { echo "run-local: no sync job was made" >&2; false; }
job_line() { $CLI job-show "$1" --json | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["state"], "-", j.get("step") or "", "-", j.get("message") or "")'; }
echo "  job $SJOB: $(job_line "$SJOB")"
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-b]}" $CLI synchronize | sed 's/^/  clone-b syncs: /'
line=$(job_line "$SJOB")
echo "  job $SJOB: $line"
case "$line" in succeeded*) ;; *) echo "run-local: the requested sync did not succeed: $line" >&2; false ;; esac
ui=$($CURL -fsS -b "$JAR_COOKIES" "$GW/ui/")
echo "  GET /ui/ with the session cookie: $(grep -c 'data-clone-id=' <<<"$ui") clone rows;" \
  "clone-b is $(grep -o 'data-clone-name="clone-b" data-state="[a-z]*"' <<<"$ui" | sed 's/.*data-state="//;s/"//')"
grep -q 'data-page="overview"' <<<"$ui" || { echo "run-local: the dashboard's overview did not answer" >&2; false; }

say "Walk 12f: a mobile device through the gateway (seed 003) with the reference client lizsync device: its first download, an edit on clone-a, the device's delta holding it, an upload from the device, and that row on clone-a after its sync"
FIELD_CLI="env XDG_CONFIG_HOME=$STATE/cli-field LIZSYNC_CA_FILE=$CA java -jar $(app cli)"
mkdir -p "$STATE/cli-field"; chmod 700 "$STATE/cli-field"
rm -f "$STATE/cli-field/observation.state"   # a new device each walk: an earlier walk's checkpoint is not its own
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$STATE/cli-field/password"; chmod 600 "$STATE/cli-field/password"
python3 -c 'import json,sys; print(json.dumps({"login": "fieldy", "password": open(sys.argv[1]).read().strip(), "roles": ["field"]}))' \
  "$STATE/cli-field/password" | $CURL -fsS -H "$H" -H 'Content-Type: application/json' --data-binary @- "$GW/api/v1/users" >/dev/null
WALK_PROJECT=$($CURL -fsS -H "$H" -H 'Content-Type: application/json' \
  -d '{"key":"walk-survey","title":"Walk survey","allowedRoles":["field"]}' "$GW/api/v1/projects" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
$CURL -fsS -H "$H" -H 'Content-Type: application/json' -X PUT "$GW/api/v1/projects/$WALK_PROJECT/layers" \
  -d '{"layers":[{"table":{"schema":"field","table":"observation"},"title":"Observations","geometryColumn":"geom","editable":true}]}' >/dev/null
$FIELD_CLI login --user fieldy --password-file "$STATE/cli-field/password" | sed 's/^/  /'
DEVICE=$(python3 -c 'import uuid; print(uuid.uuid4())')
DEV_OPTS="--project $WALK_PROJECT --layer field.observation --device $DEVICE"
$FIELD_CLI device register --device "$DEVICE" --name "tablet of the walk" | sed 's/^/  /'
$FIELD_CLI device layers --project "$WALK_PROJECT" | head -4 | sed 's/^/  /'
echo "  the device's first download (each request shown):"
$FIELD_CLI device pull $DEV_OPTS --state "$STATE/cli-field/observation.state" --rows "$STATE/cli-field/first.ndjson" \
  --verbose 2>&1 | sed 's/^/    /'
first_rows=$(wc -l < "$STATE/cli-field/first.ndjson")
[ "$first_rows" = "$(psql_db central -At -c "SELECT count(*) FROM field.observation")" ] \
  || { echo "run-local: the device's first download has $first_rows rows, central more or fewer" >&2; false; }
psql_db clone-a -c "UPDATE field.observation SET remarks = 'edited on clone-a (walk 12f)' WHERE id = (SELECT max(id) FROM field.observation WHERE id < 100)" >/dev/null
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-a]}" $CLI synchronize | sed 's/^/  clone-a syncs: /'
delta=$($FIELD_CLI device pull $DEV_OPTS --state "$STATE/cli-field/observation.state" --json)
echo "  the device's delta: $(python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["rows"]), "row(s):", "; ".join(str(r["row"]["id"]) + " " + str(r["row"]["remarks"]) for r in d["rows"]))' <<<"$delta")"
grep -q 'edited on clone-a (walk 12f)' <<<"$delta" || { echo "run-local: the clone's edit is not in the device's delta" >&2; false; }
cat > "$STATE/cli-field/new.geojson" <<'GEOJSON'
{"type": "FeatureCollection", "features": [{"type": "Feature",
 "properties": {"species": "Upupa epops", "count": 1, "observer": "tablet of the walk", "remarks": "seen from the device"},
 "geometry": {"type": "Point", "coordinates": [3.8767, 43.6108]}}]}
GEOJSON
$FIELD_CLI device push $DEV_OPTS --file "$STATE/cli-field/new.geojson" --srid 4326 --key walk-12f-upload 2>/dev/null | sed 's/^/  upload: /'
$FIELD_CLI device push $DEV_OPTS --file "$STATE/cli-field/new.geojson" --srid 4326 --key walk-12f-upload 2>/dev/null | head -1 | sed 's/^/  the same upload retried: /'
LIZSYNC_SIDECAR="127.0.0.1:${PORT[sync-clone-a]}" $CLI synchronize | sed 's/^/  clone-a syncs: /'
on_clone=$(psql_db clone-a -At -c "SELECT count(*) FROM field.observation WHERE observer = 'tablet of the walk'")
echo "  clone-a holds the device's observation: $on_clone row(s) (central: $(psql_db central -At -c "SELECT count(*) FROM field.observation WHERE observer = 'tablet of the walk'"))"
[ "$on_clone" = 1 ] || { echo "run-local: the device's row did not reach clone-a exactly once" >&2; false; }

say "Walk 12g: files over FTP (explicit FTPS, certificates verified) through the gateway with the CLI (seed 002): clone-a gets the projects from central's FTP, adapted to its database; sends its project folder to its own FTP; sends its media/upload/ to central's FTP"
FILES_LOG=$STATE/logs/cli-files.log
GET_ARGS=(--remote-dir qgis --adapt --central-db "host=127.0.0.1 port=${DB[central]} dbname=lizsync"
          --clone-db "host=127.0.0.1 port=${DB[clone-a]} dbname=lizsync user=postgres")
echo "  lizsync get-projects-from-central-ftp --remote-dir qgis --adapt --central-db '...' --clone-db '...' (data/ left out by default):"
$CLI get-projects-from-central-ftp "${GET_ARGS[@]}" 2>>"$FILES_LOG" | sed 's/^/    /'
QGS_A=$STATE/clone-a-qgis/field-survey.qgs
[ -f "$QGS_A" ] && [ -f "$QGS_A.lizsync-orig" ] || { echo "run-local: the project or its original did not land in clone-a's folder" >&2; false; }
[ ! -e "$STATE/clone-a-qgis/data" ] || { echo "run-local: the excluded data/ folder was fetched" >&2; false; }
echo "  the observations' data source on central's FTP, then in clone-a's project folder:"
grep -m1 -o '<datasource>[^<]*' "$FTP/central/qgis/field-survey.qgs" | sed 's/<datasource>/    central: /'
grep -m1 -o '<datasource>[^<]*' "$QGS_A" | sed 's/<datasource>/    clone-a: /'
[ "$(grep -c "port=${DB[clone-a]}" "$QGS_A")" -ge 4 ] && [ "$(grep -c "port=${DB[central]}" "$QGS_A")" = 0 ] \
  && grep -q "host=ref.example port=5432" "$QGS_A" \
  || { echo "run-local: the project was not adapted to clone-a's database (or another database's layer was touched)" >&2; false; }
echo "  the same again, nothing changed on central (the cache: no transfer):"
$CLI get-projects-from-central-ftp "${GET_ARGS[@]}" 2>>"$FILES_LOG" | head -1 | sed 's/^/    /'
echo "  lizsync send-projects-to-clone-ftp (clone-a's project folder to clone-a's FTP; the original kept here stays here):"
$CLI send-projects-to-clone-ftp 2>>"$FILES_LOG" | sed 's/^/    /'
echo "  on clone-a's FTP: $(cd "$FTP/clone-a" && find . -type f ! -name '.*' | sed 's|^\./||' | sort | tr '\n' ' ')"
cmp -s "$QGS_A" "$FTP/clone-a/field-survey.qgs" || { echo "run-local: clone-a's FTP does not hold the adapted project" >&2; false; }
echo "  lizsync synchronize-media-to-central-ftp (missing or different files sent, nothing deleted):"
MEDIA_OUT=$($CLI synchronize-media-to-central-ftp 2>>"$FILES_LOG")
sed 's/^/    /' <<<"$MEDIA_OUT"
echo "  central's media/upload/: $(ls "$FTP/central/media/upload" | tr '\n' ' ')"
cmp -s "$STATE/clone-a-qgis/media/upload/photo-hoopoe.jpg" "$FTP/central/media/upload/photo-hoopoe.jpg" \
  && grep -q '^1 transferred' <<<"$MEDIA_OUT" \
  || { echo "run-local: the new photo did not reach central's media/upload/ alone" >&2; false; }

say "Walk 13: no password or token of this run in any log"
leaks=0
for secret in "$(cat "$KEYS/admin-password")" "$(sed -n 2p "$KEYS/package-signing.key")" \
              "$(cat "$STATE/sidecar-clone-a/local-token")" "$(sed -n 2p "$TLS/service.key")" \
              "$(cat "$KEYS/service-token")" "$(cat "$STATE/import/clone-b.ticket")" \
              "$(cut -d. -f2 "$STATE/sidecar-clone-a/credential")" \
              "$(sed -n 's/^session=//p' "$STATE/cli/lizsync/session")" "$(cat "$STATE/cli-field/password")" \
              "$API_TOKEN" "$CSRF" \
              "$(sed -n 's/.*lizsync_session\t//p' "$JAR_COOKIES")" "$(cat "$FTP/central.password")" "$(cat "$FTP/clone-a.password")" \
              "$(cat "$FTP/tls.password")" \
              $(for n in central clone-a clone-b tablet; do db_password "$n"; done); do
  [ -n "$secret" ] || continue
  if grep -rqF -- "$secret" "$STATE/logs"; then leaks=$((leaks + 1)); fi
done
echo "  administrator password, package-signing key, a local token, the TLS key, the services' token, a registration ticket,"
echo "  a clone's exchange secret, the CLI's session token, the gateway's API token, CSRF token and session cookie,"
echo "  2 FTP passwords and the FTP servers' key store password, 4 database passwords: $leaks found in $STATE/logs"
[ "$leaks" = 0 ] || { echo "run-local: a secret of this run is in a log" >&2; false; }

say "Walk 14: health of every service"
for name in gateway registry packaging sync-central files sync-clone-a sync-clone-b sync-tablet; do
  printf '  %-14s %s\n' "$name" "$($CURL -fsS "https://127.0.0.1:${PORT[$name]}/q/health" | tr -d '\n ' | cut -c1-150)"
done
trap - ERR

say "The system is running"
echo "  addresses: $STATE/system.json    logs: $STATE/logs/"
echo "  REST API: $GW/api/v1  (OpenAPI: $GW/q/openapi, Swagger UI: $GW/q/swagger-ui/)"
echo "  an API token of the administrator (also in $STATE/api-token, 0600):"
echo "    $API_TOKEN"
echo "  try: curl --cacert $CA -H \"Authorization: Bearer \$(cat $STATE/api-token)\" $GW/api/v1/clones"
echo "  dashboard: $GW/ui/  (trust $CA in the browser, or accept its certificate)"
echo "    log in as admin, password in $KEYS/admin-password: $(cat "$KEYS/admin-password")"
if $EXIT_AFTER; then
  scripts/stop-local.sh
  exit 0
fi
echo "  Ctrl-C (or scripts/stop-local.sh from another shell) stops everything."
trap 'echo; scripts/stop-local.sh; exit 0' INT TERM
while [ -f "$STATE/system.json" ]; do sleep 2; done
