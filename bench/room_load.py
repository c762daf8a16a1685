"""(h) The room service under load: 30 simulated learners answer the whole course at once.

`python -m bench --only h` runs it as part of the benchmark; on its own:

    python -m bench.room_load                 # 30 learners, the whole course
    python -m bench.room_load --learners 10 --json out.json

Loopback only, bounded in learners (at most 200) and time (--deadline, 180 s by default).
The service runs in its own process with its real store (SQLite, WAL) and fixed test tokens
instead of the hub (the hub's token check is cached by the service, so it is not on the hot
path). Each learner is a thread that POSTs one answer per request, as the client's outbox does
when answers come one by one, and retries a failed request (like the outbox) until the
deadline. It reports answers per second, the 95th-percentile latency, lost answers (stored
vs. given, which must be 0) and the dashboard's update time with every learner's answers.
It reports and never asserts.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from bench.common import REPO, Measurement, Row, Settings, Skip, child_env
from tests.support.processes import free_port

TITLE = "room service under load"
MAX_LEARNERS = 200
TARGET_P95_MS = 500.0  # an answer is confirmed well within a second, even with the room busy
PREFIX = "/services/room/"


def _serve(db: str, port: int, tokens: dict[str, tuple[str, bool]]) -> None:
    """Run the room service with fixed tokens (the child process)."""
    import logging

    from tornado.ioloop import IOLoop

    from japan_nato.dataset.paths import data_dir
    from japan_nato.room.auth import Identity, StaticAuthority
    from japan_nato.room.service import make_app
    from japan_nato.room.stats import course_outline
    from japan_nato.room.store import RoomStore

    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    authority = StaticAuthority({t: Identity(n, i) for t, (n, i) in tokens.items()})
    outline = course_outline(data_dir())
    app = make_app(RoomStore(db), authority, outline=outline, prefix=PREFIX, salt="")
    app.listen(port, "127.0.0.1")
    IOLoop.current().start()


def _call(url: str, token: str, body: Any = None, timeout: float = 10.0) -> Any:
    """GET (no body) or POST JSON to the service; return the decoded JSON reply."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="POST" if body is not None else "GET",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


def _course_answers(seed: int) -> list[dict[str, Any]]:
    """One learner's answers to every question: some wrong first, then right."""
    from japan_nato.dataset.paths import data_dir
    from japan_nato.room.stats import course_outline

    answers = []
    for n, item in enumerate(course_outline(data_dir()).questions):
        wrong = [key for key, _ in item.choices if key not in item.correct]
        tries = []
        if wrong and (n + seed) % 3 == 0:
            tries.append(([wrong[(n + seed) % len(wrong)]], False))
        tries.append((list(item.correct) or ["text answer"], True))
        for attempt, (options, correct) in enumerate(tries, start=1):
            answers.append(
                {
                    "uid": uuid.uuid4().hex,
                    "bank": item.bank,
                    "question_id": item.question_id,
                    "objective": item.objective,
                    "answer": "+".join(options),
                    "options": options,
                    "correct": correct,
                    "attempt": attempt,
                }
            )
    return answers


def run_load(learners: int = 30, deadline_s: float = 180.0) -> dict[str, Any]:
    """Run the load figure and return its numbers."""
    learners = max(1, min(learners, MAX_LEARNERS))
    tokens = {f"tok-{i}": (f"learner{i:02d}", False) for i in range(learners)}
    tokens["tok-teacher"] = ("teacher", True)
    with tempfile.TemporaryDirectory(prefix="room-load-") as tmp:
        db = str(Path(tmp) / "room.sqlite")
        port = free_port()
        url = f"http://127.0.0.1:{port}{PREFIX}"
        token_file = Path(tmp) / "tokens.json"
        token_file.write_text(json.dumps(tokens), encoding="utf-8")
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.room_load", "--serve", db, str(port), str(token_file)],
            stdin=subprocess.DEVNULL,
            cwd=REPO,
            env=child_env(),
        )
        try:
            return _measure(url, learners, deadline_s, db)
        finally:
            process.terminate()
            process.wait(10)


