"""`bounded_merge`: run one async generator per input, at most `limit` at once, and stream
their outputs as they arrive.

Why not Ocean's `stream_async_iterators_tasks` + `semaphore_async_iterator`: they need every
iterator created up front (2,000 parents → 2,000 generators and tasks at once, before the first
output), and the merge behind them does not bound its buffer. Here inputs are pulled lazily (the
input stream itself can still be paginating), at most `limit` workers exist, outputs wait in a
queue of `limit` entries, and the first failure cancels everything else and is raised as is
(not wrapped in an ExceptionGroup), so the resync fails with the message of the real error.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Output[R]:
    value: R


@dataclass(slots=True)
class _Finished:
    error: BaseException | None = None


async def bounded_merge[T, R](
    inputs: AsyncGenerator[T, None],
    work: Callable[[T], AsyncGenerator[R, None]],
    limit: int,
) -> AsyncGenerator[R, None]:
    """Yield the outputs of `work(x)` for every `x` of `inputs`, `limit` generators at a time.

    Memory stays bounded by `limit`: a worker blocks on the full queue instead of piling up
    outputs, and the input stream is not read ahead of free workers. Closing this generator
    early cancels the workers and closes `inputs`.
    """
    async with contextlib.aclosing(bounded_merge_ready(inputs, work, limit, limit)) as batches:
        async for ready in batches:
            for value in ready:
                yield value


async def bounded_merge_ready[T, R](
    inputs: AsyncGenerator[T, None],
    work: Callable[[T], AsyncGenerator[R, None]],
    limit: int,
    buffer: int,
) -> AsyncGenerator[list[R], None]:
    """Like `bounded_merge`, but each step yields every output already waiting (at least one,
    at most `buffer`): a slow consumer gets fewer, larger batches instead of waiting on many
    small ones, and a fast one still gets each output as soon as it exists."""
    if limit < 1 or buffer < 1:
        raise ValueError("limit and buffer must be at least 1")
    queue: asyncio.Queue[_Output[R] | _Finished] = asyncio.Queue(maxsize=buffer)
    runner = asyncio.create_task(_run(inputs, work, limit, queue))
    try:
        while True:
            ready, finished = _take_ready(await queue.get(), queue)
            if finished is not None and finished.error is not None:
                raise finished.error
            if ready:
                yield ready
            if finished is not None:
                return
    finally:
        if not runner.done():
            runner.cancel()
            await asyncio.wait([runner])


def _take_ready[R](
    first: _Output[R] | _Finished, queue: asyncio.Queue[_Output[R] | _Finished]
) -> tuple[list[R], _Finished | None]:
    """`first` and every output queued behind it, up to the end-of-stream marker."""
    ready: list[R] = []
    message = first
    while isinstance(message, _Output):
        ready.append(message.value)
        if queue.empty():
            return ready, None
        message = queue.get_nowait()
    return ready, message


async def _run[T, R](
    inputs: AsyncGenerator[T, None],
    work: Callable[[T], AsyncGenerator[R, None]],
    limit: int,
    queue: asyncio.Queue[_Output[R] | _Finished],
) -> None:
    try:
        async with contextlib.aclosing(inputs) as source, asyncio.TaskGroup() as group:
            free = asyncio.Semaphore(limit)
            async for value in source:
                await free.acquire()  # no task exists before a worker slot is free
                group.create_task(_drain(work(value), queue, free))
    except Exception as error:  # noqa: BLE001 - not swallowed: handed to the consumer, which raises it
        while not queue.empty():  # outputs after a failure would only be thrown away
            queue.get_nowait()
        queue.put_nowait(_Finished(_first_error(error)))
        return
    await queue.put(_Finished())


async def _drain[R](
    outputs: AsyncGenerator[R, None],
    queue: asyncio.Queue[_Output[R] | _Finished],
    free: asyncio.Semaphore,
) -> None:
    try:
        async with contextlib.aclosing(outputs):
            async for value in outputs:
                await queue.put(_Output(value))
    finally:
        free.release()


def _first_error(error: BaseException) -> BaseException:
    """The error that started it: a TaskGroup lists failures in the order they happened."""
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error
