"""What a learner sees: layout at small sizes, coming back to a saved notebook, keyboard, figures.

One notebook shows every bank's quiz (the same cards as the course notebooks), so the layout is
checked on every card of every notebook with a single run. Browser zoom is a smaller CSS viewport
(a 1366 px window at 150 % lays out in 911 CSS px), which is what the page's layout sees.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support import lab
from tests.support.course_data import COURSE_DATA

pytestmark = pytest.mark.browser

SIZES = {
    "1024x700": (1024, 700),
    "800x900": (800, 900),
    "1366x768 at 150 %": (round(1366 / 1.5), round(768 / 1.5)),
}

# Every problem of the cards' layout, measured in the page.
LAYOUT_JS = """
() => {
  const problems = [];
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
                            Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const canvas = document.createElement("canvas").getContext("2d");
  for (const card of document.querySelectorAll(".jn-quiz-card")) {
    const id = [...card.classList].find(c => c.startsWith("jn-q-"));
    const options = ".widget-radio-box label, .widget-checkbox label:has(> input)";
    const labels = [...card.querySelectorAll(options)];
    const boxes = labels.map(l => l.getBoundingClientRect());
    for (let i = 0; i < labels.length; i++) {
      const text = labels[i].textContent.trim().slice(0, 40);
      for (let j = i + 1; j < labels.length; j++) {
        if (overlap(boxes[i], boxes[j])) problems.push(`${id}: "${text}" overlaps option ${j}`);
      }
      const l = labels[i];
      if (l.scrollWidth > l.clientWidth + 1 || l.scrollHeight > l.clientHeight + 1) {
        problems.push(`${id}: "${text}" is clipped`);
      }
      const input = l.querySelector("input");
      const r = input && input.getBoundingClientRect();
      if (!r || r.width < 8 || r.top < boxes[i].top - 1 || r.bottom > boxes[i].bottom + 1) {
        problems.push(`${id}: "${text}" lost its radio circle or checkbox`);
      }
    }
    if (card.scrollWidth > card.clientWidth + 1) problems.push(`${id}: the card scrolls sideways`);
    for (const button of card.querySelectorAll("button")) {
      if (button.scrollWidth > button.clientWidth + 1) {
        problems.push(`${id}: button "${button.textContent.trim()}" is cut off`);
      }
    }
    const inner = card.clientWidth - 24;
    for (const select of card.querySelectorAll("select")) {
      canvas.font = getComputedStyle(select).font;
      const widest = Math.max(...[...select.options].map(o => canvas.measureText(o.text).width));
      const needed = widest + 28;  // the arrow and padding
      const width = select.getBoundingClientRect().width;
      if (width + 1 < Math.min(needed, inner)) {
        problems.push(`${id}: a dropdown is ${Math.round(width)} px for ${Math.round(needed)} px`);
      }
      if (needed > width + 1) {  // cut off when closed: each choice must be listed in full
        const shown = card.innerText;
        for (const option of [...select.options].slice(1)) {
          if (!shown.includes(option.text)) problems.push(`${id}: "${option.text}" unreadable`);
        }
      }
    }
  }
  return problems;
}
"""


def _all_quizzes_notebook(server: lab.LabServer) -> str:
    """Write a notebook that shows every bank's quiz; return its name."""
    from japan_nato.quiz import bank_names

    cells = ["from japan_nato import quiz"] + [
        f"quiz({name!r})" for name in bank_names(COURSE_DATA)
    ]
    lab.write_notebook(server.root / "_all_quizzes.ipynb", cells)
    return "_all_quizzes.ipynb"


