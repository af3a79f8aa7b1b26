"""Scenario registry and the context every scenario gets (bootstrap address, names unique to the run)."""
import importlib
import random
import re
from typing import Callable

_SCENARIOS: dict[str, Callable[["Context"], None]] = {}

# One module per client library and area. Add a module here and its scenario names to
# test/interop/python-clients.test.ts. Next-generation groups (group.protocol=consumer, KIP-848) are in
# confluent_kip848; share groups (confluent_kafka.ShareConsumer, KIP-932) get a module of their own once Brook serves them.
MODULES = [
    "confluent_produce",
    "confluent_groups",
    "confluent_kip848",
    "confluent_transactions",
    "confluent_admin",
    "aiokafka_produce",
    "aiokafka_groups",
    "aiokafka_transactions",
    "aiokafka_admin",
]


def scenario(name: str):
    def register(fn: Callable[["Context"], None]):
        if name in _SCENARIOS:
            raise RuntimeError(f"duplicate scenario {name}")
        _SCENARIOS[name] = fn
        return fn

    return register


def all_scenarios() -> dict[str, Callable[["Context"], None]]:
    for module in MODULES:
        importlib.import_module(f"brook_interop.{module}")
    return dict(_SCENARIOS)


class Context:
    def __init__(self, scenario_name: str, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        run = f"{random.randrange(0x10000, 0xFFFFF):x}"
        self.prefix = "py-" + re.sub(r"[^A-Za-z0-9-]", "-", scenario_name) + "-" + run

    def name(self, suffix: str) -> str:
        """A topic, group or transactional id unique to this run of this scenario."""
        return f"{self.prefix}-{suffix}"

    def log(self, message: str) -> None:
        print(message, flush=True)
