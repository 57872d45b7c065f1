/* The exercise page's half of the one grader (lab/grading.py decides; this takes its steps).
 *
 * Python hands the page, as data: the number reader's steps (lab.numbers.READER), and per
 * quantity its accepted interval, its band, its expression over the quantities it is computed
 * from (in the primitives of autograd_core's rule table), the catalogued mistakes' expressions
 * and the trivial-input guards. This file holds an evaluator of those primitives' values and the
 * order of the grader's steps; no mistake, no tolerance rule and no derivative is written here.
 */
var BPGrader = (function () {
  "use strict";

  function readNumber(text, reader) {
    // lab.numbers.read_number, step by step
    var t = text.replace(new RegExp(reader.spaces, "g"), "");
    var say = function (reason) {
      var shown = text.trim();
      return {problem: reason === "empty" ? "blank" : "unreadable",
              message: reader.messages[reason].replace("{text}", "'" + shown.slice(0,
                reader.max_length) + "'").replace("{n}", String(shown.length))};
    };
    if (!t) { return say("empty"); }
    if (t.length > reader.max_length) { return say("long"); }
    t = t.replace(new RegExp(reader.minuses, "g"), "-");
    if (t.split(",").length === 2 && t.indexOf(".") < 0) { t = t.replace(",", "."); }
    t = t.replace(new RegExp(reader.times_ten, "i"), function (m, caret, raised) {
      return "e" + (caret !== undefined ? caret : raised.split("").map(function (c) {
        return reader.superscripts[c]; }).join(""));
    });
    if (!new RegExp("^(?:" + reader.pattern + ")$", "i").test(t)) { return say("unreadable"); }
    var x = Number(t);
    if (!isFinite(x)) { return say("infinite"); }
    return {value: x};
  }

  function domain(bad, what) { if (bad) { throw new RangeError(what); } }

  function sigmoid(x) {
    if (x >= 0) { return 1 / (1 + Math.exp(-x)); }
    var e = Math.exp(x);
    return e / (1 + e);
  }

  function power(x, c) {
    domain(x === 0 && c < 0, "0 to a negative power");
    domain(x < 0 && !(isFinite(c) && c === Math.trunc(c)), "a negative base");
    return Math.pow(x, c);
  }

  // each primitive's value, as autograd_core.rules.RULES[op].fn(scalar_math, ...)[0] gives it
  var OPS = {
    add: function (p, x, y) { return x + y; },
    sub: function (p, x, y) { return x - y; },
    mul: function (p, x, y) { return x * y; },
    div: function (p, x, y) { domain(y === 0, "division by zero"); return x / y; },
    neg: function (p, x) { return -x; },
    pow: function (p, x) { return power(x, p[0]); },
    pow_xy: function (p, x, y) { return power(x, y); },
    exp: function (p, x) { return Math.exp(x); },
    log: function (p, x) { domain(x <= 0, "log"); return Math.log(x); },
    sqrt: function (p, x) { domain(x < 0, "sqrt"); return Math.sqrt(x); },
    sin: function (p, x) { return Math.sin(x); },
    cos: function (p, x) { return Math.cos(x); },
    tanh: function (p, x) { return Math.tanh(x); },
    sigmoid: function (p, x) { return sigmoid(x); },
    relu: function (p, x) { return x <= 0 ? 0 : x; },
    leaky_relu: function (p, x) { return x > 0 ? x : p[0] * x; },
    elu: function (p, x) { return x > 0 ? x : p[0] * Math.expm1(x); },
    softplus: function (p, x) {
      return x === x ? Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))) : NaN;
    },
    abs: function (p, x) { return x < 0 ? -x : x; },
    linear: function (p) {
      var args = Array.prototype.slice.call(arguments, 1), n = (args.length - 1) / 2;
      var total = args[args.length - 1];
      for (var k = 0; k < n; k++) { total += args[k] * args[n + k]; }
      return total;
    },
    sum: function (p) {
      var total = arguments[1];
      for (var k = 2; k < arguments.length; k++) { total += arguments[k]; }
      return total;
    },
    batch_sum: function (p, x) { return x; }
  };

  // an expression: a number (a given constant), a string (another quantity's key) or
  // [op, [params...], arg, ...]
  function evaluate(expr, valueOf) {
    if (typeof expr === "number") { return expr; }
    if (typeof expr === "string") { return valueOf(expr); }
    var args = [expr[1]];
    for (var k = 2; k < expr.length; k++) { args.push(evaluate(expr[k], valueOf)); }
    return OPS[expr[0]].apply(null, args);
  }

  function inside(y, interval) { return interval[0] <= y && y <= interval[1]; }
  function around(x, band) {
    var h = band[0] + band[1] * Math.abs(x);
    return [x - h, x + h];
  }
  function matches(y, x, band) { return isFinite(x) && inside(y, around(x, band)); }
  // lab.precision.follows: the band of what the student's numbers give, never narrower than R's
  function follows(y, own, right, band, above) {
    var h = band[0] + band[1] * Math.max(Math.abs(own), Math.abs(right));
    if (above && Math.abs(own) >= above[0]) { h = Math.max(h, above[1]); }
    return isFinite(own) && own - h <= y && y <= own + h;
  }
  function trivial(x) { return x === 0 || x === 1 || x === -1; }

  // the student's numbers so far; judge() takes lab.grading.judge's steps in its order
  function Sheet(data) {
    this.fields = {};
    for (var k = 0; k < data.fields.length; k++) {
      this.fields[data.fields[k].key] = data.fields[k];
    }
    this.typed = {};
    this.verdicts = {};
    this.reader = data.reader;
  }
  Sheet.prototype.valueOf = function () {
    var self = this, memo = {};
    function value(k) {
      if (Object.prototype.hasOwnProperty.call(self.typed, k)) { return self.typed[k]; }
      if (!(k in memo)) { memo[k] = evaluate(self.fields[k].expr, value); }
      return memo[k];
    }
    return value;
  };
  // whether every number of the student's that key is computed from was right
  Sheet.prototype.fromRight = function (key) {
    var self = this, memo = {};
    function right(k) {
      if (!(k in memo)) {
        memo[k] = self.fields[k].inputs.every(function (i) {
          return Object.prototype.hasOwnProperty.call(self.typed, i)
            ? self.verdicts[i] === "right" : right(i);
        });
      }
      return memo[k];
    }
    return right(key);
  };
  Sheet.prototype.own = function (expr) {
    try { return evaluate(expr, this.valueOf()); } catch (e) { return NaN; }
  };
  Sheet.prototype.judge = function (key, y) {
    var f = this.fields[key];
    if (inside(y, f.interval)) { return {verdict: "right"}; }
    var own = this.own(f.expr), self = this;
    var followsOwn = follows(y, own, (f.interval[0] + f.interval[1]) / 2, f.band, f.above);
    if (followsOwn && this.fromRight(key)) { return {verdict: "right", own: own}; }
    for (var c = 0; c < f.coarse.length; c++) {
      var x = f.coarse[c];
      if (Math.abs(y - x) <= 1e-12 * Math.max(Math.abs(y), Math.abs(x))) {
        return {verdict: "wrong", mistake: "too-few-figures"};
      }
    }
    var guarded = !f.trivial_right && (trivial(own) || f.guards.some(function (k) {
      return Object.prototype.hasOwnProperty.call(self.typed, k) && trivial(self.typed[k]);
    }));
    if (followsOwn && !guarded) { return {verdict: "carried-forward", own: own}; }
    for (var m = 0; m < f.mistakes.length; m++) {
      var w = this.own(f.mistakes[m].expr);
      if (matches(y, w, f.band) && !(isFinite(w) && inside(w, f.interval))) {
        return {verdict: "wrong", mistake: f.mistakes[m].id, why: f.mistakes[m].why};
      }
    }
    return {verdict: "wrong"};
  };
  Sheet.prototype.write = function (key, y, verdict) {
    this.typed[key] = y;
    this.verdicts[key] = verdict;
  };
  // what the student typed for one quantity: read, judged, and (if readable) kept for the
  // numbers after it, as lab.grading.grade does line by line
  Sheet.prototype.answer = function (key, text) {
    var read = readNumber(text, this.reader);
    if (read.problem) { return {verdict: read.problem, message: read.message}; }
    var result = this.judge(key, read.value);
    this.write(key, read.value, result.verdict);
    result.value = read.value;
    return result;
  };

  return {readNumber: readNumber, evaluate: evaluate, OPS: OPS, Sheet: Sheet};
})();
