// The room dashboard: polls the service and redraws. Every learner-provided string goes
// through textContent, never innerHTML, so nothing a learner types can become markup.
"use strict";
(function () {
  const body = document.body;
  const prefix = body.dataset.prefix;
  const mode = body.dataset.mode;
  const POLL_MS = 2000;
  const xsrf = document.querySelector('meta[name="room-xsrf"]').content;
  let etag = null;
  let reveal = false;
  let last = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function replace(id, ...nodes) {
    const target = document.getElementById(id);
    target.replaceChildren(...nodes);
  }

  function choiceText(choices, key) {
    const keys = key.split("+");
    const texts = keys.map((k) => {
      const found = choices.find((c) => c[0] === k);
      if (!found) return k;
      return found[1].toLowerCase() === k.toLowerCase() ? found[1] : `${k}. ${found[1]}`;
    });
    return texts.join(" + ");
  }

  function bars(distribution, choices, correct, cls) {
    const total = Object.values(distribution).reduce((a, b) => a + b, 0);
    const keys = choices.length
      ? [...choices.map((c) => c[0]), ...Object.keys(distribution).filter(
          (k) => !choices.some((c) => c[0] === k))]
      : Object.keys(distribution);
    const grid = el("div", { class: `bars ${cls}` });
    for (const key of keys) {
      const count = distribution[key] || 0;
      const right = correct.length && key.split("+").sort().join("+") === [...correct].sort().join("+");
      const width = total ? Math.round((100 * count) / total) : 0;
      grid.append(
        el("span", { class: "bar-label" + (right ? " right" : ""), title: choiceText(choices, key),
                     text: choiceText(choices, key) }),
        el("span", { class: "bar-track" },
           el("span", { class: `bar ${cls}`, style: `width:${width}%; display:block` })),
        el("span", { class: "bar-count", text: String(count) }),
      );
    }
    return grid;
  }

  async function post(path, data) {
    const response = await fetch(prefix + path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Room-Request": "1", "X-XSRFToken": xsrf },
      body: JSON.stringify(data),
    });
    if (!response.ok) throw new Error((await response.json()).error || response.statusText);
    etag = null;
    await refresh();
  }

  function showError(message) {
    const box = document.getElementById("error");
    box.hidden = !message;
    box.textContent = message || "";
  }

  function action(label, path, data) {
    return el("button", { type: "button", text: label, onclick: () =>
      post(path, data).catch((err) => showError(`Could not ${label.toLowerCase()}: ${err.message}`)) });
  }

  function pct(value) { return value === null || value === undefined ? "–" : `${Math.round(value)}%`; }

  function renderRounds(data) {
    if (!data.rounds.length) {
      replace("rounds", el("p", { class: "room-empty",
        text: "No round yet. Open one from a question below." }));
      return;
    }
    const nodes = [...data.rounds].reverse().map((r) => {
      const phase = { vote1: "Vote 1: answer alone, no feedback",
                      vote2: "Vote 2: after discussion", closed: "Closed" }[r.phase];
      const buttons = mode === "instructor" ? el("p", { class: "instructor-only" },
        r.phase === "vote1" ? action("Start the re-vote", `api/rounds/${r.id}`, { action: "revote" }) : null,
        " ",
        r.phase !== "closed" ? action("Close the round", `api/rounds/${r.id}`, { action: "close" }) : null,
      ) : null;
      const vote = (n) => {
        const v = r.votes[String(n)];
        return el("div", { class: `vote vote-${n}` },
          el("h4", { text: `Round ${n}: ${v.learners} voted, ${pct(v.correct_pct)} right` }),
          bars(v.distribution, r.choices, r.correct, `vote-${n}`));
      };
      return el("article", { class: "room-round", "data-round": String(r.id), "data-phase": r.phase },
        el("h3", {}, `${r.label}: `, el("span", { class: "room-phase", text: phase })),
        el("p", { class: "room-prompt", text: r.prompt }),
        el("div", { class: "room-votes" }, vote(1), vote(2)),
        buttons);
    });
    replace("rounds", ...nodes);
  }

  function renderQuestions(data) {
    const open = new Set(data.open_rounds.map((r) => r.question_id));
    const nodes = data.questions.map((q) => {
      const wrong = q.top_wrong.length ? el("ul", { class: "room-wrong" },
        ...q.top_wrong.map((w) => el("li", {},
          el("strong", { text: `${choiceText(q.choices, w.key)} (${w.count})` }),
          w.misconception ? `: ${w.misconception}` : ""))) : null;
      const button = mode === "instructor" && !open.has(q.question_id)
        ? el("p", { class: "instructor-only" },
             action("Open a round", "api/rounds", { bank: q.bank, question_id: q.question_id }))
        : null;
      return el("article", { class: "room-question", "data-question": q.question_id },
        el("h3", { text: `${q.label} · ${q.learners} answered · right first try ${pct(q.first_correct_pct)}, now ${pct(q.current_correct_pct)}` }),
        el("p", { class: "room-prompt", text: q.prompt }),
        q.learners ? bars(q.first, q.choices, q.correct, "first") : null,
        q.learners ? bars(q.current, q.choices, q.correct, "current") : null,
        wrong, button);
    });
    replace("questions", ...nodes);
  }

  function gainText(value) { return value === null || value === undefined ? "–" : value.toFixed(2); }

  function renderGain(gain) {
    const table = (head, rows) => el("table", {},
      el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { text: h })))),
      el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((c) => el("td", { text: c }))))));
    const nodes = [el("p", { class: "room-gain-overall",
      text: `Class gain ${gainText(gain.overall)} · ${gain.matched} did both tests · ` +
            `${gain.pre_only} did the pre-test only` })];
    if (gain.per_objective.length) {
      nodes.push(table(["Objective", "Learners", "Pre", "Post", "Gain"], gain.per_objective.map((o) =>
        [o.text || o.objective, String(o.learners), pct(o.pre_pct), pct(o.post_pct), gainText(o.gain)])));
    }
    if (gain.per_learner.length) {
      nodes.push(table(["Learner", "Pre", "Post", "Gain"], gain.per_learner.map((l) =>
        [l.name, pct(l.pre_pct), pct(l.post_pct), gainText(l.gain)])));
    }
    nodes.push(...gain.notes.map((n) => el("p", { class: "room-note", text: n })));
    nodes.push(el("p", { class: "room-note", text:
      "Gain g = (post − pre) / (1 − pre): the share of what a learner missed on the pre-test " +
      "that they got right on the post-test. It is undefined for a pre-test score of 100%." }));
    replace("gain", ...nodes);
  }

  function render(data) {
    last = data;
    replace("counts", `${data.learners_active} of ${data.learners_expected} learners active · ${data.answers} answers`);
    renderRounds(data);
    replace("notebooks", bars(Object.fromEntries(data.notebooks.map((n) => [n.title, n.learners])), [], [], "current"));
    replace("mastery", ...(data.mastery.length ? data.mastery.map((m) => el("p", {},
      el("strong", { text: pct(m.mastery_pct) }), ` ${m.text} (${m.learners} ${m.learners === 1 ? "learner" : "learners"})`))
      : [el("p", { class: "room-empty", text: "No answers yet." })]));
    renderGain(data.gain);
    renderQuestions(data);
    const rows = data.learners.map((l) => el("tr", {},
      el("td", { class: "name", text: l.name }), el("td", { text: l.bank }),
      el("td", { text: String(l.answers) }), el("td", { text: String(l.correct) })));
    replace("learners", rows.length ? el("table", {},
      el("thead", {}, el("tr", {}, el("th", { text: "Learner" }), el("th", { text: "Notebook now" }),
        el("th", { text: "Answers" }), el("th", { text: "Right" }))),
      el("tbody", {}, ...rows)) : el("p", { class: "room-empty", text: "Nobody has answered yet." }));
    const waiting = document.getElementById("not-started");
    waiting.textContent = data.not_started.length ? data.not_started.join(", ") : "Nobody.";
    document.getElementById("updated").textContent =
      `Updated ${new Date().toLocaleTimeString()}`;
    body.dataset.version = String(data.version);
  }

  async function refresh() {
    const params = new URLSearchParams({ view: mode });
    if (reveal && mode === "instructor") params.set("names", "real");
    const headers = { "X-XSRFToken": xsrf };
    if (etag) headers["If-None-Match"] = etag;
    try {
      const response = await fetch(`${prefix}api/dashboard?${params}`, { credentials: "same-origin", headers });
      if (response.status === 304) { showError(""); return; }
      if (!response.ok) throw new Error((await response.json()).error || response.statusText);
      etag = response.headers.get("ETag");
      render(await response.json());
      showError("");
    } catch (err) {
      showError(`The room service did not answer (${err.message}). Retrying…`);
    }
  }

  const names = document.getElementById("names-switch");
  if (names) names.addEventListener("change", () => { reveal = names.checked; etag = null; refresh(); });
  refresh();
  setInterval(refresh, POLL_MS);
})();
