"""Assertions for scenarios: failures say what was expected and what the broker gave."""
import asyncio
import time
from typing import Any, Awaitable, Callable


class ScenarioFailure(Exception):
    """An expectation that did not hold; run.py prints it without a trace."""


def that(condition: bool, what: str) -> None:
    if not condition:
        raise ScenarioFailure(what)


def equal(expected: Any, actual: Any, what: str) -> None:
    if expected != actual:
        raise ScenarioFailure(f"{what}: expected {expected!r} but was {actual!r}")


def eventually(limit_s: float, what: str, condition: Callable[[], bool], state: Callable[[], Any] = lambda: "") -> None:
    """Re-evaluates a condition that itself polls a client until it holds; the limit turns a hang into a failure."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise ScenarioFailure(f"timed out after {limit_s:.0f} s waiting for {what}; last seen: {state()}")


async def eventually_async(limit_s: float, what: str, condition: Callable[[], Awaitable[bool]], state: Callable[[], Any] = lambda: "") -> None:
    deadline = time.monotonic() + limit_s
    while not await condition():
        if time.monotonic() > deadline:
            raise ScenarioFailure(f"timed out after {limit_s:.0f} s waiting for {what}; last seen: {state()}")
        await asyncio.sleep(0)


def raises(error_type: type, action: Callable[[], Any], what: str) -> BaseException:
    try:
        action()
    except error_type as error:  # noqa: B902 - the caller names the type
        return error
    except Exception as error:
        raise ScenarioFailure(f"{what}: expected {error_type.__name__} but got {error!r}") from error
    raise ScenarioFailure(f"{what}: expected {error_type.__name__} but it succeeded")
