/* The minutes editor: a contenteditable area whose HTML is copied into the
   hidden field on submit (the server sanitises it). */
(function () {
  "use strict";
  var editor = document.getElementById("minutes-editor");
  var field = document.getElementById("id_minutes");
  document.querySelectorAll("[data-cmd]").forEach(function (b) {
    b.addEventListener("click", function () { editor.focus(); document.execCommand(b.dataset.cmd, false, b.dataset.arg || null); });
  });
  document.getElementById("minutes-form").addEventListener("submit", function () { field.value = editor.innerHTML; });
})();
