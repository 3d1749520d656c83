// The quick-log panel on the client card. Progressive enhancement only: without this script the
// tabs are links, the forms post normally and the server names every missing field.
(function () {
  "use strict";

  var FORM = "form[data-quick-log]";

  function firstField(container) {
    return container.querySelector(
      "[autofocus], select, textarea, input:not([type=hidden]):not([type=radio])"
    );
  }

  // A status flagged "requires a result" in the picklist marks the result field as needed;
  // a meeting that is only planned has no result yet, so its result field steps aside.
  function syncForm(form) {
    var status = form.querySelector("select[name=status]");
    var resultLabel = form.querySelector("[data-label-for=result]");
    if (status && resultLabel) {
      var option = status.options[status.selectedIndex];
      var needed = Boolean(option && option.hasAttribute("data-requires-result"));
      resultLabel.classList.toggle("fw-semibold", needed);
      var result = form.querySelector("[name=result]");
      if (result) {
        if (needed) {
          result.setAttribute("aria-required", "true");
        } else {
          result.removeAttribute("aria-required");
        }
      }
    }
    var planned = form.querySelector("input[name=state][value=planned]");
    var resultBox = form.querySelector("[data-field=result]");
    if (planned && resultBox) {
      resultBox.classList.toggle("d-none", planned.checked);
    }
  }

  function syncAll(root) {
    root.querySelectorAll(FORM).forEach(syncForm);
    if (root.matches && root.matches(FORM)) {
      syncForm(root);
    }
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest(FORM);
    if (form) {
      syncForm(form);
    }
  });

  // Enter submits from a one-line field anyway; in a text box Ctrl+Enter (Cmd+Enter) does.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) {
      return;
    }
    if (!(target instanceof HTMLTextAreaElement)) {
      return;
    }
    var form = target.closest(FORM);
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // Switching tabs puts the cursor into the new form, so logging needs no mouse.
  document.addEventListener("shown.bs.tab", function (event) {
    var pane = document.querySelector(event.target.getAttribute("data-bs-target"));
    var field = pane && firstField(pane);
    if (field) {
      field.focus();
    }
  });

  // After a quick log the new row sits on top of the journal: the "nothing yet" line goes.
  document.addEventListener("htmx:afterSettle", function (event) {
    syncAll(event.target);
    var rows = document.getElementById("client-journal-rows");
    if (rows && rows.querySelector("tr:not([data-journal-empty])")) {
      rows.querySelectorAll("tr[data-journal-empty]").forEach(function (row) {
        row.remove();
      });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    syncAll(document);
  });
})();
