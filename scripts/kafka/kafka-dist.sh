#!/usr/bin/env bash
# Brings the Apache Kafka broker (org.apache.kafka:kafka_<scala>, the version in
# scripts/kafka-release.json) and its runtime dependencies from Maven Central into
# .cache/kafka/<version>/libs, and prints that directory. The reference broker the tests and the
# vs-kafka benchmark run beside Brook is started from these jars (test/helpers/kafka-broker.ts);
# nothing is downloaded from anywhere but Maven Central, and a complete copy is reused.
#   scripts/kafka/kafka-dist.sh [--offline]   (--offline: only report what is already cached)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
release="$root/scripts/kafka-release.json"
version=$(node -e "process.stdout.write(require('$release').kafka)")
scala=$(node -e "process.stdout.write(require('$release').scala)")
out="$root/.cache/kafka/$version"
libs="$out/libs"
if [ -f "$out/.complete" ]; then echo "$libs"; exit 0; fi
if [ "${1:-}" = "--offline" ]; then echo "kafka-dist: Kafka $version is not in $out" >&2; exit 1; fi
command -v java >/dev/null 2>&1 || { echo "kafka-dist: java is not installed (Kafka $version needs Java 17+)" >&2; exit 1; }
command -v mvn >/dev/null 2>&1 || { echo "kafka-dist: mvn is not installed" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$libs"
mvn -q -B -f "$root/scripts/kafka/pom.xml" dependency:copy-dependencies \
  -Dkafka.version="$version" -Dscala.binary="$scala" -DincludeScope=runtime -DoutputDirectory="$libs" >&2
jar="$libs/kafka_$scala-$version.jar"
[ -f "$jar" ] || { echo "kafka-dist: $jar is missing after the Maven copy" >&2; exit 1; }
echo "$version" > "$out/.complete"
echo "$libs"