@pytest.fixture(scope="module")
def quizzes_page(browser: Any, lab_server: lab.LabServer) -> Any:
    """One page with every bank's quiz rendered, shared by the layout and keyboard tests."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(lab.UI_MS)
    page = context.new_page()
    lab.open_notebook(page, lab_server, _all_quizzes_notebook(lab_server))
    lab.run_all(page)
    expect(page.locator(".jn-quiz").first).to_be_visible()
    yield page
    context.close()
    lab_server.shutdown_kernels()
    lab_server.reset_progress()


@pytest.mark.parametrize("size", list(SIZES))
def test_cards_fit_at_small_sizes_and_zoom(quizzes_page: Page, size: str) -> None:
    """No option overlaps another or loses its circle, none is clipped, every choice is readable."""
    width, height = SIZES[size]
    quizzes_page.set_viewport_size({"width": width, "height": height})
    quizzes_page.wait_for_timeout(300)  # let JupyterLab's resize handlers lay the panel out
    cards = quizzes_page.locator(".jn-quiz-card").count()
    assert cards > 40, f"only {cards} cards rendered"
    problems = quizzes_page.evaluate(LAYOUT_JS)
    assert problems == [], f"{len(problems)} layout problems at {size}:\n" + "\n".join(problems)


def test_keyboard_one_tab_stop_per_group_and_enter_submits(quizzes_page: Page) -> None:
    """Tab goes from a radio group straight to Check; arrows pick; Enter checks a short answer."""
    quizzes_page.set_viewport_size({"width": 1366, "height": 900})
    radio_card = quizzes_page.locator(".jn-quiz-card").filter(
        has=quizzes_page.locator(".widget-radio-box input")
    )
    card = radio_card.first
    radios = card.locator('.widget-radio-box input[type="radio"]')
    assert radios.count() >= 3
    radios.first.focus()
    quizzes_page.keyboard.press("ArrowDown")
    expect(radios.nth(1)).to_be_checked()
    quizzes_page.keyboard.press("Tab")
    assert lab.is_focused(lab.check_button(card)), "Tab from a radio group did not reach Check"
    # The arrow key's choice reached the kernel: Check grades the second option.
    quizzes_page.keyboard.press("Enter")
    expect(lab.feedback(card)).to_be_visible()

    checks = quizzes_page.locator(".jn-quiz-card").filter(has=quizzes_page.locator(".jn-checks"))
    group = checks.first.locator('.jn-checks input[type="checkbox"]')
    group.first.focus()
    quizzes_page.keyboard.press("ArrowDown")
    assert lab.is_focused(group.nth(1))
    quizzes_page.keyboard.press("Space")
    expect(group.nth(1)).to_be_checked()
    quizzes_page.keyboard.press("Tab")
    assert lab.is_focused(lab.check_button(checks.first)), "Tab from checkboxes missed Check"

    from japan_nato.quiz import bank_names, load_bank

    short = next(
        q
        for name in bank_names(COURSE_DATA)
        for q in load_bank(name, COURSE_DATA).questions
        if q.type_name == "short_answer"
    )
    short_card = lab.quiz_card(quizzes_page, short.id).first
    box = short_card.locator('input[type="text"]')
    box.click()
    box.fill(str(short.example_answers()[0]))
    quizzes_page.keyboard.press("Enter")
    expect(lab.feedback(short_card)).to_contain_text("✓")

    # A focused button has a visible ring: a 3 px outline.
    lab.check_button(card).focus()
    quizzes_page.keyboard.press("Shift+Tab")
    quizzes_page.keyboard.press("Tab")
    outline = lab.check_button(card).evaluate(
        "b => [getComputedStyle(b).outlineStyle, parseFloat(getComputedStyle(b).outlineWidth)]"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline


def _save(page: Page) -> None:
    """Save the notebook with the keyboard shortcut and wait until it is clean."""
    page.locator(".jp-NotebookPanel .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !document.querySelector('.lm-DockPanel-tabBar .lm-mod-current.jp-mod-dirty')"
    )


def test_reopened_notebook_says_how_to_start_then_shows_answers(
    page: Page, lab_server: lab.LabServer
) -> None:
    """Save, close, new kernel, reopen: no "model not found"; after running, answers come back."""
    bank = "01_reading_the_source"
    name = lab.quiz_notebook(lab_server, bank)
    questions = lab.bank_questions(bank)
    qid, question = next((k, q) for k, q in questions.items() if q["type"] == "single_choice")
    right = next(i for i, o in enumerate(question["options"]) if o.get("correct"))

    lab.open_notebook(page, lab_server, name)
    lab.run_all(page)
    card = lab.quiz_card(page, qid)
    card.locator('input[type="radio"]').nth(right).check()
    lab.click_check(card)
    expect(lab.feedback(card)).to_contain_text("✓")
    page.wait_for_timeout(200)
    _save(page)

    saved = json.loads((lab_server.root / name).read_text(encoding="utf-8"))
    outputs = [o for c in saved["cells"] for o in c.get("outputs", [])]
    texts = ["".join(o.get("data", {}).get("text/plain", "")) for o in outputs]
    quiz_texts = [t for t in texts if t.startswith("Run this cell to start the quiz")]
    assert quiz_texts, "the saved notebook has no quiz text that says how to start it"
    assert all("Score:" not in t for t in quiz_texts), "the saved quiz text carries a score"
    assert not any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        for o in outputs
        if "".join(o.get("data", {}).get("text/plain", "")).startswith("Run this cell")
    ), "a quiz widget view was saved"

    # Close everything, a new kernel, reopen the saved file.
    page.goto("about:blank")
    lab_server.shutdown_kernels()
    lab.open_notebook(page, lab_server, name)
    expect(page.get_by_text("Run this cell to start the quiz").first).to_be_visible()
    assert lab.error_texts(page) == []
    expect(page.locator("text=model not found")).to_have_count(0)

    lab.run_all(page)
    card = lab.quiz_card(page, qid)
    expect(card.locator('input[type="radio"]').nth(right)).to_be_checked()
    expect(lab.feedback(card)).to_contain_text("✓")
    expect(card).to_contain_text("✓ Answered correctly before")

    # A plain kernel restart: one clear message instead of broken-link icons.
    lab._menu(page, "Kernel", "Restart Kernel")
    dialog = page.locator(".jp-Dialog")
    dialog.locator("button.jp-mod-accept").click()
    lab.wait_idle(page)
    quiz = page.locator(".jn-quiz").first
    expect(quiz).to_have_class(re.compile(r"\bjupyter-widgets-disconnected\b"))
    message = quiz.evaluate("q => getComputedStyle(q, '::before').content")
    card_message = card.evaluate("c => getComputedStyle(c, '::before').content")
    assert "run this cell again" in card_message, card_message
    assert "run this cell again" in message, message
    icons = quiz.evaluate(
        "q => [...q.querySelectorAll('.jupyter-widgets-disconnected:not(.jn-quiz-card)')]"
        ".filter(e => getComputedStyle(e, '::before').content !== 'none').length"
    )
    assert icons == 0, f"{icons} broken-link icons inside the quiz"


def test_figure_has_description_and_data_table(page: Page, lab_server: lab.LabServer) -> None:
    """A figure's output is an image with alt text, a caption and a data table; axe agrees."""
    lab.write_notebook(
        lab_server.root / "_figure.ipynb",
        ["from japan_nato import facts_by_topic_figure\nfacts_by_topic_figure()"],
    )
    lab.open_notebook(page, lab_server, "_figure.ipynb")
    lab.run_all(page)
    figure = page.locator(".jp-OutputArea-output figure.jn-figure")
    expect(figure).to_be_visible()
    image = figure.get_by_role("img")
    alt = image.get_attribute("alt") or ""
    assert "facts per topic" in alt, alt
    figure.locator("summary").click()
    table = figure.locator("details table")
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() >= 3

    from tests.browser.test_accessibility import _axe

    result = _axe(page, {"include": [[".jn-figure"]]})
    passed = {rule["id"] for rule in result["passes"]}
    assert "image-alt" in passed, f"axe did not find a named image: passes {sorted(passed)}"
    assert not [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]


