/* The plan editor, progressively enhanced (the section form works without this file):
   - saves each changed answer on its own (debounced while typing, at once on blur/change) to the
     answer endpoint with the version the page was rendered with;
   - reports "Saved" / "Not saved: …" in the aria-live region;
   - 422: the message goes next to the question, the text stays where it is;
   - 409: the other person's answer is shown beside the user's, who chooses; nothing is lost;
   - conditional questions are hidden while the earlier answer does not call for them. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 1200;

  function questionOf(element) { return element.closest("[data-question]"); }

  function inputs(question) {
    return question.querySelectorAll("[name^='answer.']");
  }

  function currentValue(question) {
    // What the server's form parser reads: radios → the checked one, others → their value.
    var values = [];
    inputs(question).forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      values.push(input.value);
    });
    return values;
  }

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function setStatus(form, text, problem) {
    var region = document.getElementById("autosave-status");
    if (!region) { return; }
    region.textContent = text || "";
    if (problem) { region.setAttribute("data-state", "problem"); } else { region.removeAttribute("data-state"); }
  }

  function showError(question, text) {
    var slot = question.querySelector("[data-error-slot]");
    slot.textContent = text;
    slot.hidden = !text;
    inputs(question).forEach(function (input) {
      if (text) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    });
  }

  function versionField(question) {
    return question.querySelector("input[name^='version.']");
  }

  function clearConflict(question) {
    var panel = question.querySelector("[data-conflict-slot]");
    panel.hidden = true;
    panel.querySelector("[data-theirs]").textContent = "";
  }

  function showConflict(form, question, body) {
    var panel = question.querySelector("[data-conflict-slot]");
    panel.querySelector("[data-theirs]").textContent = body.theirs_text || "";
    panel.hidden = false;
    panel.setAttribute("data-their-version", String(body.version));
    panel.setAttribute("data-their-value", JSON.stringify(body.theirs_form || []));
    var heading = panel.querySelector("[data-conflict-heading]");
    if (heading) { heading.focus(); }
  }

  function applyTheirs(question, values) {
    var list = inputs(question);
    list.forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        input.checked = values.indexOf(input.value) !== -1;
      } else {
        input.value = values.length ? values[0] : "";
      }
    });
  }

  function save(form, question) {
    var key = question.getAttribute("data-question");
    var url = form.getAttribute("data-answer-url").replace("__KEY__", encodeURIComponent(key));
    var data = new FormData();
    currentValue(question).forEach(function (value) { data.append("value", value); });
    data.append("version", versionField(question).value);
    question.setAttribute("data-saving", "1");
    setStatus(form, form.getAttribute("data-saving-text"));
    return fetch(url, {method: "POST", body: data, credentials: "same-origin",
                       headers: {"X-CSRFToken": csrfToken(form), "Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) { return {status: response.status, body: body}; },
                                    function () { return {status: response.status, body: {}}; });
      })
      .then(function (result) {
        question.removeAttribute("data-saving");
        var body = result.body;
        if (result.status === 200) {
          versionField(question).value = body.version === null || body.version === undefined ? "" : String(body.version);
          question.setAttribute("data-saved", JSON.stringify(currentValue(question)));
          showError(question, "");
          clearConflict(question);
          setStatus(form, body.message);
          updateProgress(body.progress);
        } else if (result.status === 422) {
          showError(question, body.message);
          setStatus(form, body.status_text, true);
        } else if (result.status === 409) {
          showConflict(form, question, body);
          setStatus(form, body.status_text, true);
        } else {
          setStatus(form, (body && body.status_text) || form.getAttribute("data-failed-text"), true);
        }
      })
      .catch(function () {
        question.removeAttribute("data-saving");
        setStatus(form, form.getAttribute("data-offline-text"), true);
      });
  }

  function updateProgress(progress) {
    if (!progress) { return; }
    var bar = document.getElementById("plan-progress");
    var label = document.getElementById("plan-progress-text");
    if (bar) { bar.value = progress.answered; bar.max = Math.max(progress.required, 1); }
    if (label) { label.textContent = progress.text; }
    Object.keys(progress.sections || {}).forEach(function (key) {
      var count = document.querySelector("[data-section-count='" + key + "']");
      if (count) { count.textContent = progress.sections[key]; }
    });
  }

  function changed(question) {
    return question.getAttribute("data-saved") !== JSON.stringify(currentValue(question));
  }

  function conditionMet(form, question) {
    var on = question.getAttribute("data-condition-question");
    if (!on) { return true; }
    var source = form.querySelector("[data-question='" + on + "']");
    if (!source) { return question.getAttribute("data-condition-met") !== "0"; }  // in another section: as the server saw it
    if (source.hidden) { return false; }  // a question that depends on a hidden question is hidden too
    var wanted = JSON.parse(question.getAttribute("data-condition-equals"));
    var values = currentValue(source).map(function (value) {
      if (value === "yes") { return true; }
      if (value === "no") { return false; }
      return value;
    });
    var got = values.length ? values[0] : null;
    return JSON.stringify(got) === JSON.stringify(wanted) || String(got) === String(wanted);
  }

  function refreshConditions(form) {
    form.querySelectorAll("[data-condition-question]").forEach(function (question) {
      question.hidden = !conditionMet(form, question);
    });
  }

  function initEditor(form) {
    var timers = {};
    form.querySelectorAll("[data-question]").forEach(function (question) {
      question.setAttribute("data-saved", JSON.stringify(currentValue(question)));
    });
    // Conflicts are resolved with buttons here; the radios (still sent with the section form) are for no-JS.
    form.querySelectorAll(".js-only").forEach(function (element) { element.hidden = false; });
    form.querySelectorAll(".resolve-choice").forEach(function (element) { element.hidden = true; });
    var intro = document.getElementById("autosave-intro");
    if (intro) { intro.hidden = false; }

    function schedule(question, delay) {
      var key = question.getAttribute("data-question");
      clearTimeout(timers[key]);
      timers[key] = setTimeout(function () {
        if (changed(question)) { save(form, question); }
      }, delay);
    }

    form.addEventListener("input", function (event) {
      var question = questionOf(event.target);
      if (question && event.target.name && event.target.name.indexOf("answer.") === 0) {
        refreshConditions(form);
        schedule(question, DEBOUNCE_MS);
      }
    });
    form.addEventListener("change", function (event) {
      var question = questionOf(event.target);
      if (question && event.target.name && event.target.name.indexOf("answer.") === 0) {
        refreshConditions(form);
        schedule(question, 0);
      }
    });
    form.addEventListener("focusout", function (event) {
      var question = questionOf(event.target);
      if (question && event.target.name && event.target.name.indexOf("answer.") === 0) { schedule(question, 0); }
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-resolve]");
      if (!button) { return; }
      event.preventDefault();
      var question = questionOf(button);
      var panel = question.querySelector("[data-conflict-slot]");
      versionField(question).value = panel.getAttribute("data-their-version");
      if (button.getAttribute("data-resolve") === "theirs") {
        applyTheirs(question, JSON.parse(panel.getAttribute("data-their-value") || "[]"));
        question.setAttribute("data-saved", JSON.stringify(currentValue(question)));
        clearConflict(question);
        refreshConditions(form);
        setStatus(form, form.getAttribute("data-taken-text"));
      } else {
        clearConflict(question);
        save(form, question);  // mine, now on top of the version I have seen
      }
      var first = inputs(question)[0];
      if (first) { first.focus(); }
    });
    var submitting = false;
    form.addEventListener("submit", function () { submitting = true; });  // the form sends every answer itself
    window.addEventListener("beforeunload", function (event) {
      if (submitting) { return; }
      var pending = Array.prototype.some.call(form.querySelectorAll("[data-question]"), function (q) {
        return !q.hidden && changed(q);
      });
      if (pending) { event.preventDefault(); event.returnValue = ""; }
    });
    refreshConditions(form);
  }

  function initFormatting(root) {
    // Rich text: buttons that wrap the selection in the simple markup the plan page renders.
    root.querySelectorAll("[data-format-for]").forEach(function (bar) {
      bar.hidden = false;
      var area = document.getElementById(bar.getAttribute("data-format-for"));
      bar.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-wrap]");
        if (!button || !area) { return; }
        event.preventDefault();
        var mark = button.getAttribute("data-wrap");
        var start = area.selectionStart, end = area.selectionEnd;
        var chosen = area.value.slice(start, end);
        var replaced = mark === "- " ? chosen.split("\n").map(function (line) { return "- " + line; }).join("\n")
          : mark + chosen + mark;
        area.setRangeText(replaced, start, end, "select");
        area.dispatchEvent(new Event("input", {bubbles: true}));
        area.focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-plan-editor]").forEach(initEditor);
    initFormatting(document);
  });
}());
