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
    loaders: dict[str, Callable[..., Any]] = {
        name: getattr(dataset, name)
        for name in ("load_facts", "load_context", "load_timeline", "load_glossary", "load_article")
    }
    if data_dir is not None:
        loaders = {name: functools.partial(f, data_dir=data_dir) for name, f in loaders.items()}
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