def _measure(url: str, learners: int, deadline_s: float, db: str) -> dict[str, Any]:
    """Wait for the service, run the learners' threads, then count and time the dashboard."""
    started = time.monotonic()
    while True:
        try:
            _call(url + "api/health", "", timeout=1)
            break
        except OSError:
            if time.monotonic() - started > 60:
                raise RuntimeError("the room service did not start in 60 s") from None
            time.sleep(0.05)
    plans = [_course_answers(i) for i in range(learners)]
    latencies: list[float] = []
    retries = [0]
    lock = threading.Lock()
    gate = threading.Barrier(learners)
    stop_at = time.monotonic() + deadline_s

    def learner(i: int) -> None:
        mine = []
        gate.wait()
        for item in plans[i]:
            while time.monotonic() < stop_at:
                t0 = time.perf_counter()
                try:
                    _call(url + "api/answers", f"tok-{i}", {"answers": [item]})
                except (OSError, urllib.error.URLError):
                    with lock:
                        retries[0] += 1
                    time.sleep(0.05)
                    continue
                mine.append(time.perf_counter() - t0)
                break
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=learner, args=(i,)) for i in range(learners)]
    t_start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - t_start
    given = sum(len(plan) for plan in plans)

    from japan_nato.room.store import RoomStore

    store = RoomStore(db)
    stored_uids = {row["uid"] for row in store.answers()}
    lost = sum(1 for plan in plans for item in plan if item["uid"] not in stored_uids)
    store.close()

    # Dashboard update: a new answer arrives, then the instructor's poll recomputes everything.
    dashboard = []
    for n in range(7):
        extra = dict(plans[0][0], uid=uuid.uuid4().hex, attempt=None)
        _call(url + "api/answers", "tok-0", {"answers": [extra]})
        t0 = time.perf_counter()
        data = _call(url + "api/dashboard", "tok-teacher")
        dashboard.append(time.perf_counter() - t0)
        if data["answers"] != given + n + 1:
            raise RuntimeError(f"the dashboard counts {data['answers']}, not {given + n + 1}")
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(0.95 * len(ordered)) - 1)] if ordered else float("nan")
    return {
        "learners": learners,
        "questions": len({(a["bank"], a["question_id"]) for a in plans[0]}),
        "answers_given": given,
        "answers_stored": len(stored_uids),
        "lost_answers": lost,
        "retried_requests": retries[0],
        "seconds": round(elapsed, 2),
        "answers_per_second": round(len(latencies) / elapsed, 1) if elapsed else None,
        "latency_p50_ms": round(1000 * statistics.median(ordered), 1) if ordered else None,
        "latency_p95_ms": round(1000 * p95, 1),
        "dashboard_update_ms_median": round(1000 * statistics.median(dashboard), 1),
        "dashboard_update_ms_max": round(1000 * max(dashboard), 1),
        "rows_in_dashboard": given + len(dashboard),
    }


def run(settings: Settings, result: Measurement) -> None:
    """The bench family: run the load once and add its rows."""
    if importlib.util.find_spec("tornado") is None:
        raise Skip("tornado is not installed (pip install -e .[hub])")
    numbers = run_load(settings.room_learners, settings.room_deadline_s)
    result.rows += [
        Row(
            f"{numbers['learners']} learners × {numbers['questions']} questions: answers/s",
            f"{numbers['answers_per_second']:,.0f}/s ({numbers['answers_given']} answers "
            f"in {numbers['seconds']:.1f} s)",
        ),
        Row(
            "  latency of one answer, p95 (p50)",
            f"{numbers['latency_p95_ms']:.0f} ms ({numbers['latency_p50_ms']:.0f} ms)",
            f"≤ {TARGET_P95_MS:.0f} ms",
            numbers["latency_p95_ms"] <= TARGET_P95_MS,
            numbers["latency_p95_ms"],
            "ms",
        ),
        Row(
            "  lost answers (given − stored)",
            f"{numbers['lost_answers']} (retried requests {numbers['retried_requests']})",
            "0",
            numbers["lost_answers"] == 0,
            numbers["lost_answers"],
            "answers",
        ),
        Row(
            f"  dashboard update with {numbers['rows_in_dashboard']} answers, median (max)",
            f"{numbers['dashboard_update_ms_median']:.0f} ms "
            f"({numbers['dashboard_update_ms_max']:.0f} ms)",
        ),
    ]
    result.data |= numbers | {
        "how": "the room service in its own process (real SQLite store, fixed tokens instead "
        "of the hub), one thread per learner POSTing one answer per request and retrying a "
        "failed one; lost = given answers whose uid is not stored; dashboard = GET "
        "api/dashboard right after a new answer, 7 times",
    }


def main(argv: list[str] | None = None) -> int:
    """Run the figure and print it (and write JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--deadline", type=float, default=180.0, help="seconds (bounded)")
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON")
    parser.add_argument(
        "--serve", nargs=3, metavar=("DB", "PORT", "TOKENS"), help=argparse.SUPPRESS
    )  # the service's own process
    args = parser.parse_args(argv)
    if args.serve:
        db, port, token_file = args.serve
        tokens = json.loads(Path(token_file).read_text(encoding="utf-8"))
        _serve(db, int(port), {t: (n, bool(i)) for t, (n, i) in tokens.items()})
        return 0
    result = run_load(args.learners, args.deadline)
    for key, value in result.items():
        print(f"{key:28} {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
