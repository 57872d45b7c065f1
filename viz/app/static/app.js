// backprop-lab live. No maths here: the server computes every number with the engine; this
// script sends the page's fields, shows what comes back, and keeps the fields in the address.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
const DEBOUNCE_MS = 150;  // typing pauses longer than this; an edit answers in about 0.2 s
let current = "step";

async function api(path, method = "GET") {
  const response = await fetch(path, { method });
  const body = await response.json();
  if (!response.ok) {
    throw Object.assign(new Error(body.error || response.statusText), { field: body.field });
  }
  return body;
}

function showError(view, message) {
  const box = $(".error", $("#view-" + view));
  box.textContent = message || "";
  box.hidden = !message;
}

function formQuery(form) {
  const q = new URLSearchParams();
  // a disabled field is the spec's own setting, not sent (the Step view's frozen and epochs
  // until the server has said what the spec's are)
  for (const el of form.elements) { if (el.name && !el.disabled) { q.set(el.name, el.value); } }
  return q;
}

// The address holds the view, its fields and the frame shown, so that reloading or sharing it
// brings back the same state.
function saveAddress() {
  const q = formQuery($("#" + current + "-form"));
  q.set("view", current);
  const stepper = views[current] && views[current].stepper;
  if (stepper && stepper.shown) { q.set("frame", String(stepper.stepper.current() + 1)); }
  history.replaceState(null, "", "?" + q.toString());
}

function fillForm(form, values) {
  for (const el of form.elements) {
    if (el.name && values[el.name] !== undefined && values[el.name] !== null) {
      el.value = String(values[el.name]);
      el.disabled = false;
    }
  }
}

function debounce(fn) {
  let timer = null;
  return () => { clearTimeout(timer); timer = setTimeout(fn, DEBOUNCE_MS); };
}

// ---- the stepper (viz/static/stepper.js, as on the pages): the sentences and tables at once,
// each frame's picture when it is shown ----
class Stepper {
  constructor(root, view, onshow) {
    this.view = view;
    this.root = root;
    this.query = "";
    this.asked = 0;
    this.shown = false;  // frames have been loaded
    this.frames = [];
    this.stepper = BPStepper(root, {
      keys: () => current === view,  // ← → step the view on show, unless a field is edited
      row: () => true,  // every row at once; the current frame's marked
      // a picture that cannot be drawn (no Graphviz here) is said in the view's message box
      picture: (k) => api(`/api/${view}/frame/${k + 1}?${this.query}`).then((d) => d.svg,
        (e) => { showError(view, e.message); throw e; }),
      onshow: (k) => { if (this.shown) { onshow(this.frames[k]); } },
    });
    const link = document.createElement("a");
    link.className = "exercise";
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "Exercise: predict each number ↗";
    $(".bp-controls", root).appendChild(link);
  }

  // Loads the subject of ``query``; keeps the frame number if it still exists, else ``start``
  // ("first", "last" or a frame's index). Fields that cannot be read change nothing shown: the
  // answer's ``problem`` is returned for the page to show beside its field.
  async load(query, start) {
    const asked = ++this.asked;
    const data = await api(`/api/${this.view}?${query}`);
    if (asked !== this.asked) { return null; }  // a newer edit has been sent since
    if (data.problem) { return data; }
    const tables = $(".bp-tables", this.root);
    const before = $$("td", tables).map((td) => td.textContent);
    this.query = query;
    $(".exercise", this.root).href = `/exercise/${this.view}?${query}`;
    tables.innerHTML = data.tables.join("\n");
    const cells = $$("td", tables);
    if (before.length === cells.length) {
      cells.forEach((td, i) => td.classList.toggle("changed", td.textContent !== before[i]));
    }
    this.frames = data.frames;
    this.shown = true;
    this.stepper.load(data.frames, start);
    return data;
  }
}

// A field's message beside it (and it marked), or the view's message for the rest; none: clear.
function fieldProblem(view, problem) {
  const form = $(`#${view}-form`);
  for (const el of $$(".field-error", form)) { el.remove(); }
  for (const el of $$("[aria-invalid]", form)) { el.removeAttribute("aria-invalid"); }
  const field = problem && problem.field && form.elements[problem.field];
  if (field && field.type !== "hidden" && field.tagName) {
    field.setAttribute("aria-invalid", "true");
    const note = document.createElement("span");
    note.className = "field-error";
    note.setAttribute("role", "alert");
    note.textContent = problem.message;
    field.insertAdjacentElement("afterend", note);
    showError(view, "");
  } else {
    showError(view, problem ? problem.message : "");
  }
}

