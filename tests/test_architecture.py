"""The layer rule of docs/architecture.md, checked on the source: imports never go back up."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import japan_nato

PACKAGE = Path(japan_nato.__file__).resolve().parent
DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"

# Lower layers never import higher ones. A unit is a top-level module or subpackage.
LAYERS: dict[str, int] = {
    "errors": 0,
    "feedback": 0,
    "table_html": 0,
    "dataset": 0,
    "quiz": 1,
    "exercises": 1,
    "progress": 1,
    "instructor": 1,
    "figures": 1,
    "validate": 2,
    "course": 2,
    "room": 2,
    "views": 3,
    "api": 4,
    "cli": 4,
    "review": 4,
    "__init__": 4,
    "__main__": 4,
}
FRONT_END = ("ipywidgets", "anywidget", "IPython")


def modules(root: Path = PACKAGE) -> list[Path]:
    """Return every Python module of the package."""
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def unit(path: Path, root: Path = PACKAGE) -> str:
    """Return the top-level unit a module belongs to ("quiz" for quiz/types/matching.py)."""
    return path.relative_to(root).with_suffix("").parts[0]


def imported(path: Path, root: Path = PACKAGE) -> list[tuple[int, str]]:
    """Return (line, absolute module name) of every import in a file, lazy ones included."""
    package = ".".join(("japan_nato", *path.relative_to(root).parent.parts))
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            if name == "japan_nato":  # `from japan_nato import dataset` names a unit
                found += [(node.lineno, f"japan_nato.{alias.name}") for alias in node.names]
    return found


def layer_violations(root: Path = PACKAGE) -> list[str]:
    """Return every import that goes up a layer or reaches a front-end library outside views/."""
    problems = []
    for path in modules(root):
        here = unit(path, root)
        for line, name in imported(path, root):
            where = f"{path.relative_to(root)}:{line}"
            top = name.split(".")[0]
            if top in FRONT_END and here != "views":
                problems.append(f"{where}: imports {name}; only views/ may")
            parts = name.split(".")
            if top == "japan_nato" and len(parts) > 1 and parts[1] in LAYERS:
                there = parts[1]
                if there != here and LAYERS[there] > LAYERS[here]:
                    problems.append(f"{where}: {here} (layer {LAYERS[here]}) imports {name}")
    return problems


def unit_cycles(root: Path = PACKAGE) -> list[list[str]]:
    """Return the cycles in the import graph between units."""
    graph: dict[str, set[str]] = {}
    for path in modules(root):
        here = unit(path, root)
        for _, name in imported(path, root):
            parts = name.split(".")
            if parts[0] == "japan_nato" and len(parts) > 1 and parts[1] not in (here, "__init__"):
                graph.setdefault(here, set()).add(parts[1])
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in trail:
                cycles.append(trail[trail.index(nxt) :] + [nxt])
            elif len(trail) < len(LAYERS):
                visit(nxt, [*trail, nxt])

    for start in sorted(graph):
        visit(start, [start])
    return cycles


def undocumented(root: Path = PACKAGE, doc: Path = DOC) -> list[str]:
    """Return the modules (paths under src/japan_nato/) that docs/architecture.md never names."""
    text = doc.read_text(encoding="utf-8")
    names = [p.relative_to(root).as_posix() for p in modules(root)]
    names += [p.relative_to(root).as_posix() for p in (root / "views" / "assets").glob("*.*")]
    # A name counts only on its own, so "course.py" is not found inside "tests/test_course.py".
    return [name for name in names if not re.search(rf"(?<![\w/.-]){re.escape(name)}", text)]


# Only the public layer picks the default data folder (issue 9 item 5): Course for notebooks,
# the command lines for --data-dir. Every other function is handed a resolved folder.
PUBLIC_LAYER = ("api.py", "course.py", "cli.py", "room/cli.py")
FOLDER_RESOLVERS = ("data_dir", "resolve_data_dir")  # in dataset/paths.py, which defines them
RESOLVER_HOMES = ("japan_nato.dataset", "japan_nato.dataset.paths")


def folder_defaults(root: Path = PACKAGE) -> list[str]:
    """Return where the core gives a data_dir parameter a default or calls the folder resolver."""
    problems = []
    for path in modules(root):
        name = path.relative_to(root).as_posix()
        if name in PUBLIC_LAYER or name == "dataset/paths.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                problems += [
                    f"{where}: {node.name}() gives data_dir a default"
                    for arg, default in _defaults(node.args)
                    if arg.arg == "data_dir" and default is not None
                ]
            elif isinstance(node, ast.ImportFrom) and node.module in RESOLVER_HOMES:
                problems += [
                    f"{where}: imports the folder resolver {alias.name}"
                    for alias in node.names
                    if alias.name in FOLDER_RESOLVERS
                ]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in FOLDER_RESOLVERS:
                    problems.append(f"{where}: calls the folder resolver {node.func.attr}()")
    return problems


def _defaults(args: ast.arguments) -> list[tuple[ast.arg, ast.expr | None]]:
    """Pair every parameter with its default (None when it has none)."""
    positional = [*args.posonlyargs, *args.args]
    padded = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    return list(zip(positional, padded, strict=True)) + list(
        zip(args.kwonlyargs, args.kw_defaults, strict=True)
    )


def test_only_the_public_layer_picks_the_data_folder() -> None:
    assert folder_defaults() == []


def test_the_folder_check_catches_a_core_default(tmp_path: Path) -> None:
    # A copy of the package whose core picks the folder itself, in each of the three ways.
    copy = _copy_package(tmp_path)
    (copy / "quiz" / "extra.py").write_text(
        "from pathlib import Path\n"
        "from japan_nato.dataset.paths import resolve_data_dir\n"
        "import japan_nato.dataset.paths as paths\n"
        "def names(data_dir: Path | None = None, *, other: int = 0) -> Path:\n"
        "    return paths.data_dir() if data_dir is None else data_dir\n",
        encoding="utf-8",
    )
    (copy / "exercises" / "extra.py").write_text(
        "def ids(*, data_dir=None):\n    return data_dir\n", encoding="utf-8"
    )
    problems = folder_defaults(copy)
    assert "quiz/extra.py:2: imports the folder resolver resolve_data_dir" in problems
    assert "quiz/extra.py:4: names() gives data_dir a default" in problems
    assert "quiz/extra.py:5: calls the folder resolver data_dir()" in problems
    assert "exercises/extra.py:1: ids() gives data_dir a default" in problems
    assert len(problems) == 4  # the public layer and the real core are clean


def _copy_package(tmp_path: Path) -> Path:
    """Copy the package's modules into tmp_path/japan_nato; return that folder."""
    copy = tmp_path / "japan_nato"
    for path in modules():
        target = copy / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return copy


