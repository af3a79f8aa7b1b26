#!/usr/bin/env bash
# Builds the clients of the interop suites (test/interop) once, so each scenario then runs without a build tool:
#   java    interop/java   Maven: kafka-clients + kafka-streams of the release in scripts/kafka-release.json
#                          (and RabbitMQ's amqp-client, version in interop/java/pom.xml)
#   python  interop/python a PyPI virtualenv (scripts/python-venv.sh) with confluent-kafka and aiokafka
#   go      interop/go     franz-go (kgo, kadm), built to one binary
# Each suite that builds writes a ready file under .cache/interop/ (java.classpath, python.path, go.path); the
# tests run only suites whose file exists. A suite is rebuilt only when its sources change (stamp files).
#   scripts/interop-setup.sh [java|python|go ...]   (default: all three; exit 1 if any failed)
# Downloads go to the usual caches: ~/.m2 (Maven Central), the Go module cache, the venv (PyPI).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.cache/interop"
mkdir -p "$out"
kafka=$(node -e "process.stdout.write(require('$root/scripts/kafka-release.json').kafka)")

# A hash of a suite's sources (and anything else its build depends on), to skip unchanged rebuilds.
fingerprint() {
  (cd "$root" && find "$@" -type f -not -path '*/target/*' -not -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum; echo "kafka $kafka") | sha256sum | cut -d' ' -f1
}

log() { echo "interop-setup: $*" >&2; }

build_java() {
  local ready="$out/java.classpath" stamp="$out/java.stamp" dir="$root/interop/java" want
  want=$(fingerprint interop/java)
  if [ -f "$ready" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && all_exist "$(cat "$ready")"; then return 0; fi
  rm -f "$ready"
  command -v mvn >/dev/null && command -v java >/dev/null || { log "java: mvn or java is not installed"; return 1; }
  local args=(-B -q -Dstyle.color=never "-Dkafka.version=$kafka" -f "$dir/pom.xml" compile)
  # Offline first (everything is usually in ~/.m2 already); online on a fresh machine.
  if ! mvn -o "${args[@]}" >"$out/java-build.log" 2>&1; then
    log "java: building with Maven (downloads kafka-clients/kafka-streams $kafka and amqp-client on a fresh machine)"
    mvn "${args[@]}" >"$out/java-build.log" 2>&1 || { tail -40 "$out/java-build.log" >&2; log "java: build failed"; return 1; }
  fi
  echo "$dir/target/classes:$(cat "$dir/target/classpath.txt")" > "$ready"
  echo "$want" > "$stamp"
}

# Every entry of a classpath still exists (a cleaned ~/.m2 forces a rebuild).
all_exist() {
  local IFS=: entry
  for entry in $1; do [ -e "$entry" ] || return 1; done
}

build_python() {
  local ready="$out/python.path" python
  rm -f "$ready"
  python=$(bash "$root/scripts/python-venv.sh" interop "$root/interop/python/requirements.txt") || { log "python: virtualenv setup failed"; return 1; }
  "$python" -c 'import confluent_kafka, aiokafka' || { log "python: confluent_kafka/aiokafka do not import"; return 1; }
  echo "$python" > "$ready"
}

build_go() {
  local ready="$out/go.path" stamp="$out/go.stamp" bin="$out/brook-interop-go" want
  want=$(fingerprint interop/go)
  if [ -f "$ready" ] && [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  rm -f "$ready"
  command -v go >/dev/null || { log "go: the go command is not installed"; return 1; }
  (cd "$root/interop/go" && go build -buildvcs=false -o "$bin" .) >"$out/go-build.log" 2>&1 || { tail -40 "$out/go-build.log" >&2; log "go: build failed"; return 1; }
  echo "$bin" > "$ready"
  echo "$want" > "$stamp"
}

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(java python go)
failed=()
for suite in "${suites[@]}"; do
  start=$SECONDS
  if "build_$suite"; then
    [ $((SECONDS - start)) -gt 2 ] && log "$suite: ready in $((SECONDS - start)) s"
  else
    failed+=("$suite")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  log "not built: ${failed[*]} (their interop tests will fail under CI=true and be skipped otherwise)"
  exit 1
fi
exit 0
