// A question card's buttons and, under them, its feedback, hint and evidence: one widget
// model where stock ipywidgets needed six (a row box, four buttons and an HTML area).
// The buttons are native <button>s with the classes of ipywidgets buttons, so they look,
// focus and read the same; a press goes to the kernel as {click: index}.
// The feedback is HTML the kernel built and escaped, shown as an ipywidgets HTML widget would.
function render({ model, el }) {
  el.classList.add("jn-actions");
  const row = document.createElement("div");
  row.className = "jn-buttons";
  const below = document.createElement("div");
  below.className = "jn-below";
  el.append(row, below);

  const drawButtons = () => {
    const specs = model.get("buttons") || [];
    while (row.children.length > specs.length) row.lastChild.remove();
    specs.forEach((spec, index) => {
      let button = row.children[index];
      if (!button) {
        // Reused on every change, so a pressed button keeps the keyboard focus.
        button = document.createElement("button");
        button.type = "button";
        button.addEventListener("click", () => model.send({ click: index }));
        row.append(button);
      }
      button.className =
        "jupyter-widgets jupyter-button widget-button" + (spec.primary ? " mod-primary" : "");
      button.textContent = spec.label;
      button.title = spec.tooltip || "";
      button.disabled = Boolean(spec.disabled);
    });
  };
  const drawBelow = () => {
    below.innerHTML = model.get("below") || "";
  };
  drawButtons();
  drawBelow();
  model.on("change:buttons", drawButtons);
  model.on("change:below", drawBelow);
  return () => {
    model.off("change:buttons", drawButtons);
    model.off("change:below", drawBelow);
  };
}

export default { render };
