// Keeps JupyterLab's notebook shortcuts (a, b, d d, arrows...) away from the quiz controls.
// JupyterLab skips its shortcuts for key presses whose target carries the attribute
// data-lm-suppress-shortcuts; stock ipywidgets cannot set attributes, so this marks every
// control of the quiz it sits in, now and as controls are added.
function render({ el }) {
  const quiz = el.closest(".jn-quiz") || el.parentElement;
  if (!quiz) return;
  const mark = () => {
    for (const control of quiz.querySelectorAll("input, select, button, textarea")) {
      control.setAttribute("data-lm-suppress-shortcuts", "true");
    }
  };
  mark();
  const observer = new MutationObserver(mark);
  observer.observe(quiz, { childList: true, subtree: true });
  return () => observer.disconnect();
}

export default { render };
