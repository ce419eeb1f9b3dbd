"""Work spread over every core, with the model shared once.

Worker processes are forked after the model is built, so each one sees the
catalogue, the plan and the Jinja environment without any of it being pickled
or sent; only the numbers of the items to work on go to a worker, and only
small results come back. Items are cut into contiguous chunks that grow
smaller towards the end (:func:`chunks`), each given to the next free worker,
so no core waits long for the last one. Results come back in input order, so
the output never depends on which core was faster.

Where ``fork`` does not exist (Windows), or for a small job, the work runs in
this process: the same function over the same chunks, so the result is the same.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

Result = TypeVar("Result")

SMALLEST_SHARE = 32  # the smallest chunk: this fraction of one worker's share
MIN_ITEMS_PER_WORKER = 50  # below this, starting processes costs more than it saves


def workers(requested: int | None = None) -> int:
    """Cores to use: ``requested``, else every core this process may run on."""
    if requested:
        return max(1, requested)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def chunks(count: int, cores: int) -> list[range]:
    """``range(count)`` cut into contiguous chunks for ``cores`` workers, each
    ``1 / (2 * cores)`` of what is left after the chunks before it (a quarter, for two),
    down to a smallest size.

    Guided scheduling: the first chunks are large (few to hand out), the last ones
    small, so when the items' costs differ (pages of one kind after another, bodies of
    different lengths) the worker that drew the dearest chunk near the end finishes soon
    after the others. Equal chunks, four a worker, left a core idle for as long as the
    slowest chunk took beyond the others (half a second in a cold build of 3,000 profiles).
    """
    if cores <= 1:
        return [range(count)] if count else []
    smallest = max(1, count // (cores * SMALLEST_SHARE))
    out, start = [], 0
    while start < count:
        end = min(count, start + max(smallest, (count - start) // (2 * cores)))
        out.append(range(start, end))
        start = end
    return out


def run(work: Callable[[Any, range], Result], shared: Any, count: int, cores: int) -> list[Result]:
    """``work(shared, chunk)`` for chunks covering ``range(count)``; results in chunk order."""
    return start(work, shared, count, cores).results()


class Started(Generic[Result]):
    """Work begun on other cores (see :func:`start`) while this process goes on with its own."""

    def __init__(self, job: int | None, pool: Any, pending: Any, done: list[Result] | None = None) -> None:
        self._job, self._pool, self._pending, self._done = job, pool, pending, done

    def results(self) -> list[Result]:
        """The results in chunk order, once every chunk is done."""
        if self._done is None:
            try:
                self._done = list(self._pending.get())
            finally:
                self.stop()
        return self._done

    def stop(self) -> None:
        """Give up on what is not done (a build that failed meanwhile): nothing is left running."""
        _shut(self._pool, self._job)
        self._pool = None


# What each job's forked workers work on, by the job's number: set before its pool forks them,
# and kept while it runs, so that a worker the pool forks again (one died) finds it too.
_STARTED: dict[int | None, tuple[Callable[[Any, range], Any], Any]] = {}


def start(work: Callable[[Any, range], Result], shared: Any, count: int, cores: int) -> Started[Result]:
    """:func:`run`, begun on ``cores`` forked processes and its results asked for later: so
    that work which needs nothing this process does next (the bodies' HTML, while the rest
    of the content is checked and planned) fills a core those steps would leave idle. A
    small job, or one core, works in this process, before this returns."""
    cores, parts = _split(count, cores)
    if cores <= 1:
        return Started(None, None, None, [work(shared, part) for part in parts])
    job = _register(work, shared)
    started: Started[Result] = Started(job, None, None)
    try:
        started._pool = multiprocessing.get_context("fork").Pool(cores)
        started._pending = started._pool.map_async(_call_started, [(job, part) for part in parts], chunksize=1)
    except BaseException:
        started.stop()
        raise
    return started


def _split(count: int, cores: int) -> tuple[int, list[range]]:
    """The processes to work on ``count`` items (1: this one, for a small job or without
    ``fork``) and the chunks they are cut into."""
    cores = min(cores, max(1, count // MIN_ITEMS_PER_WORKER))
    parts = chunks(count, cores)
    return (cores if "fork" in multiprocessing.get_all_start_methods() else 1), parts


def _shut(pool: Any, job: int | None) -> None:
    """Stop a job's workers, done or not, and forget what they worked on."""
    if pool is not None:
        pool.terminate()
        pool.join()
    _STARTED.pop(job, None)


def _register(work: Callable[[Any, range], Any], shared: Any) -> int:
    """A number for a job, under which its workers find what they work on."""
    job = max((n for n in _STARTED if n is not None), default=0) + 1
    _STARTED[job] = (work, shared)
    return job


def _call_started(task: tuple[int, range]) -> Any:
    job, part = task
    work, shared = _STARTED[job]
    return work(shared, part)


def map_items(work: Callable[[Any], Result], items: Sequence[Any], cores: int) -> list[Result]:
    """``[work(item) for item in items]``, spread over ``cores``."""
    return [result for chunk in map_chunks(work, items, cores) for result in chunk]


def map_chunks(work: Callable[[Any], Result], items: Sequence[Any], cores: int) -> Iterator[list[Result]]:
    """:func:`map_items`'s results a chunk at a time, in order, each as soon as it and those
    before it are done: this process takes in one chunk's results while the workers go on
    with the next (reading back what the workers parsed in a first build of 30,000 profiles
    took this process 1.5 s after they had finished, with a core idle). Closing the
    iterator early stops the workers."""
    cores, parts = _split(len(items), cores)
    if cores <= 1:
        for part in parts:
            yield _apply((work, items), part)
        return
    job = _register(_apply, (work, items))
    pool = None
    try:
        pool = multiprocessing.get_context("fork").Pool(cores)
        yield from pool.imap(_call_started, [(job, part) for part in parts], chunksize=1)
    finally:
        _shut(pool, job)


def _apply(shared: tuple[Callable[[Any], Any], Sequence[Any]], part: range) -> list[Any]:
    work, items = shared
    return [work(items[i]) for i in part]


@contextmanager
def executor(workers: int) -> Iterator[Executor]:
    """A pool of ``workers`` forked processes, for work beside this process's own (the
    search index's parts, each read as Pagefind finishes it; the output folders listed
    while the content is checked); with none, or without ``fork``, each task runs in this
    process when it is submitted."""
    if workers < 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield _InProcess()
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


class _InProcess(Executor):
    """Runs each task at once, in this process."""

    def submit(self, fn: Callable[..., Result], /, *args: Any, **kwargs: Any) -> Future[Result]:
        future: Future[Result] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # given back by result(), as a pool would
            future.set_exception(error)
        return future
