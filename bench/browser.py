"""(f) In JupyterLab in headless Chromium: click Check, time until the feedback is painted."""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import CHROMIUM, Measurement, Row, Settings, Skip, child_env, log, median
from tests.support import lab

TITLE = "browser: Check → feedback"


# ---------------------------------------------------------------------------------------------
# (f) the browser

_MEASURE_CLICK = """async ([selector, timeoutMs]) => {
  const card = document.querySelector(selector);
  const button = [...card.querySelectorAll('button')]
    .find(b => b.textContent.trim() === 'Check');
  const text = () => {
    const node = card.querySelector('.jn-feedback');
    return node && node.getBoundingClientRect().height > 0 ? node.textContent : '';
  };
  const before = text();
  return await new Promise((resolve, reject) => {
    let changed = null;
    const started = performance.now();
    const observer = new MutationObserver(() => {
      if (changed !== null || text() === before) return;
      changed = performance.now();
      observer.disconnect();
      // Two animation frames: the frame that shows the new feedback has been painted.
      requestAnimationFrame(() => requestAnimationFrame(() => resolve({
        dom_ms: changed - started, painted_ms: performance.now() - started, text: text(),
      })));
    });
    observer.observe(card, {subtree: true, childList: true, characterData: true});
    setTimeout(() => { observer.disconnect(); reject(new Error('no feedback change')); },
               timeoutMs);
    button.click();
  });
}"""


def _click_question() -> tuple[str, str, int, int]:
    """Return (bank, question id, right option index, wrong option index) of a single choice."""
    from japan_nato.dataset.paths import data_dir

    quiz_module = importlib.import_module("japan_nato.quiz")
    folder = data_dir()  # the packaged course data
    banks = quiz_module.bank_names(folder)
    for bank in sorted(banks, key=lambda b: (b != "01_reading_the_source", b)):
        for question in quiz_module.load_bank(bank, folder).questions:
            if question.type_name == "single_choice":
                right = next(i for i, o in enumerate(question.options) if o.correct)
                wrong = next(i for i, o in enumerate(question.options) if not o.correct)
                return bank, question.id, right, wrong
    raise Skip("no single_choice question in any bank")


def run(settings: Settings, result: Measurement) -> None:
    """Click Check on a quiz card in JupyterLab (headless Chromium); time until feedback shows."""
    if not CHROMIUM.exists():
        raise Skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        raise Skip("Python playwright is not installed (pip install -e .[browser])")
    why = lab.missing_requirement()
    if why:
        raise Skip(why)
    bank, question_id, right, wrong = _click_question()
    from playwright.sync_api import sync_playwright

    saved = dict(os.environ)
    os.environ.update(child_env())  # the server and its kernels inherit it
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    base = Path(tempfile.mkdtemp(prefix="jn-bench-lab-"))
    server = None
    samples: list[dict[str, Any]] = []
    python_side: list[float] = []
    first: dict[str, Any] = {}
    try:
        server = lab.start_lab(base, notebooks=None)
        os.environ.clear()
        os.environ.update(saved)
        lab.write_notebook(
            server.root / "bench_quiz.ipynb",
            [f"from japan_nato import quiz\nquiz({bank!r})"],
            markdown="# Benchmark: Check latency",
        )
        log(f"(f) jupyter lab up in {server.startup_s:.1f} s; opening the quiz in Chromium")
        with sync_playwright() as playwright:
            browser = lab.launch_browser(playwright, f"{base}-browser")
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 1000})
                context.set_default_timeout(lab.UI_MS)
                page = context.new_page()
                lab.open_notebook(page, server, "bench_quiz.ipynb")
                lab.run_all(page)
                selector = f".jn-q-{question_id}"
                card = page.locator(selector)
                card.wait_for(state="visible", timeout=lab.PAGE_LOAD_MS)
                card.scroll_into_view_if_needed()
                radios = card.locator("input[type=radio]")
                for click in range(settings.clicks + 1):
                    # Alternate wrong and right, so the feedback text changes on every click.
                    radios.nth(wrong if click % 2 == 0 else right).check()
                    page.wait_for_timeout(150)  # let the choice reach the kernel first
                    lab.wait_idle(page)
                    started = time.perf_counter()
                    timing = page.evaluate(_MEASURE_CLICK, [selector, 30_000])
                    python_side.append(time.perf_counter() - started)
                    if click == 0:
                        first = timing
                    else:
                        samples.append(timing)
                    page.wait_for_timeout(100)
                errors = lab.error_texts(page)
                context.close()
            finally:
                browser.close()
    finally:
        os.environ.clear()
        os.environ.update(saved)
        leaked = server.stop() if server is not None else []
        shutil.rmtree(base, ignore_errors=True)
    painted = [s["painted_ms"] for s in samples]
    dom = [s["dom_ms"] for s in samples]
    value = median(painted)
    result.rows.append(
        Row(
            f"click Check → feedback painted (median of {len(painted)} clicks)",
            f"{value:.0f} ms (feedback in the DOM after {median(dom):.0f} ms; "
            f"slowest {max(painted):.0f} ms)",
            "median < 300 ms",
            value < 300,
            round(value, 1),
            "ms",
        )
    )
    result.rows.append(
        Row(
            "  first click after the quiz appeared",
            f"{first['painted_ms']:.0f} ms",
        )
    )
    result.data |= {
        "bank": bank,
        "question_id": question_id,
        "clicks": len(samples),
        "painted_ms": painted,
        "dom_ms": dom,
        "first_click": first,
        "python_side_ms": [seconds * 1000 for seconds in python_side],
        "median_painted_ms": value,
        "median_dom_ms": median(dom),
        "target_ms": 300,
        "feedback_shown": [s["text"][:14] for s in samples],
        "page_errors": errors,
        "leaked_processes": leaked,
        "how": "in the page: performance.now() before a click() on the Check button, until "
        "the .jn-feedback text changes (MutationObserver) and two animation frames pass; "
        "answers alternate wrong/right; chosen with a real radio click first",
    }
