#!/bin/bash
# Runs the Docker deployment for real, on a machine with a Docker engine: builds the image, brings up
# docker-compose.yml (one gateway, Postgres, Redis) and cluster-compose.yml (three clustered gateways)
# in turn, each with a mock OpenAI provider container, checks them, and tears everything down.
# Published ports bind 127.0.0.1 only. Exit status 0 when every check passed.
#
#   docker/smoke-test.sh                 # full multi-stage build (the build container needs Maven Central)
#   docker/smoke-test.sh --runtime-only  # image from target/switchboard.jar (mvn -B -q package -DskipTests)
#
# Images (defaults: the compose files' and Dockerfile's): BUILD_IMAGE, RUNTIME_IMAGE, POSTGRES_IMAGE,
# REDIS_IMAGE; docker/debian-images.sh builds Debian stand-ins for all four. SWITCHBOARD_IMAGE is the tag
# built and run (default switchboard:smoke). COMPOSE picks the Compose command (default: `docker compose`
# where the plugin is installed, else `docker-compose`). Needs bash, curl and a JDK's javac on the host.
set -euo pipefail
cd "$(dirname "$0")/.."

export SWITCHBOARD_IMAGE=${SWITCHBOARD_IMAGE:-switchboard:smoke}
export LITELLM_MASTER_KEY="sk-smoke-master-$RANDOM$RANDOM"
if [ -z "${COMPOSE:-}" ]; then
  if docker compose version >/dev/null 2>&1; then COMPOSE="docker compose"; else COMPOSE=docker-compose; fi
fi
failures=0
project=""
compose_files=()

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
holds() { if "$@"; then echo 0; else echo 1; fi; } # holds TEST...: 0 or 1, without tripping set -e
check() { # check NAME STATUS(0 passes) DETAIL
  if [ "$2" = 0 ]; then log "PASS $1${3:+ ($3)}"; else log "FAIL $1${3:+ ($3)}"; failures=$((failures + 1)); fi
}
compose() {
  local args=() file
  for file in "${compose_files[@]}"; do args+=(-f "$file"); done
  $COMPOSE -p "$project" "${args[@]}" "$@"
}
teardown() {
  if [ -n "$project" ]; then
    if [ "$failures" -gt 0 ]; then compose logs --no-color --tail=80 >&2 || true; fi
    compose down -v --remove-orphans >/dev/null 2>&1 || true
    project=""
  fi
}
trap 'teardown; rm -rf "${mock_dir:-}"' EXIT
trap 'exit 130' INT TERM

# curl_json METHOD URL KEY [BODY]: prints "STATUS BODY"
curl_json() {
  local out status
  out=$(mktemp)
  status=$(curl -sS -o "$out" -w '%{http_code}' -X "$1" "$2" -H "Authorization: Bearer $3" \
    -H 'Content-Type: application/json' ${4:+--data "$4"} || echo 000)
  echo "$status $(cat "$out")"
  rm -f "$out"
}
json_field() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p" | head -n 1; }
chat() { curl_json POST "http://127.0.0.1:$1/v1/chat/completions" "$2" \
  '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}' | cut -d' ' -f1; }
wait_ready() { # wait_ready PORT SECONDS: readiness 200 with the database and Redis connected
  local deadline=$((SECONDS + $2)) body
  while [ $SECONDS -lt $deadline ]; do
    body=$(curl -fsS "http://127.0.0.1:$1/health/readiness" 2>/dev/null || true)
    case "$body" in *'"db":"connected"'*'"redis":"connected"'* | *'"redis":"connected"'*'"db":"connected"'*) echo "$body"; return 0 ;; esac
    sleep 1
  done
  return 1
}
spend_rows() { # spend_rows KEY_HASH: successful rows of that key in Postgres
  compose exec -T postgres psql -U switchboard -d switchboard -tAc \
    "SELECT count(*) FROM spend_logs WHERE api_key = '$1' AND status = 200" 2>/dev/null | tr -d '[:space:]'
}
health() { # health SERVICE: the container's health status
  docker inspect -f '{{.State.Health.Status}}' "$(compose ps -q "$1")" 2>/dev/null || true
}
members() { # members N: how many members gateway-N last logged that it sees
  compose logs --no-color "gateway-$1" 2>/dev/null | grep -o "Cluster 'switchboard': [0-9]* member" | tail -n 1 \
    | grep -o '[0-9]*' || true
}
poll() { # poll SECONDS WANTED COMMAND...: runs COMMAND each second until it prints WANTED; prints its last output
  local deadline=$((SECONDS + $1)) wanted=$2 out=""
  shift 2
  while [ $SECONDS -lt $deadline ]; do
    out=$("$@" || true)
    [ "$out" = "$wanted" ] && break
    sleep 1
  done
  echo "${out:-none}"
}
up() { # brings the stack up, or says why not and stops
  local out
  if ! out=$(compose up -d --no-build 2>&1); then
    check "$project comes up" 1 "$(echo "$out" | grep -i error | head -n 3)"
    exit 1
  fi
}
new_key() { # new_key PORT BODY: prints "KEY HASH"
  local answer
  answer=$(curl_json POST "http://127.0.0.1:$1/key/generate" "$LITELLM_MASTER_KEY" "$2")
  echo "$(echo "$answer" | json_field key) $(echo "$answer" | json_field token)"
}

