"""Run an exercise's setup and solution code, and check its solution and wrong answers."""

from __future__ import annotations

import ast
import builtins
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from japan_nato import dataset


def _namespace(data_dir: Path | None) -> dict[str, Any]:
    """Names the exercise code sees: pd, and the loaders of data_dir (none without one)."""
    loaders: dict[str, Callable[..., Any]] = {}
    if data_dir is not None:
        loaders = {
            name: functools.partial(getattr(dataset, name), data_dir)
            for name in ("load_facts", "load_context", "load_timeline", "load_glossary")
        }
        loaders["load_article"] = functools.partial(dataset.load_article, data_dir)
    return {"__builtins__": builtins, "pd": pd, **loaders}


class _NoValue(Exception):
    """The solution snippet does not end with an expression."""


def _run_snippets(setup: str, solution: str, data_dir: Path | None) -> Any:
    namespace = _namespace(data_dir)
    exec(compile(setup, "<setup>", "exec"), namespace)  # noqa: S102 - our own data, not input
    tree = ast.parse(solution, "<solution>", "exec")
    final = tree.body.pop() if tree.body else None
    if not isinstance(final, ast.Expr):
        raise _NoValue("the solution's last line must be an expression that gives the answer")
    last = ast.Expression(final.value)
    exec(compile(tree, "<solution>", "exec"), namespace)  # noqa: S102
    return eval(compile(last, "<solution>", "eval"), namespace)  # noqa: S307


def _failure(exc: BaseException) -> str:
    if isinstance(exc, _NoValue):
        return str(exc)
    return f"raised {type(exc).__name__}: {exc}"


# Seconds one exercise's solution and wrong answers may run during validation.
EXERCISE_TIMEOUT = 60.0


def run_checks_in_child(
    path: Path,
    data_dir: Path | None,
    count: int,
    check: Callable[[Path, Path | None, int], list[Any]],
    timeout: float = EXERCISE_TIMEOUT,
) -> list[tuple[int, list[Any] | None]]:
    """Run check(path, data_dir, index) for each exercise in a child process; None = timed out.

    Exercises are code: a child process with a time limit keeps a loop from hanging validation,
    and its own empty working folder keeps relative writes out of the learner's folders.
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    results: list[tuple[int, list[Any] | None]] = []
    index = 0
    while index < count:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_child_main, args=(sender, path, data_dir, index, count, check), daemon=True
        )
        child.start()
        sender.close()
        try:
            while index < count:
                # The first answer also waits for the child to start and import pandas.
                if not receiver.poll(timeout + (30 if not results else 0)):
                    results.append((index, None))
                    index += 1
                    break
                got_index, problems = receiver.recv()
                results.append((got_index, problems))
                index = got_index + 1
        except EOFError:
            # The child died (say, os._exit in a solution): blame the exercise it was on.
            results.append((index, None))
            index += 1
        finally:
            if child.is_alive():
                child.kill()
            child.join()
            receiver.close()
    return results


def _child_main(
    sender: Any,
    path: Path,
    data_dir: Path | None,
    start: int,
    count: int,
    check: Callable[[Path, Path | None, int], list[Any]],
) -> None:
    import os
    import tempfile

    with tempfile.TemporaryDirectory(prefix="japan-nato-exercise-") as work:
        os.chdir(work)
        for index in range(start, count):
            sender.send((index, check(path, data_dir, index)))
    sender.close()
