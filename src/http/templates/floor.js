// sopbook serve: the floor form, faster and safer with JavaScript. Every
// page works without it (plain forms that POST); this only adds:
//
// - live spec feedback beside a measurement as it is typed,
// - -/+ steppers beside counts,
// - a scanner's Enter in the lot field moves on to the serial,
// - the answers kept on this tablet (localStorage) until the server has
//   confirmed the record, and a confirm that keeps retrying, with the same
//   submission key, while the server cannot be reached.
//
// Served from the binary as /assets/floor.js under a policy that allows
// scripts from this server only: no inline script, no eval.
"use strict";

(function () {
  // ---- The form's words ----------------------------------------------

  // What this script says, in the form's language: the server puts the
  // words in the form's `data-words`. English where a page has none.
  var WORDS = {
    in_spec: "in spec",
    not_applicable: "not applicable",
    live_off: "out of spec by {by} {unit} ({side})",
    live_above: "above {limit}",
    live_below: "below {limit}",
    live_critical_na: "critical: needs a measurement",
    live_not_number: "not a number",
    kept_again: "Your answers for this lot, kept on this tablet since {when}, are filled in again. Nothing was recorded yet.",
    start_empty: "Start empty",
    tap_again: "Tap again to throw the answers away",
    one_fewer: "One fewer",
    one_more: "One more",
    unreachable: "The server cannot be reached. Your answers are kept on this tablet; trying again every 5 seconds."
  };
  (function () {
    var form = document.querySelector("form[data-words]");
    if (!form) return;
    try {
      var given = JSON.parse(form.dataset.words);
      Object.keys(WORDS).forEach(function (k) {
        if (typeof given[k] === "string") WORDS[k] = given[k];
      });
    } catch (e) {
      // English it is.
    }
  })();

  // A phrase with its {marks} filled in, in one pass.
  function phrase(text, marks) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(marks, name) ? marks[name] : whole;
    });
  }

  // ---- Keeping the answers on this tablet ----------------------------

  // One kept form per checklist, lot and serial; its value holds the
  // submission key, so that a form reopened after a lost answer records
  // (or shows) the same inspection, never a second one.
  var PREFIX = "sopbook.form:";
  var OPEN = "sopbook.open";

  function slot(checklist, lot, serial) {
    return PREFIX + JSON.stringify([checklist, lot, serial || ""]);
  }

  function read(name) {
    try {
      var text = window.localStorage.getItem(name);
      return text ? JSON.parse(text) : null;
    } catch (e) {
      return null;
    }
  }

  function write(name, kept) {
    try {
      window.localStorage.setItem(name, JSON.stringify(kept));
    } catch (e) {
      // Storage full or switched off: the form still works, it is only
      // not kept.
    }
  }

  function forget(name) {
    try {
      window.localStorage.removeItem(name);
    } catch (e) {}
  }

  function session(name, value) {
    try {
      if (value === undefined) return window.sessionStorage.getItem(name);
      if (value === null) window.sessionStorage.removeItem(name);
      else window.sessionStorage.setItem(name, value);
    } catch (e) {}
    return null;
  }

  // Every kept form, with its storage name.
  function keptForms() {
    var all = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var name = window.localStorage.key(i);
        if (name && name.indexOf(PREFIX) === 0) {
          var kept = read(name);
          if (kept) all.push({ name: name, kept: kept });
        }
      }
    } catch (e) {}
    return all;
  }

  function field(form, name) {
    var el = form.elements.namedItem(name);
    return el && el.value !== undefined ? el.value : "";
  }

  // The items' values and notes (`v:ITEM`, `n:ITEM`) as entered.
  function answers(form) {
    var out = {};
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!/^[vn]:/.test(el.name)) continue;
      if (el.type === "radio") {
        if (el.checked) out[el.name] = el.value;
      } else if (el.value !== "") {
        out[el.name] = el.value;
      }
    }
    return out;
  }

  function keep(form) {
    var lot = field(form, "lot");
    write(slot(form.dataset.checklist, lot, field(form, "serial")), {
      checklist: form.dataset.checklist,
      inspector: form.dataset.inspector,
      lot: lot,
      serial: field(form, "serial"),
      key: field(form, "key"),
      answers: answers(form),
      saved: new Date().toISOString(),
    });
  }

  function fill(form, kept) {
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!/^[vn]:/.test(el.name)) continue;
      var value = kept.answers[el.name];
      if (el.type === "radio") {
        el.checked = value !== undefined && el.value === value;
      } else {
        el.value = value === undefined ? "" : value;
        var note = el.closest("details.note");
        if (note && value) note.open = true;
      }
    }
  }

  // Throwing answers away takes a second tap: a slip of the thumb loses
  // nothing.
  function onSecondTap(button, action) {
    var armed = false;
    button.addEventListener("click", function () {
      if (armed) {
        action();
        return;
      }
      armed = true;
      button.textContent = WORDS.tap_again;
    });
  }

  function notice(form, text, button, onClick) {
    var box = document.createElement("div");
    box.className = "kept-notice";
    box.setAttribute("role", "status");
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
    if (button) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.textContent = button;
      onSecondTap(b, function () {
        onClick();
        box.remove();
      });
      box.appendChild(b);
    }
    form.parentNode.insertBefore(box, form);
  }

  // "14:05" today, "2025-03-02 14:05" before, in the tablet's time.
  function when(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return "";
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    var day = function (t) { return t.getFullYear() + "-" + two(t.getMonth() + 1) + "-" + two(t.getDate()); };
    var time = two(d.getHours()) + ":" + two(d.getMinutes());
    return day(d) === day(new Date()) ? time : day(d) + " " + time;
  }

  // A reload of the form or the review lands on the checklist's page
  // (the form came from a POST), which reopens it from what is kept.
  function reloadGoesToStart(form) {
    session(OPEN, slot(form.dataset.checklist, field(form, "lot"), field(form, "serial")));
    try {
      window.history.replaceState(null, "", "/inspect/" + encodeURIComponent(form.dataset.checklist));
    } catch (e) {}
  }

  // The form: restore what this tablet kept for this lot when the server
  // sent it empty (a reload, the same lot opened again); otherwise what the
  // server sent is what is kept. Then keep every change.
  function sheet(form) {
    var name = slot(form.dataset.checklist, field(form, "lot"), field(form, "serial"));
    var kept = read(name);
    var fresh = Object.keys(answers(form)).length === 0;
    var keyField = form.elements.namedItem("key");
    var newKey = keyField.value;
    if (fresh && kept && kept.inspector === form.dataset.inspector && Object.keys(kept.answers).length > 0) {
      fill(form, kept);
      keyField.value = kept.key;
      notice(
        form,
        phrase(WORDS.kept_again, { when: when(kept.saved) }),
        WORDS.start_empty,
        function () {
          fill(form, { answers: {} });
          keyField.value = newKey;
          forget(name);
          form.querySelectorAll("input[data-unit]").forEach(judge);
        }
      );
    } else if (!fresh) {
      keep(form);
    }
    var changed = function () { keep(form); };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    reloadGoesToStart(form);
  }

  // ---- Live spec feedback ------------------------------------------

  // Mirrors the server's reading of a number (a comma may be the decimal
  // separator) and its limits, which the server renders into data-lower,
  // data-upper and data-unit from the checklist's item. It only says early
  // what the review will say: the server's review decides, and records.
  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  var NOT_APPLICABLE = /^(n|na|n\/a|not applicable)$/i;

  function decimals(text) {
    var m = /\.(\d+)/.exec(text.split(/[eE]/)[0]);
    return m ? m[1].length : 0;
  }

  function judge(input) {
    var out = input.parentNode.querySelector(".live");
    if (!out) return;
    var typed = input.value.trim().replace(/,/g, ".");
    out.className = "live";
    if (typed === "") {
      out.textContent = "";
      return;
    }
    if (NOT_APPLICABLE.test(typed)) {
      var skip = input.dataset.mayskip === "true";
      out.textContent = skip ? WORDS.not_applicable : WORDS.live_critical_na;
      out.className = skip ? "live" : "live out";
      return;
    }
    if (!NUMBER.test(typed) || !isFinite(Number(typed))) {
      out.textContent = WORDS.live_not_number;
      out.className = "live out";
      return;
    }
    var x = Number(typed);
    var unit = input.dataset.unit;
    var upper = input.dataset.upper;
    var lower = input.dataset.lower;
    var off = function (by, given, side) {
      // As the server writes a limit: 120, not 120.0.
      var limit = String(Number(given));
      var places = Math.min(6, Math.max(decimals(typed), decimals(limit)));
      return phrase(WORDS.live_off, { by: by.toFixed(places), unit: unit, side: phrase(side, { limit: limit }) });
    };
    if (upper !== "" && upper !== undefined && x > Number(upper)) {
      out.textContent = off(x - Number(upper), upper, WORDS.live_above);
      out.className = "live out";
    } else if (lower !== "" && lower !== undefined && x < Number(lower)) {
      out.textContent = off(Number(lower) - x, lower, WORDS.live_below);
      out.className = "live out";
    } else {
      out.textContent = WORDS.in_spec;
      out.className = "live in";
    }
  }

  function measure(input) {
    var out = document.createElement("span");
    out.className = "live";
    out.id = "live-" + input.name.slice(2);
    out.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(out);
    input.setAttribute("aria-describedby", (input.getAttribute("aria-describedby") || "") + " " + out.id);
    input.addEventListener("input", function () { judge(input); });
    judge(input);
  }

  // ---- Count steppers ----------------------------------------------

  function stepper(input) {
    var step = function (by, label, text) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "step";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", function () {
        var n = parseInt(input.value, 10);
        if (isNaN(n)) n = 0;
        else n = Math.max(0, n + by);
        if (by > 0 && input.value === "") n = 1;
        input.value = String(n);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
      return b;
    };
    input.parentNode.insertBefore(step(-1, WORDS.one_fewer, "\u2212"), input);
    input.parentNode.insertBefore(step(1, WORDS.one_more, "+"), input.nextSibling);
    input.parentNode.classList.add("stepped");
  }

  // ---- The review: confirm, and retry while the server is away -------

  var RETRY_MS = 5000;
  var UNREACHABLE = WORDS.unreachable;

  function confirmation(form) {
    keep(form);
    reloadGoesToStart(form);
    var body = null;
    var timer = null;
    var busy = false;
    var message = null;

    function say(text) {
      if (!message) {
        message = document.createElement("div");
        message.className = "alert offline";
        message.setAttribute("role", "alert");
        form.insertBefore(message, form.querySelector(".actions"));
      }
      message.textContent = text;
    }

    function attempt() {
      timer = null;
      if (busy) return;
      busy = true;
      // The same body every time: the same submission key, so the store
      // records it once however many tries reach it. A try that reached the
      // server before its answer was lost lands on that one inspection.
      window
        .fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) {
          busy = false;
          if (response.status === 502 || response.status === 503 || response.status === 504) {
            unreachable();
          } else if (response.redirected) {
            window.location.assign(response.url);
          } else {
            // The server answered with a refusal: let the browser post the
            // form itself and show the server's page (it records nothing
            // new: the key is the same).
            HTMLFormElement.prototype.submit.call(form);
          }
        })
        .catch(function () {
          busy = false;
          unreachable();
        });
    }

    function unreachable() {
      say(UNREACHABLE);
      if (!timer) timer = window.setTimeout(attempt, RETRY_MS);
    }

    form.addEventListener("submit", function (event) {
      // "Change answers" goes back to the form as a plain POST.
      if (event.submitter && event.submitter.hasAttribute("formaction")) return;
      if (!window.fetch || !window.URLSearchParams) return;
      event.preventDefault();
      if (!body) body = new URLSearchParams(new FormData(form));
      if (timer) {
        window.clearTimeout(timer);
        timer = null;
      }
      attempt();
    });
  }

  // ---- Review and Change answers: wait for the server, then post --------

  // These post the form as the browser does (the answers, photos and the
  // button pressed), but only once the server answers: while it is away the
  // page stays, says so, and asks again every 5 seconds. A Confirm has its
  // own retry above.
  function postWhenReachable(form) {
    var waiting = false;
    var message = null;
    var reached = false;

    function say(text) {
      if (!message) {
        message = document.createElement("div");
        message.className = "alert offline";
        message.setAttribute("role", "alert");
        form.insertBefore(message, form.querySelector(".actions"));
      }
      message.textContent = text;
    }

    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented || reached) return;
      if (!window.fetch || !form.requestSubmit) return;
      event.preventDefault();
      if (waiting) return;
      waiting = true;
      var submitter = event.submitter || null;
      (function probe() {
        window
          .fetch("/assets/floor.css", { method: "HEAD", cache: "no-store", credentials: "same-origin" })
          .then(function (response) {
            if (response.status >= 502 && response.status <= 504) throw new Error("away");
            waiting = false;
            reached = true;
            form.requestSubmit(submitter);
            reached = false;
          })
          .catch(function () {
            say(UNREACHABLE);
            window.setTimeout(probe, RETRY_MS);
          });
      })();
    });
  }

  // ---- The checklist's page: lot, serial, and forms kept here -------

  function start(form) {
    var lot = form.elements.namedItem("lot");
    var serial = form.elements.namedItem("serial");
    // A barcode scanner types the lot and presses Enter: go on to the
    // serial; Enter there starts the form.
    lot.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.isComposing) return;
      event.preventDefault();
      if (lot.value.trim() !== "") serial.focus();
    });

    var mine = keptForms().filter(function (f) {
      return f.kept.checklist === form.dataset.checklist &&
        f.kept.inspector === form.dataset.inspector &&
        Object.keys(f.kept.answers || {}).length > 0;
    });
    var reopen = function (kept) {
      lot.value = kept.lot;
      serial.value = kept.serial || "";
      form.submit();
    };
    var nav = window.performance && performance.getEntriesByType
      ? performance.getEntriesByType("navigation")[0]
      : null;
    // Only a reload reopens by itself the form this tab had open; coming
    // here any other way starts a new one.
    var open = session(OPEN);
    session(OPEN, null);
    if (nav && nav.type === "reload" && open) {
      var again = mine.filter(function (f) { return f.name === open; })[0];
      if (again) {
        reopen(again.kept);
        return;
      }
    }
    if (mine.length === 0) return;
    var box = document.createElement("section");
    box.className = "kept-list";
    var h = document.createElement("h2");
    h.textContent = "Not recorded yet, kept on this tablet";
    box.appendChild(h);
    mine.forEach(function (f) {
      var row = document.createElement("div");
      row.className = "kept-form";
      var what = document.createElement("p");
      var count = Object.keys(f.kept.answers).filter(function (k) { return k.indexOf("v:") === 0; }).length;
      what.textContent = "Lot " + f.kept.lot + (f.kept.serial ? " · serial " + f.kept.serial : "") +
        " · " + count + (count === 1 ? " answer" : " answers") + " · " + when(f.kept.saved);
      var go = document.createElement("button");
      go.type = "button";
      go.className = "primary";
      go.textContent = "Continue";
      go.addEventListener("click", function () { reopen(f.kept); });
      var drop = document.createElement("button");
      drop.type = "button";
      drop.textContent = "Discard";
      onSecondTap(drop, function () {
        forget(f.name);
        row.remove();
      });
      row.appendChild(what);
      row.appendChild(go);
      row.appendChild(drop);
      box.appendChild(row);
    });
    // Above the lot: answers not yet recorded come before a new form.
    form.parentNode.insertBefore(box, form);
  }

  // ---- The recorded inspection: what was kept for it can go ----------

  function recorded(done) {
    forget(slot(done.dataset.checklist, done.dataset.lot, done.dataset.serial));
    session(OPEN, null);
  }

  // ---- Each page takes what it has -----------------------------------

  document.querySelectorAll("form.sheet[data-checklist]").forEach(function (form) {
    // What is kept first, so that the feedback speaks of the restored values.
    sheet(form);
    form.querySelectorAll("input[data-unit]").forEach(measure);
    form.querySelectorAll("input[type=number]").forEach(stepper);
  });
  document.querySelectorAll("form.confirm[data-checklist]").forEach(confirmation);
  // After the confirmation's own handler, which leaves "Change answers" alone.
  document
    .querySelectorAll("form.sheet[data-checklist], form.confirm[data-checklist]")
    .forEach(postWhenReachable);
  document.querySelectorAll("form.start[data-checklist]").forEach(start);
  document.querySelectorAll(".done[data-checklist]").forEach(recorded);
})();
