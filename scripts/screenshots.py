"""Regenerate docs/img/quiz-before.png and docs/img/quiz-after.png from a real JupyterLab.

Usage (from the repository root): python -m scripts.screenshots [--out docs/img]

It starts the same hermetic JupyterLab as the browser tests (tests/support/lab.py), shows the
quiz of notebook 01 in headless Chromium, and photographs one question card before answering and
after a wrong answer (feedback and evidence open). Needs Debian's Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.support import lab

REPO = lab.REPO

BANK = "01_reading_the_source"
QUESTION = "src-meeting-date"
WRONG = "5 July 2022"  # the dateline misconception: its feedback is the point of the picture
CARD_WIDTH = 800


def shoot(out: Path) -> list[Path]:
    """Take both screenshots into `out`; return their paths."""
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
                    page = browser.new_page(viewport={"width": 1280, "height": 1000})
                    lab.open_notebook(page, server, name)
                    # Hide the file browser so the notebook, and the card, fill the width.
                    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
                    page.locator("#jp-left-stack").wait_for(state="hidden")
                    lab.run_all(page)
                    card = lab.quiz_card(page, QUESTION)
                    width = card.evaluate("c => c.getBoundingClientRect().width")
                    page.set_viewport_size(
                        {"width": round(1280 - (width - CARD_WIDTH)), "height": 1000}
                    )
                    card.scroll_into_view_if_needed()
                    before = out / "quiz-before.png"
                    card.screenshot(path=str(before), animations="disabled")

                    option = lab.bank_questions(BANK)[QUESTION]["options"]
                    index = [o["text"] for o in option].index(WRONG)
                    card.get_by_role("radio", name=f"{'ABCDEF'[index]}. {WRONG}").check()
                    lab.click_check(card)
                    expect(lab.feedback(card)).to_contain_text("✗ Not quite.")
                    card.get_by_role("button", name="Show evidence").click()
                    expect(card.locator(".jn-evidence").first).to_be_visible()
                    page.evaluate("() => document.activeElement && document.activeElement.blur()")
                    card.scroll_into_view_if_needed()
                    after = out / "quiz-after.png"
                    card.screenshot(path=str(after), animations="disabled")
                    errors = lab.error_texts(page)
                    if errors:
                        raise RuntimeError(f"the notebook showed errors: {errors}")
                finally:
                    browser.close()
        finally:
            leaked = server.stop()
        if leaked:
            raise RuntimeError(f"processes left running: {leaked}")
    return [before, after]


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
