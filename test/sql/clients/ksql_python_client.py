"""Drives Brook's ksqlDB REST API with ksql-python-ng (PyPI `ksql-python-ng`, module `ksql`), unmodified.

Usage: ksql_python_client.py <base url> <topic suffix>
Prints one JSON object with what the client saw; the Node test asserts on it.
"""
import json
import sys

from ksql import KSQLAPI
from ksql.errors import KSQLError

url, suffix = sys.argv[1], sys.argv[2]
out = {}
client = KSQLAPI(url, timeout=60)  # reads GET /info on construction (check_version)
out["version"] = client.get_ksql_version()

name = f"PY_ORDERS_{suffix}"
created = client.ksql(
    f"CREATE STREAM {name} (id STRING KEY, item STRING, qty INT) "
    f"WITH (KAFKA_TOPIC='py_orders_{suffix}', VALUE_FORMAT='JSON', PARTITIONS=1);"
)
out["created"] = created[0]["commandStatus"]["message"]
client.ksql(f"INSERT INTO {name} (id, item, qty) VALUES ('o1', 'pen', 2);")
client.ksql(f"INSERT INTO {name} (id, item, qty) VALUES ('o2', 'ink', 5);")
streams = client.ksql("SHOW STREAMS;")
out["streams"] = [s["name"] for s in streams[0]["streams"]]
described = client.ksql(f"DESCRIBE {name};")
out["fields"] = [f["name"] for f in described[0]["sourceDescription"]["fields"]]

# A push query over HTTP/1.1 POST /query, read to its LIMIT.
chunks = client.query(
    f"SELECT id, item, qty * 10 AS total FROM {name} EMIT CHANGES LIMIT 2;",
    stream_properties={"ksql.streams.auto.offset.reset": "earliest"},
    use_http2=False,
)
out["query"] = json.loads("".join(chunks))

try:
    client.ksql("CREATE STREAM broken (x INT) WITH (KAFKA_TOPIC='nowhere_py', VALUE_FORMAT='JSON');")
    out["error"] = None
except KSQLError as e:
    out["error"] = {"message": e.msg if hasattr(e, "msg") else str(e), "code": e.error_code}

print(json.dumps(out))
