/* Page behaviours declared in the markup, so templates carry no inline script
 * and the Content-Security-Policy can forbid it (relocation/core/security_headers.py).
 * Delegated from the document, so content swapped in by htmx behaves the same.
 *   data-autosubmit           on a field: submit its form when it changes
 *   data-confirm="question"   on a form: ask before submitting
 *   data-check-all="selector" on a checkbox: tick or untick every box matching selector
 *   data-copy-to="#id"        on a field: copy its value into another field when it changes
 *   data-history-back         on a link: go back one page
 *   data-current-query        on a form: fill its "query" field from the address bar when
 *                             submitted (htmx filters change the address without a reload) */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (!(el instanceof Element)) return;
    if (el.hasAttribute("data-copy-to")) {
      var target = document.querySelector(el.getAttribute("data-copy-to"));
      if (target) target.value = el.value;
    }
    if (el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (e) {
    var el = e.target instanceof Element ? e.target : null;
    if (!el) return;
    if (el.hasAttribute("data-check-all")) {
      document.querySelectorAll(el.getAttribute("data-check-all")).forEach(function (c) { if (c !== el) c.checked = el.checked; });
    }
    var back = el.closest("[data-history-back]");
    if (back) { e.preventDefault(); window.history.back(); }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
      return;
    }
    if (form instanceof HTMLFormElement && form.hasAttribute("data-current-query") && form.elements.query) {
      form.elements.query.value = window.location.search.replace(/^\?/, "");
    }
  }, true);
})();
