// Keeps JupyterLab's notebook shortcuts (a, b, d d, arrows...) away from the quiz controls,
// and gives the keyboard what a native form has: one Tab stop per option group, arrow keys
// inside it, and Enter in a short-answer box pressing the card's Check button.
// JupyterLab skips its shortcuts for key presses whose target carries the attribute
// data-lm-suppress-shortcuts; stock ipywidgets cannot set attributes, so this marks every
// control of the quiz it sits in, now and as controls are added.
// Each guard loads its own copy of this module, so a counter alone would repeat across quizzes.
let groups = 0;
const prefix = `jn-radio-${Math.random().toString(36).slice(2)}`;

function checkButton(card) {
  for (const button of card.querySelectorAll("button")) {
    if (button.textContent.trim() === "Check") return button;
  }
  return null;
}

// Checkboxes are each a Tab stop natively: keep only the focused (or first) one in the order.
function rove(box, current) {
  const boxes = [...box.querySelectorAll('input[type="checkbox"]')];
  boxes.forEach((b, i) => b.setAttribute("tabindex", (current ? b === current : i === 0) ? "0" : "-1"));
}

function guard(quiz) {
  const mark = () => {
    for (const control of quiz.querySelectorAll("input, select, button, textarea")) {
      if (control.getAttribute("data-lm-suppress-shortcuts") !== "true") {
        control.setAttribute("data-lm-suppress-shortcuts", "true");
      }
    }
    // A shared name makes each radio list one native group: one Tab stop, arrows move.
    for (const box of quiz.querySelectorAll(".widget-radio-box")) {
      if (!box.dataset.jnGroup) box.dataset.jnGroup = `${prefix}-${++groups}`;
      for (const radio of box.querySelectorAll('input[type="radio"]')) {
        if (radio.name !== box.dataset.jnGroup) radio.name = box.dataset.jnGroup;
      }
    }
    for (const box of quiz.querySelectorAll(".jn-checks")) {
      if (!box.querySelector('input[type="checkbox"][tabindex="0"]')) rove(box, null);
    }
  };
  const onKey = (event) => {
    const target = event.target;
    const card = target.closest && target.closest(".jn-quiz-card");
    if (!card) return;
    if (event.key === "Enter" && target.matches('input[type="text"], input:not([type])')) {
      const button = checkButton(card);
      if (button) {
        event.preventDefault();
        // Let the text's value reach the kernel before the click does (same channel, in order).
        target.dispatchEvent(new Event("change", { bubbles: true }));
        button.click();
      }
      return;
    }
    const group = target.matches('input[type="checkbox"]') && target.closest(".jn-checks");
    const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
    if (group && step) {
      const boxes = [...group.querySelectorAll('input[type="checkbox"]')];
      const next = boxes[(boxes.indexOf(target) + step + boxes.length) % boxes.length];
      event.preventDefault();
      rove(group, next);
      next.focus();
    }
  };
  mark();
  // Capture: ipywidgets stops key events from leaving its text boxes.
  quiz.addEventListener("keydown", onKey, true);
  const observer = new MutationObserver(mark);
  observer.observe(quiz, { childList: true, subtree: true });
  return () => {
    observer.disconnect();
    quiz.removeEventListener("keydown", onKey, true);
  };
}

// The view may render before it is attached to the page: wait for its quiz (a few frames).
function render({ el }) {
  let stop = null;
  let tries = 0;
  let frame = 0;
  const attach = () => {
    const quiz = el.closest(".jn-quiz");
    if (quiz) {
      stop = guard(quiz);
    } else if (tries++ < 600) {
      frame = requestAnimationFrame(attach);
    }
  };
  attach();
  return () => {
    cancelAnimationFrame(frame);
    if (stop) stop();
  };
}

export default { render };
