// The CRM's own script: progressive enhancement only, every page works without it.
// No inline scripts anywhere (a strict Content-Security-Policy applies): behaviour hangs on
// data-* attributes.
(function () {
  "use strict";

  // Filters swap results in place and push the URL; a form that returns to "this page"
  // (the language switch) must use the URL as it is now, not as it was rendered.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    form.querySelectorAll("input[data-current-url]").forEach(function (input) {
      input.value = window.location.pathname + window.location.search;
    });
  });
})();
