"""The two helpers of fast builds: work spread over processes, and the cache between builds."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from katalog import parallel
from katalog.cache import Cache, digest, memo


@pytest.mark.parametrize(("count", "cores"), [(0, 2), (1, 2), (10, 3), (1000, 2), (4124, 2), (7, 7), (5, 9), (400, 1)])
def test_chunks_cover_every_item_once_in_order(count: int, cores: int) -> None:
    chunks = parallel.chunks(count, cores)
    assert [i for chunk in chunks for i in chunk] == list(range(count))
    assert all(chunks)


def test_chunks_grow_smaller_towards_the_end_so_no_core_waits_long_for_the_last() -> None:
    sizes = [len(chunk) for chunk in parallel.chunks(4124, 2)]
    assert sizes[0] == 4124 // 4  # a quarter of what is left, for two workers
    assert sizes == sorted(sizes, reverse=True)
    smallest = 4124 // (2 * parallel.SMALLEST_SHARE)
    assert all(size >= smallest for size in sizes[:-1]) and sizes[-1] <= smallest
    assert sum(sizes[-4:]) < sizes[0] / 2  # the last four together: less than half the first
    assert len(sizes) < 20  # few enough that handing them out costs nothing to speak of


def test_one_core_is_given_every_item_at_once() -> None:
    assert parallel.chunks(400, 1) == [range(400)]


def _where(shared: int, part: range) -> list[tuple[int, int]]:
    return [(i * shared, os.getpid()) for i in part]


def test_run_gives_results_in_input_order_from_several_processes() -> None:
    per_chunk = parallel.run(_where, 3, 400, cores=2)
    results = [value for chunk in per_chunk for value, _ in chunk]
    assert results == [i * 3 for i in range(400)]
    assert os.getpid() not in {pid for chunk in per_chunk for _, pid in chunk}  # worked in forked processes


def test_small_jobs_and_one_core_run_in_this_process() -> None:
    for count, cores in ((10, 8), (400, 1)):
        per_chunk = parallel.run(_where, 1, count, cores)
        assert {pid for chunk in per_chunk for _, pid in chunk} == {os.getpid()}


def test_map_items_keeps_order() -> None:
    assert parallel.map_items(str.upper, ["a", "b", "c"] * 100, cores=2) == ["A", "B", "C"] * 100


def _pid_of(item: int) -> tuple[int, int]:
    return item * 2, os.getpid()


def test_map_chunks_gives_each_chunk_in_order_from_several_processes() -> None:
    per_chunk = list(parallel.map_chunks(_pid_of, range(400), cores=2))
    assert [len(chunk) for chunk in per_chunk] == [len(part) for part in parallel.chunks(400, 2)]
    assert [value for chunk in per_chunk for value, _ in chunk] == [i * 2 for i in range(400)]
    workers = {pid for chunk in per_chunk for _, pid in chunk}
    assert os.getpid() not in workers
    assert not parallel._STARTED and not {child.pid for child in multiprocessing.active_children()} & workers


def test_map_chunks_on_one_core_works_in_this_process() -> None:
    per_chunk = list(parallel.map_chunks(_pid_of, range(400), cores=1))
    assert [value for chunk in per_chunk for value, _ in chunk] == [i * 2 for i in range(400)]
    assert {pid for chunk in per_chunk for _, pid in chunk} == {os.getpid()}


def _slow_after_the_first_chunk(item: int) -> int:
    if item >= len(parallel.chunks(400, 2)[0]):
        time.sleep(30)
    return item


def _no_worker_left_after(stop: Callable[[], object]) -> bool:
    """Whether the workers running now, and their job, are gone once ``stop`` returns."""
    workers = {child.pid for child in multiprocessing.active_children()}
    assert workers
    stop()
    return not parallel._STARTED and not {child.pid for child in multiprocessing.active_children()} & workers


def test_map_chunks_closed_early_leaves_no_process_behind() -> None:
    chunks = parallel.map_chunks(_slow_after_the_first_chunk, range(400), cores=2)
    assert next(chunks) == list(parallel.chunks(400, 2)[0])  # given before the later chunks are done
    assert _no_worker_left_after(chunks.close)


def test_a_failing_worker_fails_map_chunks() -> None:
    with pytest.raises(ValueError, match="no part -1"):
        list(parallel.map_chunks(_pid_or_fail, [*range(200), -1], cores=2))
    assert not parallel._STARTED


def test_a_failing_worker_fails_the_run() -> None:
    def fail(shared: object, part: range) -> None:
        raise ValueError("template broke")

    with pytest.raises(ValueError, match="template broke"):
        parallel.run(fail, None, 400, cores=2)


def test_started_work_runs_beside_this_process_and_gives_its_results_in_order() -> None:
    started = parallel.start(_where, 3, 400, cores=2)
    assert parallel._STARTED  # running while this process goes on
    per_chunk = started.results()
    assert [value for chunk in per_chunk for value, _ in chunk] == [i * 3 for i in range(400)]
    assert os.getpid() not in {pid for chunk in per_chunk for _, pid in chunk}
    assert started.results() is per_chunk and not parallel._STARTED  # collected once, the pool gone


def test_started_work_on_one_core_is_done_before_start_returns() -> None:
    started = parallel.start(_where, 1, 400, cores=1)
    assert not parallel._STARTED
    assert {pid for chunk in started.results() for _, pid in chunk} == {os.getpid()}


def _slow(shared: object, part: range) -> list[int]:
    time.sleep(30)
    return list(part)


def test_stopped_work_leaves_no_process_behind() -> None:
    started = parallel.start(_slow, None, 400, cores=2)
    assert _no_worker_left_after(started.stop)


def test_a_failing_started_worker_fails_the_results() -> None:
    def fail(shared: object, part: range) -> None:
        raise ValueError("body broke")

    started = parallel.start(fail, None, 400, cores=2)
    with pytest.raises(ValueError, match="body broke"):
        started.results()
    assert not parallel._STARTED


def _pid_or_fail(value: int) -> int:
    if value < 0:
        raise ValueError(f"no part {value}")
    return os.getpid()


@pytest.mark.parametrize("workers", [0, 1, 2])
def test_an_executor_gives_each_task_its_result_or_its_error(workers: int) -> None:
    with parallel.executor(workers) as pool:
        done, failed = pool.submit(_pid_or_fail, 1), pool.submit(_pid_or_fail, -1)
        assert (done.result() != os.getpid()) == (workers > 0)  # forked workers, or this process
        with pytest.raises(ValueError, match="no part -1"):
            failed.result()


def test_cache_round_trip_and_tables_apart(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put_many("markdown", {"k1": "<p>a</p>", "k2": "<p>b</p>"})
    cache.put_many("other", {"k1": "x"})
    cache.close()
    again = Cache(tmp_path)
    assert again.get_many("markdown", ["k1", "k2", "k3"]) == {"k1": "<p>a</p>", "k2": "<p>b</p>"}
    assert again.get_many("other", ["k1"]) == {"k1": "x"}


def test_many_keys_are_fetched_in_batches(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    items = {f"k{i}": str(i) for i in range(1234)}
    cache.put_many("t", items)
    assert cache.get_many("t", items) == items


def test_no_cache_remembers_nothing() -> None:
    cache = Cache(None)
    cache.put_many("t", {"k": "v"})
    assert cache.get_many("t", ["k"]) == {}


def test_digest_separates_its_parts() -> None:
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("a") == digest("a")


def test_a_cache_of_another_code_version_is_deleted_when_opened(tmp_path: Path) -> None:
    old = tmp_path / "katalog-0123456789abcdef.sqlite"
    old.write_bytes(b"entries of an older generator")
    cache = Cache(tmp_path)
    cache.put_many("t", {"k": "v"})
    assert not old.exists()
    assert [p.name for p in tmp_path.iterdir()] == [Cache.file_for(tmp_path).name]


def _squared(item: int) -> dict[str, int]:
    return {"item": item, "squared": item * item}


def _never(item: int) -> dict[str, int]:
    raise AssertionError(f"{item} was worked out again instead of read from the cache")


@pytest.mark.parametrize("cores", [1, 2])
def test_memo_remembers_what_it_worked_out_but_what_is_not_settled(tmp_path: Path, cores: int) -> None:
    """On several cores the workers pickle each result once, for this process and for the cache."""
    items = list(range(300))
    store = Cache(tmp_path)
    odd_only = lambda result: result["item"] % 2 == 1  # noqa: E731 (the settled results: the odd items')
    first = memo(store, "squares", items, str, _squared, cores, odd_only)
    assert first == [_squared(item) for item in items]
    assert memo(store, "squares", items[1::2], str, _never, cores) == first[1::2]
    with pytest.raises(AssertionError, match="0 was worked out again"):
        memo(store, "squares", [0], str, _never, 1)
    store.close()
