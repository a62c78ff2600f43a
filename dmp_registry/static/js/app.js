/* Progressive enhancement only: every page works without this file.
   - focus the error summary or conflict notice so screen readers announce it;
   - search boxes that narrow long pick lists (vocabularies, people);
   - add a distribution without reloading the page;
   - ask before deleting. */
(function () {
  "use strict";

  function focusNotice() {
    var target = document.querySelector("[data-autofocus]");
    if (target) { target.focus(); }
  }

  function normalise(text) {
    return text.toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function initPicker(box) {
    var id = box.getAttribute("data-picker-filter");
    var input = box.querySelector("input");
    var count = document.getElementById(id + "-count");
    var list = document.getElementById(id + "-options") || document.getElementById(id);
    if (!input || !list) { return; }
    box.hidden = false;
    var timer = null;
    input.addEventListener("input", function () {
      var needle = normalise(input.value.trim());
      var items = list.tagName === "SELECT" ? list.querySelectorAll("option") : list.querySelectorAll("li");
      var shown = 0;
      items.forEach(function (item) {
        var keep = !needle || item.value === "" && list.tagName === "SELECT" ||
          normalise(item.textContent).indexOf(needle) !== -1 ||
          (item.querySelector && item.querySelector("input:checked"));
        item.hidden = !keep;
        if (keep) { shown += 1; }
      });
      clearTimeout(timer);
      timer = setTimeout(function () {
        count.textContent = needle ? (count.getAttribute("data-template") || "{n}").replace("{n}", String(shown)) : "";
      }, 300);
    });
  }

  function enhanceDistributionForm(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                          headers: {"X-Requested-With": "fetch"}})
        .then(function (response) {
          return response.text().then(function (html) { return {status: response.status, html: html}; });
        })
        .then(function (result) {
          if (result.status === 201) {
            var list = document.getElementById("distribution-list");
            list.insertAdjacentHTML("beforeend", result.html);
            var empty = document.getElementById("no-distributions");
            if (empty) { empty.hidden = true; }
            form.reset();
            var added = list.lastElementChild.querySelector("a");
            var status = document.getElementById("distribution-status");
            status.textContent = status.getAttribute("data-added");
            if (added) { added.focus(); }
          } else if (result.status === 422) {
            var slot = document.getElementById("distribution-form-slot");
            slot.innerHTML = result.html;
            init(slot);
            focusNotice();
          } else {
            form.submit();
          }
        })
        .catch(function () { form.submit(); })
        .finally(function () { button.disabled = false; });
    });
  }

  function init(root) {
    root.querySelectorAll("[data-picker-filter]").forEach(initPicker);
    root.querySelectorAll("form[data-enhance=distribution]").forEach(enhanceDistributionForm);
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  }

  function collapseOnPhones() {
    // Filters first in the page, but folded on a narrow screen so the results are in view.
    if (!window.matchMedia("(max-width: 46rem)").matches) { return; }
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (box) { box.open = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    collapseOnPhones();
    init(document);
    focusNotice();
  });
}());
