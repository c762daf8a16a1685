"""Tables a learner can read: every course notebook at 800 px and 1024 px, untrusted, in Chromium.

Each notebook is opened as a fresh clone opens it (stored outputs, untrusted: JupyterLab's
sanitizer has stripped `<style>` and most inline CSS), checked, then Run All and checked again at
both sizes. A table may be wider than the window, but only inside a wrapper that scrolls sideways;
the notebook itself never scrolls sideways. Text cells are left-aligned; no cell reads "<NA>",
"NaN" or "None". The figures' data tables are opened ("Read the data of this figure as a
table") and checked the same way.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.support import lab

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(p.name for p in lab.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
SIZES = {"800x900": (800, 900), "1024x700": (1024, 700)}

# Every table problem on the page, as sentences; also how many tables were looked at.
TABLES_JS = r"""
() => {
  const problems = [];
  const number = /^[-+]?[\d,]*\.?\d+(e[-+]?\d+)?\s*%?$/i;
  const scrolls = e => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
  const scroller = document.querySelector(".jp-NotebookPanel .jp-WindowedPanel-outer") ||
                   document.querySelector(".jp-NotebookPanel .jp-Notebook");
  if (scroller && scroller.scrollWidth > scroller.clientWidth + 1) {
    problems.push(`the notebook scrolls sideways: ${scroller.scrollWidth} px content in ` +
                  `${scroller.clientWidth} px`);
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    problems.push("the page scrolls sideways");
  }
  document.querySelectorAll(".jn-figure details").forEach(d => { d.open = true; });
  const tables = [...document.querySelectorAll(".jp-OutputArea-output table")];
  tables.forEach((table, n) => {
    const output = table.closest(".jp-OutputArea-output");
    const where = `table ${n + 1} (${table.rows.length} rows)`;
    if (output.scrollWidth > output.clientWidth + 1) {
      problems.push(`${where}: its output is ${output.scrollWidth} px in ${output.clientWidth} px`);
    }
    let wrapped = false;
    for (let e = table.parentElement; e && e !== output.parentElement; e = e.parentElement) {
      if (scrolls(e) && e.getBoundingClientRect().width <= output.clientWidth + 1) wrapped = true;
    }
    if (table.getBoundingClientRect().width > output.clientWidth + 1 && !wrapped) {
      problems.push(`${where}: wider than the page with no scrolling wrapper`);
    }
    const missing = [], aligned = [];
    const alignOf = cell => {
      const align = getComputedStyle(cell).textAlign;
      return align === "start" ? "left" : align;
    };
    for (const cell of table.querySelectorAll("tbody td, tbody th")) {
      const text = cell.innerText.trim();
      if (["<NA>", "NaN", "None", "NaT", "nan"].includes(text)) missing.push(text);
      if (text && !number.test(text) && !["—", "…", "..."].includes(text)) {
        if (alignOf(cell) !== "left") aligned.push(`"${text.slice(0, 30)}" ${alignOf(cell)}`);
      }
    }
    // A column's header lines up with its values: left over text, right over numbers.
    const first = table.tBodies[0] && table.tBodies[0].rows[0];
    const heads = table.tHead ? table.tHead.rows[table.tHead.rows.length - 1].cells : [];
    for (const head of heads) {
      const text = head.innerText.trim();
      const below = first && first.cells[head.cellIndex];
      if (text && below && alignOf(head) !== alignOf(below)) {
        aligned.push(`header "${text.slice(0, 30)}" ${alignOf(head)} over ${alignOf(below)}`);
      }
    }
    if (missing.length) {
      problems.push(`${where}: ${missing.length} cells read ${[...new Set(missing)].join(", ")}`);
    }
    if (aligned.length) {
      problems.push(`${where}: ${aligned.length} text cells not left-aligned, e.g. ${aligned[0]}`);
    }
  });
  return {problems, tables: tables.length};
}
"""


def _problems(page: Page) -> tuple[list[str], int]:
    """The page's table problems and how many tables it has."""
    found: dict[str, Any] = page.evaluate(TABLES_JS)
    return list(found["problems"]), int(found["tables"])


@pytest.fixture
def narrow_page(browser: Any, lab_server: lab.LabServer) -> Any:
    """A page at 800 x 900; kernels and progress cleared after the test."""
    context = browser.new_context(viewport={"width": 800, "height": 900})
    context.set_default_timeout(lab.UI_MS)
    yield context.new_page()
    context.close()
    lab_server.shutdown_kernels()
    lab_server.reset_progress()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_tables_are_readable_at_small_sizes(
    narrow_page: Page, lab_server: lab.LabServer, name: str
) -> None:
    """Stored (untrusted) and after Run All, at 800 px and 1024 px: no table breaks the page."""
    lab.open_notebook(narrow_page, lab_server, name)
    report = []
    stored, stored_tables = _problems(narrow_page)
    report += [f"stored outputs at 800x900: {p}" for p in stored]
    lab.run_all(narrow_page)
    assert lab.error_texts(narrow_page) == []
    counts = []
    for size, (width, height) in SIZES.items():
        narrow_page.set_viewport_size({"width": width, "height": height})
        narrow_page.wait_for_timeout(300)  # let JupyterLab's resize handlers lay the panel out
        problems, tables = _problems(narrow_page)
        counts.append(tables)
        report += [f"after Run All at {size}: {p}" for p in problems]
    assert counts[0] == counts[1] and counts[0] >= stored_tables
    assert report == [], f"{len(report)} table problems in {name}:\n" + "\n".join(report)


THEME = "@jupyterlab/apputils-extension:themes"


def _set_theme(server: lab.LabServer, theme: str) -> None:
    """Store JupyterLab's theme setting on the server (pages opened afterwards use it)."""
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{server.url}lab/api/settings/{THEME}",
        data=json.dumps({"raw": json.dumps({"theme": theme})}).encode(),
        method="PUT",
        headers={"Authorization": f"token {server.token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 204)


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_tables_pass_axe_in_light_and_dark_theme(
    narrow_page: Page, lab_server: lab.LabServer, theme: str
) -> None:
    """A frame with long text and every kind of missing value: axe finds nothing, either theme."""
    from tests.browser.test_accessibility import _axe, _describe

    lab.write_notebook(
        lab_server.root / "_tables.ipynb",
        [
            "import pandas as pd\nfrom japan_nato import load_facts\nload_facts().head()",
            'pd.DataFrame({"text": ["a long sentence " * 6, None], "n": [1.5, float("nan")],\n'
            '              "k": pd.array([1, None], dtype="Int64")})',
        ],
    )
    _set_theme(lab_server, theme)
    try:
        lab.open_notebook(narrow_page, lab_server, "_tables.ipynb")
        lab.run_all(narrow_page)
        dark = narrow_page.evaluate("() => document.body.dataset.jpThemeLight === 'false'")
        assert dark == (theme == "JupyterLab Dark")
        assert narrow_page.locator(".jp-OutputArea-output .jn-table").count() == 2
        result = _axe(narrow_page, {"include": [[".jn-table"]]})
    finally:
        _set_theme(lab_server, "JupyterLab Light")
    assert result["violations"] == [], _describe(result["violations"])
