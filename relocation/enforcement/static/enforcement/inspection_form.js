/* The inspection form survives a lost connection: every change is kept in
 * localStorage at once and posted to the server draft endpoint by htmx after
 * a pause in typing. On reload the server draft is shown first, then anything
 * newer kept locally is restored. */
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  if (!form) return;
  var keyInput = document.getElementById("draft_key");
  // Offline, the service worker answers with the page it cached without a draft:
  // the key then comes from the address, so the local copy is found again.
  if (!keyInput.value) keyInput.value = (new URLSearchParams(window.location.search).get("draft") || "").slice(0, 64);
  if (!keyInput.value) {
    keyInput.value = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
    var url = new URL(window.location.href);
    url.searchParams.set("draft", keyInput.value);
    window.history.replaceState(null, "", url.toString());
  }
  var storageKey = "rhq-inspection-draft:" + window.location.pathname + ":" + keyInput.value;

  function collect() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || value instanceof File) return;
      if (name === "inspectors") { (data[name] = data[name] || []).push(value); } else { data[name] = value; }
    });
    return data;
  }

  function apply(values) {
    Object.keys(values || {}).forEach(function (name) {
      if (name === "draft_key" || name === "team") return;
      var value = values[name];
      var fields = form.querySelectorAll('[name="' + name + '"]');
      fields.forEach(function (field) {
        if (field.type === "checkbox") {
          field.checked = [].concat(value).map(String).indexOf(field.value) !== -1;
        } else if (field.type === "radio") {
          field.checked = field.value === String(value);
        } else if (field.type !== "file" && field.type !== "hidden") {
          field.value = value;
        }
      });
    });
  }

  function saveLocal() {
    try { localStorage.setItem(storageKey, JSON.stringify({ at: Date.now(), data: collect() })); } catch (e) { /* storage full or disabled */ }
  }

  var serverValues = JSON.parse(document.getElementById("server-values").textContent || "{}");
  var hasErrors = !!document.getElementById("form-errors");
  apply(serverValues);
  if (!hasErrors) {
    try {
      var kept = JSON.parse(localStorage.getItem(storageKey) || "null");
      if (kept && kept.data) {
        apply(kept.data);
        var status = document.getElementById("draft-status");
        if (status) status.textContent = status.dataset.restored || "已从本机恢复草稿";
      }
    } catch (e) { /* ignore a corrupt entry */ }
  }

  form.addEventListener("input", saveLocal);
  form.addEventListener("change", saveLocal);
  form.addEventListener("submit", function () {
    var btn = document.getElementById("submit-inspection");
    if (btn) btn.disabled = true;
    form.dataset.submitting = "1";
  });
  window.addEventListener("pageshow", function () {
    var btn = document.getElementById("submit-inspection");
    if (btn) btn.disabled = false;
  });
  // The server confirms a submit by redirecting away; only then is the local copy dropped.
  window.enfClearDraft = function () { try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ } };
  // The offline queue puts a returned submission back into the form.
  window.enfApplyValues = apply;
  // After a submission is queued the form starts afresh under a new draft key.
  window.enfStartNew = function (draftKey) {
    window.enfClearDraft();
    form.reset();
    keyInput.value = draftKey || ((window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
    storageKey = "rhq-inspection-draft:" + window.location.pathname + ":" + keyInput.value;
    var url = new URL(window.location.href);
    url.searchParams.set("draft", keyInput.value);
    window.history.replaceState(null, "", url.toString());
  };

  function teamChanged(select) {
    form.dataset.teamChanged = "1";
    saveLocal();
    var url = new URL(window.location.href);
    url.searchParams.set("team", select.value);
    url.searchParams.set("draft", keyInput.value);
    var body = new URLSearchParams(new FormData(form));
    fetch(form.dataset.draftUrl, { method: "POST", body: body, headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value } })
      .finally(function () { window.location.href = url.toString(); });
  }
  var teamSelect = form.querySelector("[data-team-select]");
  if (teamSelect) teamSelect.addEventListener("change", function () { teamChanged(teamSelect); });
})();