# Every <text> of a figure's SVG as Chromium lays it out, and what is wrong with the layout.
FIGURE_TEXT_JS = """
() => {
  const svg = document.querySelector("svg");
  const view = svg.viewBox.baseVal;
  const texts = [...svg.querySelectorAll("text")].map(t => {
    const b = t.getBBox();
    return {text: t.textContent, left: b.x, top: b.y, right: b.x + b.width, bottom: b.y + b.height};
  });
  const problems = [];
  for (let i = 0; i < texts.length; i++) {
    const a = texts[i];
    if (a.left < view.x || a.top < view.y || a.right > view.x + view.width ||
        a.bottom > view.y + view.height) problems.push(`"${a.text}" leaves the figure`);
    for (let j = i + 1; j < texts.length; j++) {
      const b = texts[j];
      if (Math.min(a.right, b.right) > Math.max(a.left, b.left) &&
          Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top)) {
        problems.push(`"${a.text}" overlaps "${b.text}"`);
      }
    }
  }
  return {texts, problems};
}
"""


def _figures() -> dict[str, Any]:
    """Each course figure by name, with two variants the notebooks also draw."""
    from japan_nato import figures, load_timeline

    timeline = load_timeline()
    made = {name: make(data_dir=COURSE_DATA) for name, make in figures.FIGURES.items()}
    made["timeline (japan_nato only)"] = figures.timeline_figure(
        timeline[timeline["category"] == "japan_nato"], data_dir=COURSE_DATA
    )
    from japan_nato.instructor.chart import chart_drawing
    from japan_nato.instructor.report import build_report, load_exports

    samples = sorted((lab.REPO / "tests" / "data").glob("progress_*.csv"))
    drawing = chart_drawing(build_report(load_exports(samples)))
    made["report chart"] = figures.CourseFigure("report chart", drawing)
    return made


