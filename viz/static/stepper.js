// backprop-lab's stepper: the one script that steps through frames on the step page, the exercise
// page and the live app's Step and Formula views. It knows nothing of the numbers: a frame is a
// sentence (a section .bp-frame, in the page or made from `load`) and a picture.
//
// BPStepper(root, options) puts the controls at the top of ``root`` (previous, counter, next, a
// slider, and a live region announcing each frame to screen readers) and drives them, the
// frames' sections in .bp-captions, the picture box .bp-picture and the table rows
// tr[data-frame] (a row computed at frame k). Options:
//   keys: true (or a function saying whether they apply now): ← → Home End step on the page;
//   gate(k): whether the student may go on past frame k (default: yes);
//   masked(k): whether frame k's sentence and picture are still hidden (the picture shown is
//     then frame k−1's);
//   row(k): whether a row computed at frame k is shown (default: once frame k is reached);
//   onshow(k): called after frame k is shown;
//   fold: false keeps the tables (details.bp-tables) open on a small screen, where they are
//     folded by default so that the picture is what one sees;
//   picture(k): frame k's whole SVG, or a promise of it, for frames supplied later (otherwise
//     the pictures come from the page's <script type="application/json" class="bp-film">:
//     whole pictures, and per frame the node and edge groups that change, see viz/film.py).
// It returns {show(k), current(), refresh(), load(frames)}.
(function (global) {
  "use strict";

  var CONTROLS = '<div class="bp-controls">'
    + '<button type="button" class="bp-prev" aria-label="Previous">\u25c0 Previous</button>'
    + '<span class="bp-counter"></span>'
    + '<button type="button" class="bp-next" aria-label="Next">Next \u25b6</button>'
    + '<input type="range" class="bp-slider" min="1" max="1" value="1" aria-label="frame">'
    + '</div><p class="bp-live bp-sr" aria-live="polite" aria-atomic="true"></p>';

  function BPStepper(root, options) {
    options = options || {};
    var $ = function (sel) { return root.querySelector(sel); };
    var body = $(".bp-body");
    body.insertAdjacentHTML("beforebegin", CONTROLS);
    var captions = $(".bp-captions"), box = $(".bp-picture"), counter = $(".bp-counter");
    var slider = $(".bp-slider"), prev = $(".bp-prev"), next = $(".bp-next"), live = $(".bp-live");
    var gate = options.gate || function () { return true; };
    var masked = options.masked || function () { return false; };
    var row = options.row || function (k) { return k <= current; };
    var onshow = options.onshow || function () {};
    var source = root.querySelector("script.bp-film");
    var film = source ? JSON.parse(source.textContent) : null;
    var frames = Array.prototype.slice.call(captions.querySelectorAll(".bp-frame"));
    var current = 0, asked = 0;
    var painted = {whole: -1, keys: {}};  // the picture in the box: a whole one and its groups
    var groups = {}, originals = {}, parsed = {};

    // ---- the picture of frame k: a whole SVG, then each later frame's changed groups ----
    function wholeOf(k) {
      while (k > 0 && film.frames[k].svg === undefined) { k--; }
      return k;
    }
    function keysOf(k) {
      var from = wholeOf(k), keys = {};
      for (var j = from + 1; j <= k; j++) {
        var set = film.frames[j].set;
        for (var key in set) { keys[key] = set[key]; }
      }
      return {whole: from, keys: keys};
    }
    function index() {
      groups = {}; originals = {};
      var all = box.querySelectorAll("g[data-key]");
      for (var i = 0; i < all.length; i++) {
        var key = all[i].getAttribute("data-key");
        groups[key] = all[i];
        originals[key] = all[i].cloneNode(true);
      }
    }
    function group(part) {
      if (!parsed[part]) {
        var holder = document.createElementNS(box.firstElementChild.namespaceURI, "g");
        holder.innerHTML = film.parts[part];
        parsed[part] = holder.firstElementChild;
      }
      return parsed[part].cloneNode(true);
    }
    function place(key, element) {
      var old = groups[key];
      if (old && element) { old.parentNode.replaceChild(element, old); }
      else if (old) { old.parentNode.removeChild(old); }
      else if (element) { box.querySelector("g.graph").appendChild(element); }
      if (element) { groups[key] = element; } else { delete groups[key]; }
    }
    function paint(k) {
      var want = keysOf(k);
      if (want.whole !== painted.whole) {
        box.innerHTML = film.parts[film.frames[want.whole].svg];
        painted = {whole: want.whole, keys: {}};
        index();
      }
      var key, seen = {};
      for (key in want.keys) { seen[key] = true; }
      for (key in painted.keys) { seen[key] = true; }
      for (key in seen) {
        var to = want.keys[key], from = painted.keys[key];
        if (to === from) { continue; }
        if (to === undefined) { place(key, originals[key] ? originals[key].cloneNode(true) : null); }
        else { place(key, to === null ? null : group(to)); }
      }
      painted.keys = want.keys;
      box.setAttribute("data-frame", String(k + 1));
      pan();
    }
    function picture(k) {
      if (film) { paint(k); return; }
      if (!options.picture) { return; }
      var mine = ++asked;
      Promise.resolve(options.picture(k)).then(function (svg) {
        if (mine !== asked) { return; }  // another frame was asked for since
        box.innerHTML = svg;
        box.setAttribute("data-frame", String(k + 1));
        pan();
      }, function () {});
    }

    // ---- on a small screen: bring what the frame is about into the box ----
    // The drawing marks it (class bp-hot): a unit with its own lines, an edge by its label.
    function bounds(elements) {
      var r = null;
      for (var i = 0; i < elements.length; i++) {
        var e = elements[i].getBoundingClientRect();
        r = r ? {left: Math.min(r.left, e.left), right: Math.max(r.right, e.right),
                 top: Math.min(r.top, e.top), bottom: Math.max(r.bottom, e.bottom)}
          : {left: e.left, right: e.right, top: e.top, bottom: e.bottom};
      }
      return r;
    }
    function view() {
      var b = box.getBoundingClientRect();
      var left = b.left + box.clientLeft, top = b.top + box.clientTop;
      return {left: left, right: left + box.clientWidth, top: top, bottom: top + box.clientHeight};
    }
    function fits(r, v) { return r.right - r.left <= v.right - v.left + 1
                                 && r.bottom - r.top <= v.bottom - v.top + 1; }
    function bring(r, v) {  // centre r in the box along each axis it sticks out of
      if (r.left < v.left - 1 || r.right > v.right + 1) {
        box.scrollLeft += (r.left + r.right - v.left - v.right) / 2;
      }
      if (r.top < v.top - 1 || r.bottom > v.bottom + 1) {
        box.scrollTop += (r.top + r.bottom - v.top - v.bottom) / 2;
      }
    }
    function pan() {
      var hot = box.querySelectorAll(".bp-hot"), units = [], labels = [];
      for (var i = 0; i < hot.length; i++) {
        var texts = hot[i].classList.contains("edge") ? hot[i].querySelectorAll("text") : [];
        if (texts.length) { labels.push.apply(labels, texts); } else { units.push(hot[i]); }
      }
      var all = units.concat(labels);
      if (!all.length) { return; }
      var v = view(), r = bounds(all);
      // everything it is about if that fits the box; else one weight's label if the frame is
      // about one weight (its gradient or its update is written there), else its units
      var one = hot.length - units.length === 1 ? labels : units.length ? units : labels;
      bring(fits(r, v) ? r : bounds(one), v);
    }

    // ---- navigation ----
    function reach(k) {  // the farthest frame up to k the gates let one get to from here
      for (var j = current; j < k; j++) { if (!gate(j)) { return j; } }
      return k;
    }
    function sentence(k, part) {  // frame k's sentence (or its question's prompt)
      var text = frames[k] && frames[k].querySelector(part || ".bp-text");
      return text ? text.textContent : "";
    }
    function show(k, announce) {
      if (!frames.length) { return; }
      current = Math.max(0, Math.min(frames.length - 1, reach(k)));
      var n = current + 1, count = frames.length, hidden = masked(current);
      for (var j = 0; j < count; j++) { frames[j].hidden = j !== current; }
      var said = sentence(current, hidden ? ".bp-prompt" : ".bp-text");
      counter.textContent = "Frame " + n + " / " + count;
      slider.max = String(count);
      slider.value = String(n);
      slider.setAttribute("aria-valuetext", "Frame " + n + " of " + count + ": " + said);
      if (announce) { live.textContent = "Frame " + n + " of " + count + ". " + said; }
      var shown = hidden && current > 0 ? current - 1 : current;
      box.setAttribute("aria-label", sentence(shown));
      picture(shown);
      // a disabled button drops the focus to the page: hand it to the slider, where Enter does
      // nothing unexpected (on Previous it would step back) and the arrow keys still step
      var focused = document.activeElement;
      prev.disabled = current === 0;
      next.disabled = current === count - 1 || !gate(current);
      if ((focused === next || focused === prev) && focused.disabled) { slider.focus(); }
      onshow(current);
      var rows = root.querySelectorAll("tr[data-frame]");  // after onshow: row(k) may use it
      for (var r = 0; r < rows.length; r++) {
        var at = Number(rows[r].getAttribute("data-frame")) - 1;
        rows[r].hidden = !row(at);
        rows[r].classList.toggle("bp-now", at === current);
      }
    }
    // frames supplied later: [{phase, text}], each made a section; keeps the frame if it exists,
    // else shows ``start``: "first", "last" or a frame's index
    function load(list, start) {
      var keep = frames.length > 0 && current < list.length;
      captions.innerHTML = "";
      frames = list.map(function (f) {
        var section = document.createElement("section");
        section.className = "bp-frame";
        section.setAttribute("data-number", String(f.number));
        var phase = document.createElement("div"), text = document.createElement("p");
        phase.className = "bp-phase"; phase.textContent = f.phase;
        text.className = "bp-text"; text.textContent = f.text;
        section.appendChild(phase); section.appendChild(text);
        captions.appendChild(section);
        return section;
      });
      var to = keep ? current : typeof start === "number" ? start
        : start === "last" ? list.length - 1 : 0;
      current = 0;
      show(to, false);
    }
    function typing(target) {
      var tag = target && target.tagName;
      return (tag === "INPUT" && target.type !== "range") || tag === "TEXTAREA"
        || tag === "SELECT" || (target && target.isContentEditable);
    }

    prev.addEventListener("click", function () { show(current - 1, true); });
    next.addEventListener("click", function () { show(current + 1, true); });
    slider.addEventListener("input", function () { show(Number(slider.value) - 1, true); });
    if (options.keys) {
      document.addEventListener("keydown", function (e) {
        if (typeof options.keys === "function" && !options.keys()) { return; }
        if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) { return; }
        var to = {ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0,
                  End: frames.length - 1}[e.key];
        if (to === undefined) { return; }
        e.preventDefault();
        show(to, true);
      });
    }
    var tables = root.querySelector("details.bp-tables");
    if (tables && options.fold !== false && global.matchMedia
        && global.matchMedia("(max-width: 900px)").matches) {
      tables.open = false;
    }
    show(0, false);
    return {
      show: function (k) { show(k, true); },
      current: function () { return current; },
      refresh: function () { show(current, false); },
      load: load
    };
  }

  global.BPStepper = BPStepper;
})(window);
