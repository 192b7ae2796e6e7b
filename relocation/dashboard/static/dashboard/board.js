/* Battle map: Leaflet vector layers (no tile server needed) and ECharts charts,
   drawn from the JSON the page embeds. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("board-data").textContent);
  var wall = document.body.classList.contains("wall");
  var textColour = wall ? "#e9eef4" : "#333";
  // Tooltips take HTML: names typed by users (enterprises, parks) go in as
  // text nodes so a name can never become markup.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  // --- zone map -----------------------------------------------------------
  // The base layer is the app's own (base.json: city, districts, towns, zone);
  // an intranet GIS's tiles (天地图政务版 …) go under it only when configured.
  var labels = data.labels || {};
  function tileLayers(target) {
    var t = data.tiles;
    if (!t || !t.url) { return; }
    var options = { maxZoom: t.max_zoom || 18, attribution: t.attribution || "" };
    if (t.subdomains) { options.subdomains = t.subdomains; }
    L.tileLayer(t.url, options).addTo(target);
    if (t.labels_url) { L.tileLayer(t.labels_url, options).addTo(target); }
  }
  var map = L.map("zone-map", { preferCanvas: true, zoomSnap: 0.25, attributionControl: !!(data.tiles && data.tiles.attribution) }).setView(data.center, 14);
  map.createPane("base").style.zIndex = 350;  // under the enterprises (overlayPane, 400)
  tileLayers(map);
  var bounds = null;
  if (data.zone && data.zone.type) {
    bounds = L.geoJSON(data.zone).getBounds();
  }
  var AREA_STYLES = {
    city: { color: wall ? "#9fb3c8" : "#5c6b7a", weight: 2, fillColor: wall ? "#17324f" : "#f6f3ea", fillOpacity: 0.6 },
    district: { color: wall ? "#9fb3c8" : "#7d8a96", weight: 1, dashArray: "4 3", fill: false },
    town: { color: wall ? "#9fb3c8" : "#8a96a3", weight: 1, fillColor: wall ? "#1b3a5c" : "#fbfaf6", fillOpacity: 0.35 },
    zone: { color: wall ? "#6ea8fe" : "#0b3d6e", weight: 2.5, fillColor: "#0b3d6e", fillOpacity: 0.06 }
  };
  // Draws the base layer into a map; the labels of towns and districts sit at their centres.
  function drawBase(target, base, withLabels) {
    var drawn = 0;
    L.geoJSON(base, {
      pane: "base",
      style: function (f) {
        var style = AREA_STYLES[f.properties.kind] || AREA_STYLES.town;
        if (f.properties.own) { style = L.extend({}, style, { weight: 2, color: wall ? "#cfe2ff" : "#3d5a80" }); }
        return style;
      },
      interactive: false,
      onEachFeature: function (f, lyr) {
        drawn += 1;
        var kind = f.properties.kind;
        if (withLabels && f.properties.name && (kind === "town" || kind === "district" || kind === "zone")) {
          L.tooltip({ permanent: true, direction: "center", className: "area-label area-label-" + kind, interactive: false })
            .setLatLng(lyr.getBounds().getCenter()).setContent(text(f.properties.name)).addTo(target);
        }
      }
    }).addTo(target);
    return drawn;
  }
  var LEVEL_WEIGHT = { high: 3, medium: 2, low: 1, done: 1 };

  // Enterprises load from map.json: [id, lat, lon, stage index, risk count, name].
  var renderer = L.canvas({ padding: 0.3 });
  var markers = L.layerGroup().addTo(map);
  var named = L.layerGroup().addTo(map);
  var points = [];
  // Names show once zoomed in far enough that they do not cover each other,
  // and only for the enterprises in view (a city has thousands).
  var LABEL_ZOOM = 16, MAX_LABELS = 250;
  function labelEnterprises() {
    named.clearLayers();
    if (map.getZoom() < LABEL_ZOOM) { return; }
    var view = map.getBounds(), shown = 0;
    for (var i = 0; i < points.length && shown < MAX_LABELS; i++) {
      var p = points[i];
      if (!view.contains([p[1], p[2]])) { continue; }
      L.tooltip({ permanent: true, direction: "right", offset: [6, 0], className: "enterprise-label", interactive: false })
        .setLatLng([p[1], p[2]]).setContent(text(p[5])).addTo(named);
      shown += 1;
    }
  }
  map.on("zoomend moveend", labelEnterprises);
  function drawEnterprises(layerData) {
    var stages = layerData.stages;
    var latlngs = [];
    points = layerData.points;
    layerData.parcels.forEach(function (row) {
      L.geoJSON(row[1], { style: { color: "#555", weight: 1, fillOpacity: 0.15 } }).addTo(markers);
    });
    layerData.points.forEach(function (p) {
      var stage = stages[p[3]];
      var latlng = [p[1], p[2]];
      latlngs.push(latlng);
      var marker = L.circleMarker(latlng, {
        renderer: renderer, radius: wall ? 9 : 7, color: p[4] ? "#dc3545" : "#ffffff", weight: p[4] ? 2.5 : 1,
        fillColor: stage.colour, fillOpacity: 0.95
      });
      marker.bindTooltip(text(p[5] + " · " + stage.label));
      marker.on("click", function () { openCard(p[0]); });
      marker.addTo(markers);
    });
    if (latlngs.length) {
      var b = L.latLngBounds(latlngs);
      bounds = bounds ? bounds.extend(b) : b;
    }
    if (bounds && bounds.isValid()) { map.fitBounds(bounds.pad(0.05), { maxZoom: 16, animate: false }); }
    labelEnterprises();
  }

  // The plan's other work, one switchable layer per app (layers.json):
  // a ring in the layer's colour around the enterprise, thicker when urgent.
  var switcher = L.control.layers(null, null, { collapsed: wall ? false : true, position: "topright" }).addTo(map);
  function drawWorkLayers(result) {
    var panel = document.getElementById("work-panels");
    result.layers.forEach(function (layerData) {
      var group = L.layerGroup();
      layerData.items.forEach(function (item) {
        if (item.lat === null || item.lon === null || item.lat === undefined) { return; }
        var ring = L.circleMarker([item.lat, item.lon], {
          renderer: renderer, radius: (wall ? 12 : 10) + (LEVEL_WEIGHT[item.level] || 1), color: layerData.colour,
          weight: LEVEL_WEIGHT[item.level] || 1, fill: false, opacity: item.level === "done" ? 0.5 : 1
        });
        ring.bindTooltip(text(layerData.label + " · " + item.name + (item.text ? "：" + item.text : "")));
        if (item.url) { ring.on("click", function () { window.location.href = item.url; }); }
        ring.addTo(group);
      });
      var swatch = '<span class="legend-ring" style="border-color:' + layerData.colour + '"></span>';
      var name = document.createElement("span");
      name.textContent = layerData.label + " (" + layerData.items.length + ")";
      switcher.addOverlay(group, swatch + name.outerHTML);
      if (layerData.shown) { group.addTo(map); }
      if (panel) { panel.appendChild(workCard(layerData)); }
    });
    window.workLayers = result.layers.map(function (l) { return l.key; });
  }
  function workCard(layerData) {
    var col = document.createElement("div");
    col.className = "col-sm-6 col-md-4";
    col.setAttribute("data-layer", layerData.key);
    var card = document.createElement("div");
    card.className = "card h-100";
    var head = document.createElement("div");
    head.className = "card-header bg-white py-1 fw-semibold";
    head.style.borderLeft = "4px solid " + layerData.colour;
    head.textContent = layerData.label;
    var body = document.createElement("div");
    body.className = "card-body py-2 small";
    layerData.figures.forEach(function (fig) {
      var row = document.createElement("div");
      row.className = "d-flex justify-content-between";
      var label = document.createElement("span");
      label.textContent = fig.label;
      var value = document.createElement("strong");
      value.textContent = fig.value;
      if (fig.alarm) { value.className = "text-danger"; }
      row.appendChild(label); row.appendChild(value); body.appendChild(row);
    });
    card.appendChild(head); card.appendChild(body); col.appendChild(card);
    return col;
  }

  function openCard(id) {
    var target = document.getElementById("enterprise-card");
    fetch("/dashboard/enterprises/" + id + "/card/", { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) { target.innerHTML = html; target.classList.remove("d-none"); });
  }
  window.openEnterpriseCard = openCard;
  window.boardMap = map;

  // --- city map: the zone, the receiving parks and the flows between ------
  var cityEl = document.getElementById("city-map");
  if (cityEl && data.city && data.city.zone.lat) {
    var city = L.map(cityEl, { attributionControl: false, zoomSnap: 0.25 });
    city.createPane("base").style.zIndex = 350;
    tileLayers(city);
    window.cityMap = city;
    var zoneLatLng = [data.city.zone.lat, data.city.zone.lon];
    var pts = [zoneLatLng];
    L.circleMarker(zoneLatLng, { radius: 10, color: "#0b3d6e", fillColor: "#0b3d6e", fillOpacity: 0.9 })
      .bindTooltip(text(data.city.zone.name), { permanent: true, direction: "top", className: "park-label" }).addTo(city);
    var maxFlow = Math.max.apply(null, [1].concat(data.city.parks.map(function (p) { return p.enterprises; })));
    data.city.parks.forEach(function (p) {
      if (p.lat === null || p.lon === null) { return; }
      var ll = [p.lat, p.lon];
      pts.push(ll);
      // Flow width grows with the enterprises going there; colour with how many have arrived.
      var colour = p.progress_pct >= 80 ? "#198754" : (p.progress_pct >= 30 ? "#fd7e14" : "#dc3545");
      if (p.enterprises) {
        L.polyline([zoneLatLng, ll], { color: colour, weight: 2 + 10 * p.enterprises / maxFlow, opacity: 0.75 })
          .bindTooltip(text(p.name + "：" + p.enterprises + " 家，已投产 " + p.relocated)).addTo(city);
      }
      L.circleMarker(ll, { radius: 8, color: p.alarm ? "#dc3545" : "#198754", fillColor: "#fff", fillOpacity: 1, weight: 3 })
        .bindTooltip(text(p.name), { permanent: true, direction: "right", className: "park-label" }).addTo(city);
    });
    // One point (no park yet) has no extent: show the zone at city scale instead.
    window.cityPoints = L.latLngBounds(pts);
    if (pts.length > 1) { city.fitBounds(window.cityPoints.pad(0.2), { animate: false }); } else { city.setView(zoneLatLng, 10); }
  }

  // --- charts ---------------------------------------------------------------
  var charts = [];
  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = echarts.init(el, null, { renderer: "canvas" });
    option.animation = false;
    option.textStyle = { color: textColour, fontFamily: "Noto Sans CJK SC, sans-serif" };
    c.setOption(option);
    charts.push(c);
  }
  chart("chart-stages", {
    grid: { left: 110, right: 30, top: 10, bottom: 20 },
    xAxis: { type: "value", axisLabel: { color: textColour } },
    yAxis: { type: "category", inverse: true, data: data.stages.map(function (s) { return s.label; }), axisLabel: { color: textColour } },
    series: [{ type: "bar", data: data.stages.map(function (s) { return { value: s.count, itemStyle: { color: s.colour } }; }), label: { show: true, position: "right", color: textColour } }]
  });
  chart("chart-burndown", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [labels.actual, labels.plan], textStyle: { color: textColour } },
    grid: { left: 40, right: 20, top: 30, bottom: 30 },
    xAxis: { type: "category", data: data.burn_down.labels, axisLabel: { color: textColour } },
    yAxis: { type: "value", axisLabel: { color: textColour } },
    series: [
      // The latest actual figure and the plan's are written on the lines' ends.
      { name: labels.actual, type: "line", data: data.burn_down.actual, connectNulls: false, lineStyle: { width: 3 }, itemStyle: { color: "#0d6efd" },
        endLabel: { show: true, color: textColour, formatter: "{c}" } },
      { name: labels.plan, type: "line", data: data.burn_down.plan, lineStyle: { type: "dashed" }, itemStyle: { color: "#adb5bd" },
        endLabel: { show: true, color: textColour, formatter: "{c}" } }
    ]
  });
  chart("chart-overdue", {
    grid: { left: 90, right: 30, top: 10, bottom: 20 },
    xAxis: { type: "value", minInterval: 1, axisLabel: { color: textColour } },
    yAxis: { type: "category", inverse: true, data: data.overdue_tasks.map(function (r) { return r.unit; }), axisLabel: { color: textColour } },
    series: [{ type: "bar", data: data.overdue_tasks.map(function (r) { return r.overdue; }), itemStyle: { color: "#dc3545" }, label: { show: true, position: "right", color: textColour } }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); map.invalidateSize(); });

  // The PNG/PDF export and the tests wait for this flag: set once the base
  // layer, the enterprises and the other layers are on the map.
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + " " + r.status); }
      return r.json();
    });
  }
  var base = getJSON(data.base_url).then(function (geojson) {
    window.baseLayerDrawn = drawBase(map, geojson, true);
    if (window.cityMap) {
      drawBase(window.cityMap, geojson, false);
      // The city's outline frames the parks' map when the package knows the city.
      var outline = geojson.features.filter(function (f) { return f.properties.kind === "city"; });
      if (outline.length) {
        window.cityMap.fitBounds(L.geoJSON(outline[0]).getBounds().extend(window.cityPoints), { animate: false });
      }
    }
  }).catch(function () { window.baseLayerDrawn = 0; });
  var enterprises = getJSON(data.map_url).then(drawEnterprises);
  var work = getJSON(data.layers_url).then(drawWorkLayers).catch(function () { window.workLayers = []; });
  Promise.all([base, enterprises, work]).then(function () { window.dashboardReady = true; });
  if (data.refresh_seconds) {
    setTimeout(function () { window.location.reload(); }, data.refresh_seconds * 1000);
  }
})();