@pytest.mark.parametrize(
    "name",
    [
        "timeline.svg",
        "frameworks.svg",
        "facts_by_topic.svg",
        "timeline (japan_nato only)",
        "report chart",
    ],
)
def test_figure_labels_do_not_overlap_in_chromium(page: Page, name: str) -> None:
    """Chromium's own text boxes (getBBox): no two labels overlap, none leaves the figure."""
    fig = _figures()[name]
    page.set_content(f"<!doctype html><body style='margin: 0'>{fig.svg}</body>")
    measured = page.evaluate(FIGURE_TEXT_JS)
    assert measured["problems"] == []
    # The layout's estimate must never be narrower than the real text: that is what keeps the
    # labels apart with another font or a longer label.
    estimated = fig.drawing.texts()
    assert [t["text"].replace("\u00a0", " ") for t in measured["texts"]] == [
        e.text for e in estimated
    ]
    narrow = [
        f'"{e.text}": estimated {e.box.right - e.box.left:.0f} px, drawn {drawn:.0f}'
        for e, t in zip(estimated, measured["texts"], strict=True)
        if (drawn := t["right"] - t["left"]) > e.box.right - e.box.left + 0.5
    ]
    assert narrow == []


def _figure_output(data: dict[str, str]) -> dict[str, Any]:
    """A stored execute_result output with the given mime data."""
    return {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": data}


def test_figure_shows_in_an_untrusted_notebook_and_after_running(
    page: Page, lab_server: lab.LabServer
) -> None:
    """A stored figure shows in a never-run (untrusted) notebook, and again after Run All."""
    from japan_nato import frameworks_figure

    fig = frameworks_figure()
    path = lab.write_notebook(
        lab_server.root / "_stored_figure.ipynb",
        ["from japan_nato import frameworks_figure\nframeworks_figure()", "'control'"],
    )
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"][0]["outputs"] = [
        _figure_output({"text/html": fig._repr_html_(), "text/plain": repr(fig)})
    ]
    # The control: an image/svg+xml output, which JupyterLab refuses in an untrusted notebook.
    notebook["cells"][1]["outputs"] = [
        _figure_output({"image/svg+xml": fig.svg, "text/plain": "'svg refused: untrusted'"})
    ]
    path.write_text(json.dumps(notebook), encoding="utf-8")

    lab.open_notebook(page, lab_server, "_stored_figure.ipynb")
    expect(page.get_by_text("svg refused: untrusted")).to_be_visible()  # so it is untrusted
    image = page.locator(".jp-OutputArea-output figure.jn-figure img")
    expect(image).to_be_visible()
    assert image.evaluate("i => i.complete && i.naturalWidth") == 900
    assert (image.get_attribute("alt") or "").startswith("Two bar charts")
    shown = image.bounding_box()
    assert shown and shown["height"] > 300, shown

    lab.run_all(page)
    image = page.locator(".jp-OutputArea-output figure.jn-figure img")
    expect(image).to_have_count(1)
    assert image.evaluate("i => i.complete && i.naturalWidth") == 900
    assert lab.error_texts(page) == []


@pytest.mark.parametrize(
    ("notebook", "count"),
    [
        ("01_reading_the_source.ipynb", 2),
        ("03_the_ipcp.ipynb", 1),
        ("04_nato_partnerships.ipynb", 1),
        ("06_review.ipynb", 1),
    ],
)
def test_course_figures_show_in_a_fresh_clone(
    page: Page, lab_server: lab.LabServer, notebook: str, count: int
) -> None:
    """Opened as stored, never run (untrusted): every figure of the notebook is a drawn image."""
    lab.open_notebook(page, lab_server, notebook)
    images = page.locator(".jp-OutputArea-output figure.jn-figure img")
    expect(images).to_have_count(count)
    for image in images.all():
        image.scroll_into_view_if_needed()
        image.wait_for(state="visible")
        page.wait_for_function("i => i.complete", arg=image.element_handle())
        assert image.evaluate("i => i.naturalWidth") == 900
        assert (image.get_attribute("src") or "").startswith("data:image/svg+xml;base64,")
        assert len(image.get_attribute("alt") or "") > 40
