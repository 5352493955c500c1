"""The chain of a resource's upserts in flight, and the ordered concurrent calls of the
comparison (pure units; the whole path through Ocean is `test_concurrent_port_calls.py`)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from functools import partial

import pytest
from port_ocean.context.event import EventType, event_context
from port_ocean.context.resource import resource_context
from port_ocean.core.handlers.port_app_config.models import ResourceConfig
from port_ocean.core.integrations.mixins.sync_raw import SyncRawMixin
from port_ocean.core.models import Entity

from upserts.comparison import in_order
from upserts.in_flight import BATCHES_IN_FLIGHT, InFlight, overlapping


def thing(identifier: str) -> Entity:
    return Entity(identifier=identifier, blueprint="thing", icon=None, title=None)


async def test_each_upsert_starts_after_the_one_before_has_ended() -> None:
    chain, log = InFlight(0), list[str]()

    def upsert(name: str, seconds: float) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            log.append(f"{name} starts")
            await asyncio.sleep(seconds)
            log.append(f"{name} ends")

        return run

    await chain.start([thing("a")], upsert("first", 0.05))
    await chain.start([thing("b")], upsert("second", 0))
    assert chain.waits_for([thing("a")]) and chain.waits_for([thing("b")])
    assert not chain.waits_for([thing("c")])
    await chain.finished()
    assert log == ["first starts", "first ends", "second starts", "second ends"]
    assert not chain.waits_for([thing("a"), thing("b")])
    assert not chain._keys  # nothing is kept of upserts that ended (100,000 keys otherwise)
    assert chain.failure is None


async def test_a_failure_is_kept_and_the_upserts_after_it_are_not_sent() -> None:
    chain, sent = InFlight(0), list[str]()

    async def fails() -> None:
        raise RuntimeError("Port's token endpoint answered 503")

    async def later() -> None:
        sent.append("later")

    await chain.start([thing("a")], fails)
    await chain.start([thing("b")], later)
    await chain.finished()  # does not raise: the resync handler raises it (check.py)
    assert isinstance(chain.failure, RuntimeError)
    assert sent == []  # the kind fails; what follows the failure is not written
    assert not chain.waits_for([thing("a"), thing("b")])


async def test_cancel_stops_every_upsert_in_flight() -> None:
    chain, ended = InFlight(0), list[str]()

    def slow(name: str) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await asyncio.sleep(10)
            ended.append(name)

        return run

    await chain.start([thing("a")], slow("a"))
    await chain.start([thing("b")], slow("b"))
    await asyncio.sleep(0)
    chain.cancel()
    await asyncio.wait_for(chain.finished(), 1)
    assert ended == []
    assert not chain.waits_for([thing("a"), thing("b")])


async def test_ocean_waits_while_two_batches_are_in_flight() -> None:
    """Backpressure: the third upsert is handed off only once the first has ended, so Ocean
    never runs more than BATCHES_IN_FLIGHT batches ahead of Port (nor holds more)."""
    assert BATCHES_IN_FLIGHT == 2
    chain, gates = InFlight(0), [asyncio.Event() for _ in range(3)]

    def held(n: int) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await gates[n].wait()

        return run

    await chain.start([thing("0")], held(0))
    await chain.start([thing("1")], held(1))
    third = asyncio.create_task(chain.start([thing("2")], held(2)))
    await asyncio.sleep(0.05)
    assert not third.done()  # Ocean is held at its third upsert
    gates[0].set()
    await asyncio.wait_for(third, 1)  # the first ended: room for the third
    assert chain.waits_for([thing("1")]) and chain.waits_for([thing("2")])
    gates[1].set()
    gates[2].set()
    await asyncio.wait_for(chain.finished(), 1)
    assert not chain.waits_for([thing("0"), thing("1"), thing("2")])


async def test_in_order_keeps_the_order_and_the_limit() -> None:
    running, peak = 0, 0

    async def call(n: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01 * (5 - n % 5))  # later calls answer first
        running -= 1
        return n

    assert await in_order([partial(call, n) for n in range(12)], 3) == list(range(12))
    assert peak == 3


async def test_in_order_raises_the_first_failure_and_cancels_the_rest() -> None:
    finished: list[int] = []

    async def call(n: int) -> int:
        if n == 1:
            raise ConnectionError("Port unreachable")
        await asyncio.sleep(0.05)
        finished.append(n)
        return n

    with pytest.raises(ConnectionError, match="Port unreachable"):
        await in_order([partial(call, n) for n in range(6)], 2)
    await asyncio.sleep(0.1)
    assert finished == []  # the call beside it, and those waiting, were cancelled


def test_ocean_still_compares_through_the_method_the_integration_overrides() -> None:
    """`upserts/comparison.py` overrides a method of Ocean's mixin, which no setting reaches;
    an Ocean upgrade that renames it or changes what it is given must fail here, not silently
    take the slow path (or a wrong one)."""
    compare = inspect.signature(SyncRawMixin._map_entities_compared_with_port)
    assert list(compare.parameters) == ["self", "entities", "resource", "user_agent_type"]
    fetch = inspect.signature(SyncRawMixin._fetch_entities_batch_from_port)
    assert list(fetch.parameters) == ["self", "entities_batch", "resource", "user_agent_type"]
    batch_step = inspect.getsource(SyncRawMixin._register_resource_raw)
    assert "self._map_entities_compared_with_port(" in batch_step
    ocean_compare = inspect.getsource(SyncRawMixin._map_entities_compared_with_port)
    assert "BATCH_SIZE = 50" in ocean_compare  # upserts.comparison.IDENTIFIERS_PER_SEARCH


async def test_an_aborted_resync_cancels_its_upserts_in_flight() -> None:
    """Ocean aborts a resync when a newer one starts (`event.abort`): the older run's upserts
    still in flight must not keep writing over the newer run's."""
    config = ResourceConfig.parse_obj(
        {
            "kind": "/things",
            "selector": {"query": "true"},
            "port": {"entity": {"mappings": {"identifier": ".id", "blueprint": '"thing"'}}},
        }
    )
    ended = list[str]()

    async def slow() -> None:
        await asyncio.sleep(10)
        ended.append("written")

    async with event_context(EventType.RESYNC) as running, resource_context(config, 0):
        chain = overlapping()
        assert chain is not None
        await chain.start([thing("a")], slow)
        running.abort()
        await asyncio.wait_for(chain.finished(), 1)
    assert ended == []
