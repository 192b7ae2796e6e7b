/* Service worker of the inspection pages (served at /enforcement/inspections/sw.js,
 * so its scope is those pages). It keeps the inspection form and the files it
 * loads, so the form opens without signal: pages and files are fetched from the
 * network first and the kept copy answers only when the network does not.
 * Only the form pages (new, follow-up) are kept, never records or files of
 * enterprises; POSTs are not touched (the page's queue sends them). */
"use strict";
var CACHE = "rhq-inspection-form-v1";

function isFormPage(url) {
  return /\/inspections\/(new|\d+\/follow-up)\/$/.test(url.pathname);
}

function isAsset(url) {
  return url.pathname.indexOf("/static/") === 0;
}

// A form page is kept under its address without the query (?draft=…): the
// page reads the draft key from the address itself.
function cacheKey(url) {
  return url.origin + url.pathname;
}

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("rhq-inspection-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

// The page lists itself and its files once the worker is active (the first
// visit is not yet controlled, so its files did not pass through here).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) return;
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(data.urls.map(function (raw) {
      var url = new URL(raw, self.location.origin);
      if (url.origin !== self.location.origin || !(isFormPage(url) || isAsset(url))) return null;
      return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(cacheKey(url), response);
        return null;
      }).catch(function () { return null; });
    }));
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || !(isFormPage(url) || isAsset(url))) return;
  event.respondWith(fetch(request).then(function (response) {
    // A page fetched with ?draft=… holds that draft: keep only the clean form.
    if (response.ok && !response.redirected && response.type === "basic" && !(isFormPage(url) && url.search)) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(cacheKey(url), copy); });
    }
    return response;
  }, function () {
    return caches.match(cacheKey(url), { ignoreVary: true }).then(function (kept) { return kept || Response.error(); });
  }));
});
