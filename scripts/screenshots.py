"""Regenerate docs/img/*.png (quiz cards, a reopened notebook, a table, a figure) in JupyterLab.

Usage (from the repository root): python -m scripts.screenshots [--out docs/img]

It starts the same hermetic JupyterLab as the browser tests (tests/support/lab.py), shows the
quiz of notebook 01 in headless Chromium in a 1024 px window, and photographs one question card
before answering and after a wrong answer (feedback and evidence open); then it saves the
notebook, starts a new kernel, reopens it (quiz-reopened.png: the saved text says how to start)
and runs it again (quiz-restored.png: the last answer is back). Last, a notebook showing a
DataFrame and the timeline: table-800.png (the table in an 800 px window) and
figure-timeline.png (the figure with its caption, at 1024 px). Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tests.support import lab

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ViewportSize

REPO = lab.REPO

BANK = "01_reading_the_source"
QUESTION = "src-meeting-date"
WRONG = "5 July 2022"  # the dateline misconception: its feedback is the point of the picture
WINDOW: ViewportSize = {"width": 1024, "height": 900}
NARROW: ViewportSize = {"width": 800, "height": 900}
# The table and the figure a learner meets in 01: facts with their quotes, the whole timeline.
OUTPUTS = [
    "from japan_nato import load_facts\n"
    'load_facts()[["fact_id", "topic", "kind", "quote"]].head(6)',
    "from japan_nato import timeline_figure\ntimeline_figure()",
]


def _outputs(browser: Browser, server: lab.LabServer, out: Path) -> list[Path]:
    """Photograph a DataFrame at 800 px and a figure at 1024 px; return their paths."""
    from playwright.sync_api import expect

    name = "outputs.ipynb"
    lab.write_notebook(server.root / name, OUTPUTS)
    page = browser.new_page(viewport=NARROW)
    lab.open_notebook(page, server, name)
    lab.run_all(page)
    table = page.locator(".jp-OutputArea-output:has(table)").first
    expect(table).to_be_visible()
    table.scroll_into_view_if_needed()
    shots = [out / "table-800.png", out / "figure-timeline.png"]
    table.screenshot(path=str(shots[0]), animations="disabled")
    # Tall enough for the whole figure and its caption: JupyterLab clips what lies outside its
    # scrolling notebook panel.
    page.set_viewport_size({"width": WINDOW["width"], "height": 1700})
    figure = page.locator(".jp-OutputArea-output:has(.jn-figure)").first
    expect(figure.locator("img")).to_be_visible()
    figure.scroll_into_view_if_needed()
    figure.screenshot(path=str(shots[1]), animations="disabled")
    errors = lab.error_texts(page)
    if errors:
        raise RuntimeError(f"the notebook showed errors: {errors}")
    page.close()
    return shots


def shoot(out: Path) -> list[Path]:
    """Take the screenshots into `out`; return their paths."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=lab.UI_MS)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jn-screenshots-") as tmp:
        server = lab.start_lab(Path(tmp), notebooks=None)
        try:
            name = "quiz.ipynb"
            lab.write_notebook(server.root / name, [f"from japan_nato import quiz\nquiz({BANK!r})"])
            with sync_playwright() as playwright:
                browser = lab.launch_browser(playwright, f"{tmp}-browser")
                try:
                    page = browser.new_page(viewport=WINDOW)
                    lab.open_notebook(page, server, name)
                    lab.run_all(page)
                    card = lab.quiz_card(page, QUESTION)
                    card.scroll_into_view_if_needed()
                    before = out / "quiz-before.png"
                    card.screenshot(path=str(before), animations="disabled")

                    option = lab.bank_questions(BANK)[QUESTION]["options"]
                    index = [o["text"] for o in option].index(WRONG)
                    card.get_by_role("radio", name=f"{'ABCDEF'[index]}. {WRONG}").check()
                    lab.click_check(card)
                    expect(lab.feedback(card)).to_contain_text("✗")
                    card.get_by_role("button", name="Show evidence").click()
                    expect(card.locator(".jn-evidence").first).to_be_visible()
                    page.evaluate("() => document.activeElement && document.activeElement.blur()")
                    card.scroll_into_view_if_needed()
                    after = out / "quiz-after.png"
                    card.screenshot(path=str(after), animations="disabled")

                    # Save, close, a new kernel, reopen: what a learner sees coming back.
                    page.locator(".jp-NotebookPanel .jp-Notebook").first.click(
                        position={"x": 5, "y": 5}
                    )
                    page.keyboard.press("Control+s")
                    page.wait_for_function(
                        "() => !document.querySelector("
                        "'.lm-DockPanel-tabBar .lm-mod-current.jp-mod-dirty')"
                    )
                    page.goto("about:blank")
                    server.shutdown_kernels()
                    lab.open_notebook(page, server, name)
                    output = page.locator(".jp-OutputArea-output").first
                    expect(output).to_contain_text("Run this cell to start the quiz")
                    reopened = out / "quiz-reopened.png"
                    page.screenshot(path=str(reopened), animations="disabled")
                    lab.run_all(page)
                    card = lab.quiz_card(page, QUESTION)
                    expect(card.locator(".jn-restored")).to_be_visible()
                    card.scroll_into_view_if_needed()
                    restored = out / "quiz-restored.png"
                    card.screenshot(path=str(restored), animations="disabled")
                    errors = lab.error_texts(page)
                    if errors:
                        raise RuntimeError(f"the notebook showed errors: {errors}")
                    page.close()
                    shots = _outputs(browser, server, out)
                finally:
                    browser.close()
        finally:
            leaked = server.stop()
        if leaked:
            raise RuntimeError(f"processes left running: {leaked}")
    return [before, after, reopened, restored, *shots]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img", help="output folder")
    args = parser.parse_args(argv)
    missing = lab.missing_requirement()
    if missing:
        print(f"screenshots: {missing}", file=sys.stderr)
        return 2
    started = time.monotonic()
    for path in shoot(args.out):
        print(
            f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path} "
            f"({path.stat().st_size // 1024} KB)"
        )
    print(f"took {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
