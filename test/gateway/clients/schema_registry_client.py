"""Drives Brook's schema registry with confluent-kafka's own SchemaRegistryClient and its Avro
and JSON Schema serializers, producing and consuming through Brook's Kafka listener with
librdkafka. Prints one JSON object per step on stdout for the Node test to check.

usage: schema_registry_client.py <bootstrap> <registry-url> <phase>
  phase "write": register, produce, consume, evolve, check compatibility, delete
  phase "read":  after a restart, read back what "write" left
"""
import json
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

bootstrap, url, phase = sys.argv[1], sys.argv[2], sys.argv[3]
sr = SchemaRegistryClient({"url": url})

USER_V1 = json.dumps({"type": "record", "name": "User", "namespace": "example.avro", "fields": [
    {"name": "name", "type": "string"},
    {"name": "favorite_number", "type": ["null", "int"], "default": None}]})
USER_V2 = json.dumps({"type": "record", "name": "User", "namespace": "example.avro", "fields": [
    {"name": "name", "type": "string"},
    {"name": "favorite_number", "type": ["null", "int"], "default": None},
    {"name": "favorite_color", "type": "string", "default": "blue"}]})
USER_BAD = json.dumps({"type": "record", "name": "User", "namespace": "example.avro", "fields": [
    {"name": "name", "type": "string"}, {"name": "age", "type": "int"}]})
ORDER = json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "title": "Order", "type": "object",
                    "properties": {"id": {"type": "integer"}, "item": {"type": "string"}},
                    "required": ["id", "item"], "additionalProperties": False})


def out(step, **fields):
    print(json.dumps({"step": step, **fields}), flush=True)


def consume(topic, group, count, deserializer):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest"})
    c.subscribe([topic])
    got = []
    for _ in range(200):
        m = c.poll(0.5)
        if m is None or m.error():
            if len(got) >= count:
                break
            continue
        got.append(deserializer(m.value(), SerializationContext(topic, MessageField.VALUE)))
        if len(got) >= count:
            break
    c.close()
    return got


def write():
    producer = Producer({"bootstrap.servers": bootstrap})
    avro = AvroSerializer(sr, USER_V1)
    ctx = SerializationContext("users", MessageField.VALUE)
    for i in range(3):
        producer.produce("users", value=avro({"name": f"user-{i}", "favorite_number": i}, ctx))
    producer.flush(10)
    registered = sr.get_latest_version("users-value")
    out("avro-registered", id=registered.schema_id, version=registered.version, type=registered.schema.schema_type)
    users = consume("users", "py-avro", 3, AvroDeserializer(sr))
    out("avro-consumed", values=users)

    try:
        sr.register_schema("users-value", Schema(USER_BAD, "AVRO"))
        out("avro-incompatible", status=None)
    except SchemaRegistryError as e:
        out("avro-incompatible", status=e.http_status_code, code=e.error_code)
    out("avro-compatible", ok=sr.test_compatibility("users-value", Schema(USER_V2, "AVRO")))
    v2 = sr.register_schema("users-value", Schema(USER_V2, "AVRO"))
    out("avro-v2", id=v2, versions=sr.get_versions("users-value"))
    # A v2 writer, read back by a deserializer that only knows the registry (writer schema by id).
    producer.produce("users", value=AvroSerializer(sr, USER_V2)({"name": "user-3", "favorite_number": None, "favorite_color": "red"}, ctx))
    producer.flush(10)
    everyone = consume("users", "py-avro-2", 4, AvroDeserializer(sr))
    out("avro-mixed", values=everyone)

    js = JSONSerializer(ORDER, sr)
    octx = SerializationContext("orders", MessageField.VALUE)
    producer.produce("orders", value=js({"id": 1, "item": "book"}, octx))
    producer.flush(10)
    try:
        js({"id": "not a number", "item": "pen"}, octx)
        out("json-invalid", rejected=False)
    except Exception as e:  # SerializationError: validated against the schema from the registry
        out("json-invalid", rejected=True, error=type(e).__name__)
    orders = consume("orders", "py-json", 1, JSONDeserializer(ORDER))
    out("json-consumed", values=orders, id=sr.get_latest_version("orders-value").schema_id)

    sr.set_compatibility("orders-value", "FULL_TRANSITIVE")
    out("compat", subject=sr.get_compatibility("orders-value"), glob=sr.get_compatibility())
    out("subjects", subjects=sorted(sr.get_subjects()))

    sr.register_schema("scratch-value", Schema(json.dumps({"type": "string"}), "AVRO"))
    soft = sr.delete_subject("scratch-value")
    hard = sr.delete_subject("scratch-value", permanent=True)
    out("deleted", soft=soft, hard=hard, subjects=sorted(sr.get_subjects()))


def read():
    latest = sr.get_latest_version("users-value")
    first = sr.get_schema(1)
    out("after-restart", latest_version=latest.version, latest_id=latest.schema_id,
        first=json.loads(first.schema_str)["fields"][0]["name"], subjects=sorted(sr.get_subjects()),
        compat=sr.get_compatibility("orders-value"))
    users = consume("users", "py-avro-restart", 4, AvroDeserializer(sr))
    out("avro-after-restart", names=[u["name"] for u in users])


write() if phase == "write" else read()
