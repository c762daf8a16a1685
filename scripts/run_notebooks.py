"""Restart-and-run-all every course notebook and store clean, deterministic outputs.

Runs the notebooks in file order, each in a fresh kernel, with a fresh temporary progress file
shared by the whole run: the same conditions as `make test` (nbval). Widget state is dropped
from the metadata (JupyterLab does not use it and it changes every run); outputs and execution
counts are kept, since nbval compares them.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from japan_nato.views.save_hook import strip_quiz_views

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
FORBIDDEN = (str(REPO), "/tmp/", os.path.expanduser("~") + "/")


def run(path: Path, timeout: int = 300) -> list[str]:
    """Execute one notebook in place; return any problems with its stored outputs."""
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    notebook.metadata.pop("widgets", None)
    # As JupyterLab saves them (views/save_hook.py): a quiz keeps its text, not a dead view.
    strip_quiz_views(notebook)
    problems = []
    for index, cell in enumerate(notebook.cells):
        cell.metadata.pop("execution", None)
        for number, output in enumerate(cell.get("outputs", [])):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view:
                # The saved model is dropped anyway; a stable id keeps diffs to real changes.
                key = f"{path.name}:{index}:{number}".encode()
                view["model_id"] = hashlib.sha1(key).hexdigest()[:32]
            text = str(output)
            if output.get("output_type") == "error":
                problems.append(f"cell {index}: error output {output.get('ename')}")
            for marker in FORBIDDEN:
                if marker in text:
                    problems.append(f"cell {index}: output contains a machine path ({marker})")
    nbformat.write(notebook, path)
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run the notebooks named (default: all), report problems, return an exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    failed = False
    with tempfile.TemporaryDirectory(prefix="japan-nato-run-") as tmp:
        os.environ["JAPAN_NATO_PROGRESS"] = os.path.join(tmp, "progress.sqlite")
        os.environ["JAPAN_NATO_LEARNER"] = "test-learner"
        for path in paths:
            start = time.perf_counter()
            problems = run(path.resolve())
            print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s", flush=True)
            for problem in problems:
                failed = True
                print(f"  {path.name}: {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
