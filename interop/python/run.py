"""Runs one interop scenario against a Kafka-protocol broker (Brook in the tests).

    python run.py <scenario> <bootstrap>     exit 0: passed, 1: failed, 2: usage
    python run.py list                       prints the scenario names

Scenarios live in brook_interop/, one module per client library and area; each registers its functions
with @scenario("<library>.<area>").
"""
import sys
import traceback

from brook_interop import registry
from brook_interop.check import ScenarioFailure


def main(argv: list[str]) -> int:
    scenarios = registry.all_scenarios()
    if len(argv) == 1 and argv[0] == "list":
        print("\n".join(scenarios))
        return 0
    if len(argv) != 2 or argv[0] not in scenarios:
        print("usage: run.py <scenario> <bootstrap> | run.py list", file=sys.stderr)
        if argv:
            print(f"unknown scenario {argv[0]!r}; known: {', '.join(scenarios)}", file=sys.stderr)
        return 2
    name, bootstrap = argv
    try:
        scenarios[name](registry.Context(name, bootstrap))
    except ScenarioFailure as failure:
        print(f"FAIL {name}: {failure}", file=sys.stderr)
        return 1
    except Exception as error:  # a client error is a failure of the scenario, with its trace
        traceback.print_exc()
        print(f"FAIL {name}: unexpected {error!r}", file=sys.stderr)
        return 1
    print(f"PASS {name}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