def test_every_unit_has_a_layer() -> None:
    units = {unit(path) for path in modules()}
    assert units <= set(LAYERS), f"give these a layer in LAYERS: {sorted(units - set(LAYERS))}"


def test_imports_never_go_up_a_layer() -> None:
    assert layer_violations() == []


def test_no_import_cycles_between_units() -> None:
    assert unit_cycles() == []


def test_docs_name_every_module() -> None:
    assert undocumented() == []


def test_the_checks_catch_a_deliberate_violation(tmp_path: Path) -> None:
    # A copy of the package with one wrong-way import, one cycle and one unnamed module.
    copy = _copy_package(tmp_path)
    (copy / "quiz" / "session.py").write_text(
        "import ipywidgets\nfrom japan_nato.views.quiz_widget import QuizWidget\n", encoding="utf-8"
    )
    (copy / "dataset" / "extra.py").write_text("from japan_nato import quiz\n", encoding="utf-8")
    problems = layer_violations(copy)
    assert any("quiz/session.py:1: imports ipywidgets" in p for p in problems)
    assert any("quiz/session.py:2: quiz (layer 1) imports japan_nato.views" in p for p in problems)
    assert any("dataset/extra.py" in p for p in problems)
    assert any(cycle[0] == "dataset" for cycle in unit_cycles(copy))
    assert "dataset/extra.py" in undocumented(copy)


@pytest.mark.parametrize("name", ["quiz", "progress"])
def test_the_learner_functions_keep_their_names(name: str) -> None:
    # quiz/ and progress/ are subpackages too; importing every submodule must not rebind them.
    for info in pkgutil.walk_packages(japan_nato.__path__, "japan_nato."):
        if not info.name.startswith(("japan_nato.views", "japan_nato.__main__")):
            importlib.import_module(info.name)
    assert callable(getattr(japan_nato, name))
    assert getattr(japan_nato, name).__module__ == "japan_nato.api"