// The Formula and Step views: send the form, show the frames; ``shown`` fills in the rest.
// While a field cannot be read, its message stands beside it and the last picture, tables and
// controls stay (marked stale), so that what one was looking at does not vanish mid-word.
async function stepped(view, start, shown) {
  saveAddress();
  const stepper = views[view].stepper;
  const results = $$(".summary, .stepper", $("#view-" + view));
  const asked = stepper.asked + 1;  // the number load gives this request
  try {
    const data = await stepper.load(formQuery($(`#${view}-form`)).toString(), start);
    if (!data) { return null; }  // a newer edit has been sent since
    fieldProblem(view, data.problem);
    results.forEach((el) => { el.classList.toggle("stale", Boolean(data.problem)); });
    if (!data.problem) {
      results.forEach((el) => { el.hidden = false; });
      shown(data.summary);
      saveAddress();
    }
    return data.problem || null;
  } catch (e) {  // the server could not answer at all (stopped, or a request it refused)
    if (asked !== stepper.asked) { return null; }
    showError(view, e.message);
    return { message: e.message };
  }
}

// ---- Formula ----
const formula = {
  stepper: null,
  update(start = "last") {
    return stepped("formula", start, (summary) => {
      $("#view-formula .summary").textContent = summary.text;
    });
  },
};

