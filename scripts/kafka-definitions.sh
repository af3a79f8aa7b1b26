#!/usr/bin/env bash
# Extracts Apache Kafka's JSON message definitions (common/message/*.json, shipped inside the
# kafka-clients jar on Maven Central) into .cache/kafka-definitions/<version>/, for the protocol
# generator and its staleness test. Two releases are extracted (scripts/kafka-release.json):
# the current one, and a legacy one that still defines the old API versions Kafka 4 removed
# (KIP-896) and Brook keeps serving. Prints the two directories, current first.
#   scripts/kafka-definitions.sh [--offline]   (--offline: use only what is already cached)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
release="$root/scripts/kafka-release.json"
current=$(node -e "process.stdout.write(require('$release').kafka)")
legacy=$(node -e "process.stdout.write(require('$release').legacyDefinitions)")
m2="${MAVEN_REPO:-$HOME/.m2/repository}"

extract() {
  local version="$1" out="$root/.cache/kafka-definitions/$1"
  if [ -f "$out/.complete" ]; then echo "$out"; return 0; fi
  local jar="$m2/org/apache/kafka/kafka-clients/$version/kafka-clients-$version.jar"
  if [ ! -f "$jar" ]; then
    if [ "$offline" = 1 ]; then echo "kafka-definitions: kafka-clients $version is not in $m2" >&2; return 1; fi
    mvn -q -B dependency:get -Dartifact="org.apache.kafka:kafka-clients:$version" -Dtransitive=false >&2
  fi
  rm -rf "$out" && mkdir -p "$out"
  unzip -q -o -j "$jar" 'common/message/*.json' -d "$out"
  touch "$out/.complete"
  echo "$out"
}
offline=0
[ "${1:-}" = "--offline" ] && offline=1
extract "$current"
extract "$legacy"
