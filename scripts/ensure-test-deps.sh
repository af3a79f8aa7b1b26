#!/usr/bin/env bash
# Makes sure the real clients the integration tests drive are on this machine:
# kcat, and python3-confluent-kafka / python3-kafka for /usr/bin/python3 (Debian packages);
# Debian's chromium for browser tests (EventSource, the console); curl; the PyPI virtualenv of the
# gateway suite (confluent-kafka's SchemaRegistryClient and serializers, schemathesis); for MQTT
# mosquitto-clients, python3-paho-mqtt and mosquitto (the benchmark's peer); for AMQP amqp-tools
# (rabbitmq-c), python3-pika and rabbitmq-server (the differential test's referee).
# Installs what is missing when it can (root with apt-get). Under CI=true a client that is
# still missing fails the run; elsewhere the tests that need it are skipped with a message.
set -u
missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v curl >/dev/null 2>&1 || missing+=(curl)
/usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
/usr/bin/python3 -c 'import confluent_kafka' >/dev/null 2>&1 || missing+=(python3-confluent-kafka)
/usr/bin/python3 -c 'import kafka' >/dev/null 2>&1 || missing+=(python3-kafka)
# MQTT clients (test/mqtt) and mosquitto, the MQTT benchmark's peer.
command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
/usr/bin/python3 -c 'import paho.mqtt.client' >/dev/null 2>&1 || missing+=(python3-paho-mqtt)
# AMQP 0-9-1 clients (test/amqp): rabbitmq-c's command-line tools and pika.
command -v amqp-publish >/dev/null 2>&1 || missing+=(amqp-tools)
/usr/bin/python3 -c 'import pika' >/dev/null 2>&1 || missing+=(python3-pika)
# A real RabbitMQ for the AMQP differential test and benchmark (started by them on free ports).
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)

# The Kafka message definitions the protocol staleness test regenerates from (kafka-clients jars).
definitions() {
  bash "$(dirname "$0")/kafka-definitions.sh" >/dev/null && return 0
  if [ "${CI:-}" = "true" ]; then echo "ensure-test-deps: could not extract the Kafka message definitions" >&2; exit 1; fi
  echo "ensure-test-deps: Kafka message definitions unavailable; the staleness test will be skipped" >&2
}
# The interop suites' clients (Java, Python, Go; scripts/interop-setup.sh): built once, then reused.
interop() {
  bash "$(dirname "$0")/interop-setup.sh" && return 0
  if [ "${CI:-}" = "true" ]; then echo "ensure-test-deps: the interop suites could not be built" >&2; exit 1; fi
  echo "ensure-test-deps: some interop suites are not built; their tests will be skipped" >&2
}
# The Apache Kafka broker the Kafka test pass and the differential tests run beside Brook
# (scripts/kafka/kafka-dist.sh: Maven Central only, cached under .cache/kafka/<version>).
kafka_dist() {
  bash "$(dirname "$0")/kafka/kafka-dist.sh" >/dev/null && return 0
  if [ "${CI:-}" = "true" ]; then echo "ensure-test-deps: could not fetch the Apache Kafka broker from Maven Central" >&2; exit 1; fi
  echo "ensure-test-deps: Apache Kafka broker unavailable; npm test will skip its Kafka pass" >&2
}
# The gateway suite's PyPI packages, in the project's own virtualenv (scripts/python-venv.sh).
gateway_venv() {
  bash "$(dirname "$0")/python-venv.sh" gateway "$(dirname "$0")/../test/gateway/requirements.txt" >/dev/null && return 0
  if [ "${CI:-}" = "true" ]; then echo "ensure-test-deps: could not create the gateway test virtualenv" >&2; exit 1; fi
  echo "ensure-test-deps: gateway test virtualenv unavailable; the tests that need it will be skipped" >&2
}
if [ ${#missing[@]} -eq 0 ]; then definitions; interop; kafka_dist; gateway_venv; exit 0; fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null || true
fi

still=()
command -v kcat >/dev/null 2>&1 || still+=(kcat)
command -v unzip >/dev/null 2>&1 || still+=(unzip)
command -v chromium >/dev/null 2>&1 || still+=(chromium)
command -v curl >/dev/null 2>&1 || still+=(curl)
/usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || still+=(python3-venv)
/usr/bin/python3 -c 'import confluent_kafka' >/dev/null 2>&1 || still+=(python3-confluent-kafka)
/usr/bin/python3 -c 'import kafka' >/dev/null 2>&1 || still+=(python3-kafka)
command -v mosquitto_sub >/dev/null 2>&1 || still+=(mosquitto-clients)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || still+=(mosquitto)
/usr/bin/python3 -c 'import paho.mqtt.client' >/dev/null 2>&1 || still+=(python3-paho-mqtt)
command -v amqp-publish >/dev/null 2>&1 || still+=(amqp-tools)
/usr/bin/python3 -c 'import pika' >/dev/null 2>&1 || still+=(python3-pika)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || still+=(rabbitmq-server)
if [ ${#still[@]} -gt 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "ensure-test-deps: missing test clients under CI: ${still[*]}" >&2
    exit 1
  fi
  echo "ensure-test-deps: missing ${still[*]}; tests that need them will be skipped" >&2
fi
definitions
interop
kafka_dist
gateway_venv
exit 0