// ---- Step ----
const step = {
  stepper: null,
  summary: null,
  unitShown: null,  // the unit whose formulas are open
  update(start = "first") {
    return stepped("step", start, (summary) => {
      step.summary = summary;
      step.fields(summary.leaves);
      fillForm(step.form(), { frozen: summary.frozen.join(","), epochs: summary.epochs });
      step.formulas();
    });
  },
  form() { return $("#step-form"); },
  frozen() { return step.form().elements.frozen.value.split(",").filter((n) => n); },
  // one field per leaf number of the network (inputs, weights, biases, targets, η)
  fields(leaves) {
    const form = $("#step-form .leaves");
    const names = $$("input", form).map((el) => el.name).join(",");
    if (names !== Object.keys(leaves).join(",")) {
      form.innerHTML = "";
      for (const [name, leaf] of Object.entries(leaves)) {
        const label = document.createElement("label");
        label.textContent = leaf.label;
        const input = document.createElement("input");
        input.name = name;
        input.value = String(leaf.value);
        input.setAttribute("inputmode", "decimal");
        input.setAttribute("aria-label", leaf.label);
        input.dataset.label = leaf.label;  // the name the picture shows it by
        label.appendChild(input);
        form.appendChild(label);
      }
    }
    const frozen = step.frozen();
    for (const el of $$("input", form)) {  // the spec's own numbers unmarked, the others marked
      el.classList.toggle("changed", leaves[el.name].value !== leaves[el.name].default);
      el.classList.toggle("frozen", frozen.includes(el.name));
    }
  },
  // The field a link of the picture (#p:w14, #x:1, #t:1) stands for, on the frame shown: an
  // input or a target of a spec of several examples is the frame's example's.
  fieldOf(kind, name) {
    const frame = step.stepper.frames[step.stepper.stepper.current()] || {};
    const form = step.form();
    if (kind === "p") { return $$("input", $(".leaves", form)).find((el) => el.dataset.label === name); }
    if (kind === "lr") { return form.elements.lr; }
    const plain = form.elements[kind + name];
    return frame.example ? form.elements[`${kind}${name}@${frame.example}`] || plain : plain;
  },
  // ---- a number changed in place: a small box over the number clicked ----
  editing: null,
  edit(field, over) {
    const box = $("#view-step .editor");
    const input = $("label:first-child input", box);
    const freeze = $(".freeze", box);
    step.editing = { field, back: document.activeElement };
    $(".name", box).textContent = field.dataset.label;
    box.setAttribute("aria-label", `change ${field.dataset.label}`);
    input.value = field.value;
    const isParameter = !/^[xt]\d/.test(field.name) && field.name !== "lr";
    freeze.hidden = !isParameter;
    $("input", freeze).checked = step.frozen().includes(field.name);
    step.editorProblem("");
    const r = over.getBoundingClientRect(), page = $("#view-step").getBoundingClientRect();
    box.style.left = `${Math.max(0, Math.min(r.left - page.left, page.width - 260))}px`;
    box.style.top = `${r.bottom - page.top + 4}px`;
    box.hidden = false;
    input.focus();
    input.select();
  },
  editorProblem(message) {
    const note = $("#view-step .editor .field-error");
    note.textContent = message;
    note.hidden = !message;
    $("#view-step .editor label:first-child input").toggleAttribute("aria-invalid", Boolean(message));
  },
  // Closes the box; the focus goes back where it was: to the same link of the picture, and to
  // the recomputed picture's once it is in (a keyboard user goes on from the number changed)
  closeEditor() {
    const editing = step.editing;
    step.editing = null;
    $("#view-step .editor").hidden = true;
    const back = editing && editing.back;
    if (!back) { return; }
    const href = back.getAttribute("xlink:href");
    if (!href) { if (back.isConnected) { back.focus(); } return; }
    const box = $("#view-step .bp-picture");
    let watch = null;
    const refocus = () => {
      if (step.editing) { if (watch) { watch.disconnect(); } return; }  // a new change began
      const link = $$("a", box).find((a) => a.getAttribute("xlink:href") === href);
      // only while the focus is nowhere else (a replaced picture drops it to the body)
      const now = document.activeElement;
      if (link && (now === document.body || now === back || $("#view-step .editor").contains(now))) {
        link.focus();
      }
    };
    refocus();
    watch = new MutationObserver(refocus);
    watch.observe(box, { childList: true });
    setTimeout(() => watch.disconnect(), 10000);
  },
  // OK: the number and the frozen mark go into the fields, and the network is recomputed; a
  // number that cannot be read stays in the box with its message, nothing else changes
  async commitEditor() {
    const editing = step.editing;
    if (!editing) { return; }
    const box = $("#view-step .editor");
    const field = editing.field, before = field.value, frozenBefore = step.form().elements.frozen.value;
    field.value = $("label:first-child input", box).value;
    if (!$(".freeze", box).hidden) {
      const names = step.frozen().filter((n) => n !== field.name);
      if ($(".freeze input", box).checked) { names.push(field.name); }
      step.form().elements.frozen.value = names.join(",");
    }
    const problem = await step.update(step.stepper.stepper.current());
    if (problem) {  // put the fields back as they were: the box keeps the text and says why
      step.editorProblem(problem.message);
      field.value = before;
      step.form().elements.frozen.value = frozenBefore;
      await step.update(step.stepper.stepper.current());
      return;
    }
    step.closeEditor();
  },
  // ---- a unit's formulas, for the update (and example) of the frame shown ----
  unit(j) {
    step.unitShown = j;
    step.formulas();
    $("#view-step .unit-formulas h2").focus();
  },
  formulas() {
    const box = $("#view-step .unit-formulas");
    const j = step.unitShown;
    const frame = step.stepper.frames[step.stepper.stepper.current()];
    const units = step.summary && frame && step.summary.units[frame.update];
    if (j === null || !units || !units[j]) { box.hidden = true; return; }
    const rows = units[j].filter((r) => r.example === null || !frame.example || r.example === frame.example);
    $("h2", box).textContent = `Unit ${j}: its formulas in ${rows.length ? rows[0].where.split(",")[0] : ""}` +
      (frame.example ? `, example ${frame.example}` : "");
    const body = $("tbody", box);
    body.innerHTML = "";
    for (const r of rows) {
      const tr = document.createElement("tr");
      for (const text of [r.name, r.frozen ? "frozen: kept" : r.symbolic, r.numeric, r.value]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    box.hidden = false;
  },
  // ---- moving by updates ----
  firstFrameOf(update) { return step.stepper.frames.findIndex((f) => f.update === update); },
  async moveUpdate(by) {
    const frames = step.stepper.frames;
    const now = frames[step.stepper.stepper.current()];
    if (!now) { return; }
    const to = now.update + by;
    if (to < 1) { step.stepper.stepper.show(0); return; }
    const last = frames[frames.length - 1].update;
    if (to > last) {  // one more pass over the examples, so that there is a next update
      const epochs = step.form().elements.epochs;
      epochs.value = String(Number(step.summary.epochs) + 1);
      await step.update(step.stepper.stepper.current());
    }
    const k = step.firstFrameOf(to);
    if (k >= 0) { step.stepper.stepper.show(k); }
  },
  undo() {
    for (const el of $$("#step-form .leaves input")) { el.value = String(step.summary.leaves[el.name].default); }
    step.form().elements.frozen.disabled = true;  // the spec's own
    step.form().elements.epochs.disabled = true;
    return step.update();
  },
  // a link of the picture: a unit's formulas, or a number to change
  follow(link) {
    const [kind, name] = (link.getAttribute("href") || link.getAttribute("xlink:href") || "")
      .replace(/^#/, "").split(":");
    if (kind === "u") { step.unit(name); return; }
    const field = step.fieldOf(kind, name);
    if (field) { step.edit(field, link); }
  },
};

// ---- Train ----
// The classes' colours (the points' colours in app.css): orange, blue, green, purple, brown
const CLASS_RGB = [[239, 108, 0], [21, 101, 192], [46, 125, 50], [106, 27, 154], [121, 85, 72]];
const CLASS_NAMES = ["orange", "blue", "green", "purple", "brown"];
const train = {
  id: null, source: null, playing: false,
  mix(rgba, at, to, a) {  // white mixed with the colour ``to`` by a in 0 … 1
    for (let c = 0; c < 3; c++) { rgba[at + c] = Math.round(255 + Math.min(1, a) * (to[c] - 255)); }
    rgba[at + 3] = 255;
  },
  paint(canvas, size, colour) {  // colour(rgba, at, i) sets pixel i
    canvas.width = size; canvas.height = size;
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(size, size);
    for (let i = 0; i < size * size; i++) { colour(image.data, 4 * i, i); }
    ctx.putImageData(image, 0, 0);
  },
  // a unit's output in −1 … 1: orange through white to blue
  unitColour(values) {
    return (rgba, at, i) => train.mix(rgba, at, CLASS_RGB[values[i] >= 0 ? 1 : 0], Math.abs(values[i]));
  },
  // the class the network gives each point of the plane, paler where it is less sure
  classColour(b) { return (rgba, at, i) => train.mix(rgba, at, CLASS_RGB[b.classes[i]], b.sure[i]); },
  classOptions() {  // the click's class: one option per class of the fields
    const select = $("#train-class");
    const count = Math.max(2, Math.min(CLASS_RGB.length,
      Number($("#train-form input[name=classes]").value) || 2));
    if (select.options.length === count) { return; }
    const chosen = select.value;
    select.innerHTML = CLASS_NAMES.slice(0, count)
      .map((name, c) => `<option value="${c}">${c} (${name})</option>`).join("");
    if (chosen !== "" && Number(chosen) < count) { select.value = chosen; }
  },
  // A click on the plot (not on a point) adds a point of the chosen class to the student's own
  // points at that place of the plane [−1, 1]², and trains a new network on them.
  addPoint(e) {
    const box = $("#view-train .overlay").getBoundingClientRect();
    const x1 = (2 * (e.clientX - box.left)) / box.width - 1;
    const x2 = 1 - (2 * (e.clientY - box.top)) / box.height;
    const own = $("#train-form input[name=own]");
    const point = `${x1.toFixed(3)},${x2.toFixed(3)},${$("#train-class").value}`;
    const form = $("#train-form");
    if (form.elements.data.value !== "own") { form.elements.data.value = "own"; own.value = ""; }
    own.value = own.value ? `${own.value};${point}` : point;
    train.reset();
  },
  clearPoints() {
    $("#train-form input[name=own]").value = "";
    train.reset();
  },
  percent(x) { return x === null ? "–" : `${Math.round(100 * x)}%`; },
  loss(x) { return x === null ? "∞" : x.toFixed(4); },
  render(s) {
    $("#view-train .status").textContent =
      `Epoch ${s.epoch} · train loss ${train.loss(s.train_loss)} · ` + (s.test_points
        ? `test loss ${train.loss(s.test_loss)} · train accuracy ` +
          `${train.percent(s.train_accuracy)} · test accuracy ${train.percent(s.test_accuracy)}`
        : `train accuracy ${train.percent(s.train_accuracy)} · no test points`);
    train.paint($("#view-train .plane canvas"), s.boundary.size, train.classColour(s.boundary));
    $("#view-train .classes-key").innerHTML = CLASS_NAMES.slice(0, s.boundary.count)
      .map((name, c) => `<span class="key c${c}">class ${c} ${name}</span>`).join(", ");
    $("#view-train .curves").innerHTML = s.curves;
    const units = $("#view-train .units");
    if (units.children.length !== s.units.length) {
      units.innerHTML = s.units.map((u) =>
        `<figure><canvas aria-label="${u.name}"></canvas>${u.name}</figure>`).join("");
    }
    s.units.forEach((u, i) => train.paint($$("canvas", units)[i], s.unit_size,
      train.unitColour(u.values)));
    if (s.stopped) { train.pause(); showError("train", s.stopped); }
  },
  // Play or Pause, with a drawn icon (a symbol such as ⏸ is missing from many fonts)
  button(action) {
    const icon = action === "play" ? '<path d="M2 1 9 5 2 9Z"/>'
      : '<rect x="2" y="1" width="2.2" height="8"/><rect x="5.8" y="1" width="2.2" height="8"/>';
    $("#train-play").innerHTML = `<svg class="icon" viewBox="0 0 10 10" aria-hidden="true">` +
      `${icon}</svg>${action === "play" ? "Play" : "Pause"}`;
  },
  made: null,  // the fields (as a query) the current session was made for
  pending: null,  // the request making the newest session
  // A new session for the fields as they are now (paused first)
  reset() { train.pause(); return train.create(); },
  create() {
    saveAddress();
    train.classOptions();
    const query = formQuery($("#train-form")).toString();
    const making = (async () => {
      try {
        const s = await api(`/api/train?${query}`, "POST");
        if (train.pending !== making) { return; }  // a newer session has been asked for
        if (s.problem) { train.id = null; fieldProblem("train", s.problem); return; }
        train.id = s.id;
        fieldProblem("train", null);
        $("#view-train .overlay").innerHTML = s.points;
        $("#view-train .example").hidden = true;
        train.render(s);
      } catch (e) {
        if (train.pending !== making) { return; }
        train.id = null;
        fieldProblem("train", e);
      }
    })();
    train.pending = making;
    train.made = query;
    return making;
  },
  // The id of the session the fields describe, made first if a field has changed since
  async ready() {
    let waited;
    do { waited = train.pending; await waited; } while (waited !== train.pending);
    if (formQuery($("#train-form")).toString() !== train.made) { await train.create(); }
    return train.id;
  },
  async play() {
    train.playing = true;
    train.button("pause");
    const id = await train.ready();
    if (!train.playing || train.source) { return; }  // paused, or playing, meanwhile
    if (!id) { train.pause(); return; }
    const source = new EventSource(`/api/train/${id}/stream`);
    train.source = source;
    source.addEventListener("update", (e) => {
      if (train.source === source) { train.render(JSON.parse(e.data)); }
    });
    source.addEventListener("end", (e) => {
      source.close();
      if (train.source !== source) { return; }  // a stream paused or replaced already
      train.source = null;
      const reason = JSON.parse(e.data).reason;
      if (reason === "time" && train.playing) { train.play(); return; }
      train.pause();
      if (reason !== "time") { showError("train", reason); }
    });
    source.onerror = () => {  // the session ended on the server, or the server stopped
      if (source.readyState === EventSource.CLOSED && train.playing) {
        train.pause();
        showError("train", "the training stream was closed: press Reset");
      }
    };
  },
  pause() {
    train.playing = false;
    if (train.source) { train.source.close(); train.source = null; }
    train.button("play");
  },
  async epoch() {
    train.pause();
    const id = await train.ready();
    if (!id) { return; }
    try { train.render(await api(`/api/train/${id}/epoch`, "POST")); } catch (e) {
      showError("train", e.message);
    }
  },
  async example(point) {
    const box = $("#view-train .example");
    const id = await train.ready();  // the session whose boundary and points are shown
    if (!id || !point.isConnected) { return; }  // the points were redrawn for new fields
    try {
      const g = await api(`/api/train/${id}/example/${point.dataset.index}`);
      $$(".pt.chosen").forEach((p) => p.classList.remove("chosen"));
      point.classList.add("chosen");
      $("h2", box).textContent = `Point ${g.index}: x = (${g.x.map((v) => v.toFixed(2)).join(", ")}),` +
        ` target ${g.target}, loss E = ${train.loss(g.loss)}: its graph at the current weights` +
        " (values, adjoints, local derivatives)";
      $(".picture", box).innerHTML = g.svg;
      box.hidden = false;
    } catch (e) {
      showError("train", e.message);
    }
  },
};

const views = { formula, step };

function showView(view) {
  current = view;
  for (const tab of $$("nav [role=tab]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === view));
  }
  for (const section of $$(".view")) { section.hidden = section.id !== "view-" + view; }
  saveAddress();
}

async function start() {
  const options = await api("/api/options");
  const params = new URLSearchParams(location.search);
  const given = Object.fromEntries(params.entries());
  const view = ["step", "formula", "train"].includes(given.view) ? given.view : "step";

  for (const [name, choices] of Object.entries(options.train)) {
    const select = $(`#train-form select[name=${name}]`);
    if (select) { select.innerHTML = choices.map((c) => `<option>${c}</option>`).join(""); }
  }
  for (const select of $$("select.digits")) {
    for (let d = 1; d <= options.digits.most; d++) { select.add(new Option(String(d))); }
    select.value = String(options.digits.default);
  }
  const mine = (v) => (view === v ? given : {});
  fillForm($("#train-form"), { ...options.train.defaults, ...mine("train") });
  fillForm($("#formula-form"), { ...options.formula, ...mine("formula") });

  fillForm($("#step-form"), mine("step"));
  for (const [name, value] of Object.entries(mine("step"))) {  // the spec's numbers as changed
    if (["view", "digits", "frame", "frozen", "epochs"].includes(name)) { continue; }
    const input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = value;
    $("#step-form .leaves").appendChild(input);
  }

  formula.stepper = new Stepper($("#view-formula .stepper"), "formula", () => saveAddress());
  step.stepper = new Stepper($("#view-step .stepper"), "step", () => {
    saveAddress();
    step.formulas();
  });
  $("#formula-form").addEventListener("input", debounce(formula.update));
  $("#formula-form").addEventListener("submit", (e) => e.preventDefault());
  $("#step-form").addEventListener("input", debounce(step.update));
  // the picture's links (a unit, a number one may change), by mouse or by Tab and Enter
  $("#view-step .bp-picture").addEventListener("click", (e) => {
    const link = e.target.closest("a");
    if (!link) { return; }
    e.preventDefault();
    step.follow(link);
  });
  // an old value in the first update's table: that parameter's number
  $("#view-step .bp-tables").addEventListener("click", (e) => {
    const cell = e.target.closest("td");
    const row = cell && cell.closest("tr[data-key]");
    const first = $("#view-step .bp-tables tr[data-key]");
    if (!row || cell.cellIndex !== 1 || row.closest("table") !== first.closest("table")) { return; }
    const field = step.fieldOf("p", row.dataset.key);
    if (field) { step.edit(field, cell); }
  });
  const editor = $("#view-step .editor");
  $(".ok", editor).addEventListener("click", step.commitEditor);
  $(".cancel", editor).addEventListener("click", step.closeEditor);
  editor.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); step.commitEditor(); }
    if (e.key === "Escape") { e.preventDefault(); step.closeEditor(); }
  });
  $("#view-step .unit-formulas .close").addEventListener("click", () => {
    step.unitShown = null;
    step.formulas();
  });
  $("#step-rewind").addEventListener("click", () => step.stepper.stepper.show(0));
  $("#step-back-update").addEventListener("click", () => step.moveUpdate(-1));
  $("#step-next-update").addEventListener("click", () => step.moveUpdate(1));
  $("#step-undo").addEventListener("click", step.undo);
  $("#step-form").addEventListener("submit", (e) => e.preventDefault());
  $("#train-form").addEventListener("change", train.reset);
  $("#train-form").addEventListener("submit", (e) => { e.preventDefault(); train.reset(); });
  $("#train-play").addEventListener("click", () => (train.playing ? train.pause() : train.play()));
  $("#train-epoch").addEventListener("click", train.epoch);
  $("#train-reset").addEventListener("click", train.reset);
  $("#view-train .overlay").addEventListener("click", (e) => {
    if (e.target.classList.contains("pt")) { train.example(e.target); } else { train.addPoint(e); }
  });
  $("#train-clear").addEventListener("click", train.clearPoints);
  $("#train-form input[name=classes]").addEventListener("input", train.classOptions);
  for (const tab of $$("nav [role=tab]")) {
    tab.addEventListener("click", () => showView(tab.dataset.view));
  }
  showView(view);
  // the frame of the address, in the view it names (frame 1 of the others)
  const frame = (v) => (view === v && /^\d{1,6}$/.test(given.frame || "") ? Number(given.frame) - 1 : null);
  await Promise.all([formula.update(frame("formula") ?? "last"),
    step.update(frame("step") ?? "first"), train.reset()]);
  showView(view);
  document.body.dataset.ready = "true";
}

start().catch((e) => { document.body.textContent = `backprop-lab live could not start: ${e.message}`; });
