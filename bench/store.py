"""(d) The progress store: answers recorded per second, alone and concurrently; lost writes."""

from __future__ import annotations

import multiprocessing
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import Measurement, Row, Settings, Skip, log, median

TITLE = "progress store"


# (d) progress store


def _answers(count: int, worker: int) -> Iterator[tuple[str, str, str, bool, str, tuple[str, ...]]]:
    """The answers one writer records: a third wrong, each with its chosen wrong option."""
    for index in range(count):
        correct = index % 3 != 0
        yield (
            "01_reading_the_source",
            f"bench-q{worker}-{index}",
            f"Option {index % 4}",
            correct,
            "dateline",
            () if correct else (f"Option {index % 4}",),
        )


def _store_worker(path: str, count: int, worker: int, barrier: Any, queue: Any) -> None:
    """One concurrent writer: open the store, wait for the others, record count answers."""
    from japan_nato.progress import ProgressStore

    errors: list[str] = []
    store = ProgressStore(path)
    fallback = store.path is None
    barrier.wait()
    started = time.monotonic()
    for bank, qid, answer, correct, objective, wrong in _answers(count, worker):
        try:
            store.record(bank, qid, answer, correct, objective=objective, chosen_wrong=wrong)
        except Exception as err:  # a lost write is what we count; keep going
            errors.append(f"{type(err).__name__}: {err}")
    finished = time.monotonic()
    store.close()
    queue.put((worker, started, finished, len(errors), errors[:3], fallback))


def run(settings: Settings, result: Measurement) -> None:
    """Answers recorded per second, in one process and in concurrent processes; lost writes."""
    try:
        from japan_nato.progress import ProgressStore
    except ImportError as err:
        raise Skip(f"japan_nato.progress.ProgressStore cannot be imported ({err})") from None

    single_rates: list[float] = []
    multi_rates: list[float] = []
    lost: list[int] = []
    errors: list[str] = []
    workers = settings.store_workers
    context = multiprocessing.get_context("spawn")  # no SQLite handle crosses a fork
    for run in range(settings.store_runs):
        with tempfile.TemporaryDirectory(prefix="jn-bench-store-") as folder:
            path = Path(folder) / "single.sqlite"
            store = ProgressStore(path)
            if store.path is None:
                raise RuntimeError(f"the store fell back to memory: {store.warning}")
            started = time.perf_counter()
            for bank, qid, answer, correct, objective, wrong in _answers(settings.store_single, 0):
                store.record(bank, qid, answer, correct, objective=objective, chosen_wrong=wrong)
            elapsed = time.perf_counter() - started
            rows = store.count()
            store.close()
            single_rates.append(settings.store_single / elapsed)
            lost.append(settings.store_single - rows)

            path = Path(folder) / "shared.sqlite"
            ProgressStore(path).close()  # created (and migrated) before the race starts
            barrier = context.Barrier(workers)
            queue = context.Queue()
            processes = [
                context.Process(
                    target=_store_worker,
                    args=(str(path), settings.store_each, worker, barrier, queue),
                )
                for worker in range(workers)
            ]
            for process in processes:
                process.start()
            reports = [queue.get(timeout=300) for _ in processes]
            for process in processes:
                process.join(timeout=60)
            span = max(r[2] for r in reports) - min(r[1] for r in reports)
            expected = settings.store_each * workers
            with ProgressStore(path) as check:
                rows = check.count()
            multi_rates.append(expected / span)
            lost.append(expected - rows)
            for report in reports:
                errors += report[4]
                if report[5]:
                    errors.append(f"worker {report[0]} fell back to an in-memory store")
        log(
            f"(d) run {run + 1}: {single_rates[-1]:,.0f}/s single, "
            f"{multi_rates[-1]:,.0f}/s with {workers} processes"
        )
    single = median(single_rates)
    multi = median(multi_rates)
    total_lost = sum(lost)
    result.rows.append(
        Row(
            f"one process: answers/s ({settings.store_single:,} records, "
            f"median of {settings.store_runs})",
            f"{single:,.0f}/s",
            "≥ 1,000/s",
            single >= 1000,
            round(single),
            "answers/s",
        )
    )
    result.rows.append(
        Row(
            f"{workers} processes × {settings.store_each}: answers/s, all together",
            f"{multi:,.0f}/s",
        )
    )
    result.rows.append(
        Row(
            f"lost writes (expected − rows), over {2 * settings.store_runs} runs",
            f"{total_lost}" + (f" ({len(errors)} errors)" if errors else ""),
            "0",
            total_lost == 0 and not errors,
            total_lost,
            "rows",
        )
    )
    result.data |= {
        "single_process": {"records": settings.store_single, "rates_per_s": single_rates},
        "concurrent": {
            "processes": workers,
            "records_each": settings.store_each,
            "rates_per_s": multi_rates,
            "how": "spawned processes open their own store, meet at a barrier, then record; "
            "rate = all records / (last finish - first start)",
        },
        "lost_writes_per_run": lost,
        "errors": errors[:20],
        "median_single_per_s": single,
        "median_concurrent_per_s": multi,
        "targets": {"single_per_s": 1000, "lost_writes": 0},
    }
