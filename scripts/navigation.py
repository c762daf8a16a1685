"""Write the previous/next links of every notebook, and the contents list of the start notebook.

Each notebook ends with a markdown cell tagged `navigation`; 00_start_here has a markdown cell
tagged `contents`. Both are generated here from the notebooks' own headers, never edited by
hand. `--check` changes nothing and exits 1 when a notebook is out of date (tests use it).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
START = "00_start_here.ipynb"


def _title(notebook: nbformat.NotebookNode) -> tuple[str, str]:
    """Return the notebook's `# NN · Title` heading and its time line."""
    header = notebook.cells[0].source if notebook.cells else ""
    title = re.search(r"^# (.+)$", header, re.MULTILINE)
    time = re.search(r"^\*\*Time:\*\* (.+)$", header, re.MULTILINE)
    return (title.group(1).strip() if title else "?", time.group(1).strip() if time else "")


def _tagged(notebook: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode | None:
    """Return the first cell carrying a tag, if any."""
    return next((c for c in notebook.cells if tag in c.metadata.get("tags", [])), None)


def _navigation(names: list[str], titles: dict[str, str], index: int) -> str:
    """Return the markdown of one notebook's navigation cell."""
    parts = []
    if index > 0:
        parts.append(f"[← {titles[names[index - 1]]}]({names[index - 1]})")
    if names[index] != START:
        parts.append(f"[Contents]({START})")
    if index < len(names) - 1:
        parts.append(f"[{titles[names[index + 1]]} →]({names[index + 1]})")
    return "---\n" + " | ".join(parts)


def _contents(names: list[str], titles: dict[str, str], times: dict[str, str]) -> str:
    """Return the markdown table of notebooks for the start notebook."""
    lines = ["| Notebook | Time |", "|---|---|"]
    lines += [f"| [{titles[n]}]({n}) | {times[n]} |" for n in names]
    return "## The notebooks\n\n" + "\n".join(lines)


def update(check: bool = False) -> list[str]:
    """Bring every navigation and contents cell up to date; return the stale notebooks."""
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    notebooks = {p.name: nbformat.read(p, as_version=4) for p in paths}
    names = list(notebooks)
    titles, times = {}, {}
    for name, notebook in notebooks.items():
        titles[name], times[name] = _title(notebook)
    stale = []
    for index, name in enumerate(names):
        notebook = notebooks[name]
        wanted = {"navigation": _navigation(names, titles, index)}
        if name == START:
            wanted["contents"] = _contents(names, titles, times)
        changed = False
        for tag, source in wanted.items():
            cell = _tagged(notebook, tag)
            if cell is None:
                cell = nbformat.v4.new_markdown_cell("", metadata={"tags": [tag]})
                notebook.cells.append(cell)
            if cell.source != source:
                cell.source = source
                changed = True
        if changed:
            stale.append(name)
            if not check:
                nbformat.write(notebook, NOTEBOOKS / name)
    return stale


def main(argv: list[str] | None = None) -> int:
    """Update (or with --check, verify) the generated cells; return an exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    stale = update(check=args.check)
    for name in stale:
        print(f"{'out of date' if args.check else 'updated'}: {name}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
