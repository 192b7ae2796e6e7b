/* Inspections without signal. Every submit of the inspection form goes through
 * a queue kept on the phone (IndexedDB: the fields and the photos as blobs);
 * the queue sends each submission with a key made here once, so a resend
 * after a lost answer finds the inspection already recorded on the server
 * instead of recording it twice. Offline, the submission waits and is sent
 * when the phone is back online; a submission the server refuses stays in the
 * queue with the server's reason and can be put back into the form or discarded.
 * The service worker (inspection_sw.js) keeps the form page and its assets. */
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  if (!form || !window.indexedDB || !window.fetch || !window.FormData) return;
  var labels = JSON.parse((document.getElementById("queue-labels") || {}).textContent || "{}");
  var owner = form.dataset.user || "";
  var path = window.location.pathname;
  var DB_NAME = "rhq-inspection-queue";
  var STORE = "submissions";
  var SENT_KEPT_MS = 24 * 3600 * 1000;
  var photoInput = document.getElementById("id_photos");
  var queueCard = document.getElementById("offline-queue");
  var queueList = document.getElementById("queue-items");
  var statusLine = document.getElementById("connection-status");
  var busy = false;

  function newKey() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function allItems() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || []).filter(function (i) { return i.owner === owner; })
        .sort(function (a, b) { return a.createdAt - b.createdAt; });
    });
  }
  function putItem(item) { return withStore("readwrite", function (store) { store.put(item); }); }
  function deleteItem(id) { return withStore("readwrite", function (store) { store.delete(id); }); }

  function label(name) { return labels[name] || name; }

  function enterpriseName(fields) {
    var select = document.getElementById("id_enterprise");
    var id = (fields.filter(function (f) { return f[0] === "enterprise"; })[0] || [])[1];
    if (!select || !id) return "—";
    var option = select.querySelector('option[value="' + id + '"]');
    return option ? option.textContent : "—";
  }

  function thumb(blob) {
    var img = document.createElement("img");
    img.className = "rounded border";
    img.style.cssText = "width:56px;height:56px;object-fit:cover";
    img.alt = blob.name || "";
    img.src = URL.createObjectURL(blob);
    return img;
  }

  function button(text, cls, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm " + cls;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function render() {
    return allItems().then(function (items) {
      var now = Date.now();
      items = items.filter(function (i) {
        if (i.status === "sent" && now - (i.sentAt || 0) > SENT_KEPT_MS) { deleteItem(i.id); return false; }
        return true;
      });
      queueList.textContent = "";
      queueCard.classList.toggle("d-none", items.length === 0);
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "list-group-item queue-item";
        li.dataset.status = item.status;
        li.dataset.key = item.id;
        var head = document.createElement("div");
        head.className = "d-flex justify-content-between gap-2";
        var name = document.createElement("span");
        name.textContent = item.label + " · " + new Date(item.createdAt).toLocaleString();
        var badge = document.createElement("span");
        var colours = { pending: "text-bg-warning", sending: "text-bg-info", sent: "text-bg-success", failed: "text-bg-danger" };
        badge.className = "badge queue-status " + (colours[item.status] || "text-bg-secondary");
        badge.textContent = label(item.status);
        head.appendChild(name);
        head.appendChild(badge);
        li.appendChild(head);
        if (item.photos && item.photos.length) {
          var photos = document.createElement("div");
          photos.className = "d-flex flex-wrap gap-1 my-1";
          item.photos.forEach(function (p) { photos.appendChild(thumb(p)); });
          li.appendChild(photos);
        }
        if (item.reason) {
          var reason = document.createElement("div");
          reason.className = "queue-reason " + (item.status === "failed" ? "text-danger" : "text-muted");
          reason.textContent = item.reason;
          li.appendChild(reason);
        }
        var actions = document.createElement("div");
        actions.className = "d-flex gap-2 mt-1";
        if (item.status === "sent" && item.url) {
          var link = document.createElement("a");
          link.className = "btn btn-sm btn-outline-success";
          link.href = item.url;
          link.textContent = label("open");
          actions.appendChild(link);
        }
        if (item.status === "failed") {
          if (item.path === path) actions.appendChild(button(label("edit"), "btn-outline-primary queue-edit", function () { edit(item); }));
          actions.appendChild(button(label("retry"), "btn-outline-secondary queue-retry", function () {
            item.status = "pending";
            item.reason = "";
            putItem(item).then(processQueue);
          }));
        }
        if (item.status !== "sending") {
          actions.appendChild(button(label("discard"), "btn-outline-danger queue-discard", function () {
            if (item.status !== "sent" && !window.confirm(label("confirm_discard"))) return;
            deleteItem(item.id).then(render);
          }));
        }
        li.appendChild(actions);
        queueList.appendChild(li);
      });
    });
  }

  function showConnection() {
    if (!statusLine) return;
    statusLine.className = "small mb-2 " + (navigator.onLine ? "text-success" : "alert alert-warning py-2");
    statusLine.textContent = navigator.onLine ? "" : label("offline");
  }

  function csrfToken(item) {
    var field = form.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : item.csrf;
  }

  function send(item) {
    item.status = "sending";
    item.sendingSince = Date.now();
    return putItem(item).then(function () {
      var body = new FormData();
      item.fields.forEach(function (f) { body.append(f[0], f[1]); });
      body.set("csrfmiddlewaretoken", csrfToken(item));
      body.set("client_key", item.id);
      (item.photos || []).forEach(function (p) { body.append("photos", p, p.name || "photo.jpg"); });
      return fetch(item.path, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-Inspection-Queue": "1", "X-CSRFToken": csrfToken(item) },
      });
    }).then(function (response) {
      return response.json().then(function (data) { return data; }, function () { return null; }).then(function (data) {
        if (data && data.ok) {
          item.status = "sent";
          item.url = data.url;
          item.reason = "";
          item.sentAt = Date.now();
          item.photos = []; // sent: the server keeps them; free the phone's storage
        } else if (data && data.errors) {
          item.status = "failed";
          item.reason = data.errors.join(" ");
        } else {
          item.status = "failed";
          item.reason = label("login") + " (HTTP " + response.status + ")";
        }
        return putItem(item).then(function () { return item; });
      });
    }, function () {
      // No answer at all: the request may or may not have arrived; the key makes the retry safe.
      item.status = "pending";
      item.reason = label("unreachable");
      return putItem(item).then(function () { return item; });
    });
  }

  function processQueue() {
    if (busy) return Promise.resolve();
    busy = true;
    return allItems().then(function (items) {
      // A "sending" item older than a minute lost its page mid-send: send it again (the key keeps it single).
      var due = items.filter(function (i) {
        return i.status === "pending" || (i.status === "sending" && Date.now() - (i.sendingSince || 0) > 60000);
      });
      return due.reduce(function (chain, item) {
        return chain.then(function () { return navigator.onLine ? send(item).then(render) : null; });
      }, Promise.resolve());
    }).catch(function () { /* storage unavailable: nothing to send */ }).then(function () {
      busy = false;
      return render();
    });
  }

  function edit(item) {
    var values = {};
    item.fields.forEach(function (f) {
      if (f[0] === "inspectors") { (values.inspectors = values.inspectors || []).push(f[1]); } else { values[f[0]] = f[1]; }
    });
    if (window.enfStartNew) window.enfStartNew(values.draft_key);
    if (window.enfApplyValues) window.enfApplyValues(values);
    if (photoInput && window.DataTransfer) {
      var files = new DataTransfer();
      (item.photos || []).forEach(function (p) { files.items.add(p instanceof File ? p : new File([p], p.name || "photo.jpg", { type: p.type })); });
      photoInput.files = files.files;
      showPreviews();
    }
    form.dataset.editing = item.id;
    var notice = document.getElementById("draft-status");
    if (notice) notice.textContent = label("editing") + " " + item.reason;
    form.scrollIntoView();
  }

  function showPreviews() {
    var box = document.getElementById("photo-previews");
    if (!box || !photoInput) return;
    box.textContent = "";
    Array.prototype.forEach.call(photoInput.files || [], function (f) {
      var img = thumb(f);
      img.style.cssText = "width:96px;height:96px;object-fit:cover";
      img.classList.add("photo-preview");
      box.appendChild(img);
    });
  }
  if (photoInput) photoInput.addEventListener("change", showPreviews);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || name === "client_key" || value instanceof File) return;
      fields.push([name, value]);
    });
    // A submission the server returned keeps its key: nothing was recorded under it.
    var key = form.dataset.editing || newKey();
    var item = {
      id: key, owner: owner, path: path, fields: fields, label: enterpriseName(fields),
      photos: Array.prototype.slice.call((photoInput && photoInput.files) || []),
      csrf: csrfToken({}), status: "pending", reason: "", createdAt: Date.now(),
    };
    var button = document.getElementById("submit-inspection");
    putItem(item).then(function () {
      delete form.dataset.editing;
      if (!navigator.onLine) {
        item.reason = label("queued");
        return putItem(item).then(function () { startNew(); return render(); });
      }
      return send(item).then(function (sent) {
        if (sent.status === "sent") { if (window.enfClearDraft) window.enfClearDraft(); window.location.href = sent.url; return null; }
        if (sent.status === "pending") startNew();
        if (sent.status === "failed") form.dataset.editing = sent.id;
        return render();
      });
    }, function () {
      // No storage on this phone (private mode): send the plain form instead.
      form.submit();
    }).then(function () { if (button) button.disabled = false; });
  });

  function startNew() {
    if (window.enfStartNew) window.enfStartNew();
    showPreviews();
  }

  window.addEventListener("online", function () { showConnection(); processQueue(); });
  window.addEventListener("offline", showConnection);
  // navigator.onLine can say online while nothing gets through: retry what waits.
  window.setInterval(function () { if (navigator.onLine) processQueue(); }, 15000);
  showConnection();
  processQueue();

  if ("serviceWorker" in navigator && form.dataset.swUrl) {
    navigator.serviceWorker.register(form.dataset.swUrl, { scope: form.dataset.swScope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var assets = [path];
      document.querySelectorAll("script[src], link[rel=stylesheet][href]").forEach(function (el) {
        assets.push(el.src || el.href);
      });
      if (registration.active) registration.active.postMessage({ type: "cache", urls: assets });
    }).catch(function () { /* no worker (e.g. plain http on a LAN address): the queue still works while the page is open */ });
  }
})();