log "building $SWITCHBOARD_IMAGE (${1:-full build})"
if [ "${1:-}" = --runtime-only ]; then
  [ -f target/switchboard.jar ] || { echo "no target/switchboard.jar: mvn -B -q package -DskipTests" >&2; exit 2; }
  docker build -q -f docker/Dockerfile.runtime ${RUNTIME_IMAGE:+--build-arg RUNTIME_IMAGE=$RUNTIME_IMAGE} \
    -t "$SWITCHBOARD_IMAGE" . >/dev/null
else
  docker build -q -f docker/Dockerfile ${BUILD_IMAGE:+--build-arg BUILD_IMAGE=$BUILD_IMAGE} \
    ${RUNTIME_IMAGE:+--build-arg RUNTIME_IMAGE=$RUNTIME_IMAGE} -t "$SWITCHBOARD_IMAGE" . >/dev/null
fi
check "image builds" 0 "$(docker image inspect -f '{{.Size}}' "$SWITCHBOARD_IMAGE" | awk '{printf "%d MB", $1/1e6}')"

mock_dir=$(mktemp -d)
javac --release 17 -d "$mock_dir" docker/smoke/MockOpenAi.java
chmod -R a+rX "$mock_dir"
export SMOKE_MOCK_DIR=$mock_dir

log "single gateway: docker/docker-compose.yml ($COMPOSE)"
project=switchboard-smoke
compose_files=(docker/docker-compose.yml docker/smoke/mock.yml docker/smoke/single.yml)
up
ready=$(wait_ready 4100 180) && status=0 || status=1
check "gateway ready with Postgres and Redis connected" $status "$ready"
health=$(poll 40 healthy health switchboard)
check "the container's healthcheck follows --port 4100" "$(holds [ "$health" = healthy ])" "$health"
read -r key hash < <(new_key 4100 '{"key_alias":"smoke"}')
check "/key/generate" "$(holds [ "${key#sk-}" != "$key" ])" "${key:0:6}..."
status=$(chat 4100 "$key"); check "chat through the mock provider" "$(holds [ "$status" = 200 ])" "HTTP $status"
rows=$(poll 20 1 spend_rows "$hash"); check "one spend row in Postgres" "$(holds [ "$rows" = 1 ])" "$rows row(s)"
teardown

log "three gateways: docker/cluster-compose.yml"
project=switchboard-smoke-cluster
compose_files=(docker/cluster-compose.yml docker/smoke/mock.yml docker/smoke/cluster.yml)
up
for port in 4001 4002 4003; do
  wait_ready $port 240 >/dev/null && status=0 || status=1
  check "gateway on $port ready" $status
done
for n in 1 2 3; do
  members=$(poll 60 3 members "$n")
  check "gateway-$n sees one cluster of 3 members" "$(holds [ "$members" = 3 ])" "$members members"
  health=$(poll 40 healthy health "gateway-$n"); check "gateway-$n container healthy (port 4000)" "$(holds [ "$health" = healthy ])" "$health"
done
read -r revoked revoked_hash < <(new_key 4001 '{"key_alias":"smoke-revoked"}')
ok=0
for port in 4002 4003; do [ "$(chat $port "$revoked")" = 200 ] || ok=1; done
check "a key made on gateway-1 works on gateways 2 and 3" $ok
curl_json POST http://127.0.0.1:4001/key/block "$LITELLM_MASTER_KEY" "{\"key\":\"$revoked\"}" >/dev/null
blocked_at=$(date +%s%N)
refused=""
for _ in $(seq 20); do
  s2=$(chat 4002 "$revoked"); s3=$(chat 4003 "$revoked")
  if [ "$s2" != 200 ] && [ "$s3" != 200 ]; then refused="$s2/$s3"; break; fi
  sleep 0.1
done
elapsed_ms=$((($(date +%s%N) - blocked_at) / 1000000))
if [ -n "$refused" ] && [ "$elapsed_ms" -le 1000 ]; then within=0; else within=1; fi
check "a key blocked on gateway-1 is refused by gateways 2 and 3 within a second" "$within" "HTTP ${refused:-200}, ${elapsed_ms} ms"
read -r limited limited_hash < <(new_key 4001 '{"key_alias":"smoke-rpm","rpm_limit":2}')
statuses="$(chat 4001 "$limited") $(chat 4002 "$limited") $(chat 4003 "$limited")"
check "rpm_limit 2 shared through Redis across the three gateways" "$(holds [ "$statuses" = "200 200 429" ])" "$statuses"
rows=$(poll 20 2 spend_rows "$revoked_hash"); check "the blocked key's 2 answers: 2 spend rows" "$(holds [ "$rows" = 2 ])" "$rows"
rows=$(poll 20 2 spend_rows "$limited_hash"); check "the limited key's 2 answers: 2 spend rows" "$(holds [ "$rows" = 2 ])" "$rows"
teardown

if [ "$failures" -gt 0 ]; then log "$failures check(s) failed"; exit 1; fi
log "all checks passed"
