// My day: small enhancements on top of htmx. The page works without this file (every action is
// a plain form POST); no inline scripts anywhere, behaviour hangs on ids and data-* attributes.
(function () {
  "use strict";

  // A refused action answers with its row and a message: 422 (needs more input, e.g. a result)
  // or 409 (someone else was first). htmx leaves 4xx bodies unswapped by default.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The inbox polls every 30 s; hold the poll while the user is inside the list (a focused
  // button, a half-typed result), so a refresh never pulls the row away under the keyboard.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var inbox = document.getElementById("inbox");
    if (!inbox || event.detail.elt !== inbox) {
      return;
    }
    var working = inbox.contains(document.activeElement) && document.activeElement !== inbox;
    if (working || inbox.querySelector("textarea[name=result]")) {
      event.preventDefault();
    }
  });

  // Keyboard flow: a swapped-in result form takes the focus; a row that left its list hands
  // the focus to the next row's first button, or to the section's heading.
  var lastSection = null;
  var lastIndex = -1;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var row = event.detail.elt.closest && event.detail.elt.closest(".my-day-row");
    if (!row) {
      return;
    }
    lastSection = row.closest("section");
    lastIndex = Array.prototype.indexOf.call(row.parentNode.children, row);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.elt;
    var autofocus = target && target.querySelector && target.querySelector("[data-autofocus]");
    if (autofocus) {
      autofocus.focus();
      return;
    }
    if (!lastSection || (target && target.isConnected && target.classList.contains("my-day-row"))) {
      return;
    }
    var rows = lastSection.querySelectorAll(".my-day-row");
    var next = rows[Math.min(lastIndex, rows.length - 1)];
    var focusable = next && next.querySelector("button, textarea, input:not([type=hidden])");
    if (focusable) {
      focusable.focus();
    } else {
      var heading = lastSection.querySelector("h2");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    }
    lastSection = null;
  });
})();
