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
  var map = L.map("zone-map", { preferCanvas: true, zoomSnap: 0.25, attributionControl: false }).setView(data.center, 14);
  if (data.tile_url) {
    L.tileLayer(data.tile_url, { maxZoom: 19 }).addTo(map);
  }
  var bounds = null;
  if (data.zone && data.zone.type) {
    var zone = L.geoJSON(data.zone, { style: { color: wall ? "#6ea8fe" : "#0b3d6e", weight: 2, fillOpacity: 0.04, dashArray: "6 4" } }).addTo(map);
    bounds = zone.getBounds();
  }
  // Enterprises load from map.json: [id, lat, lon, stage index, risk count, name].
  var renderer = L.canvas({ padding: 0.3 });
  var markers = L.layerGroup().addTo(map);
  function drawEnterprises(layerData) {
    var stages = layerData.stages;
    var latlngs = [];
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
    if (data.tile_url) { L.tileLayer(data.tile_url, { maxZoom: 19 }).addTo(city); }
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
    city.fitBounds(L.latLngBounds(pts).pad(0.2), { animate: false });
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
    legend: { data: ["实际剩余", "计划剩余"], textStyle: { color: textColour } },
    grid: { left: 40, right: 20, top: 30, bottom: 30 },
    xAxis: { type: "category", data: data.burn_down.labels, axisLabel: { color: textColour } },
    yAxis: { type: "value", axisLabel: { color: textColour } },
    series: [
      { name: "实际剩余", type: "line", data: data.burn_down.actual, connectNulls: false, lineStyle: { width: 3 }, itemStyle: { color: "#0d6efd" } },
      { name: "计划剩余", type: "line", data: data.burn_down.plan, lineStyle: { type: "dashed" }, itemStyle: { color: "#adb5bd" } }
    ]
  });
  chart("chart-overdue", {
    grid: { left: 90, right: 30, top: 10, bottom: 20 },
    xAxis: { type: "value", minInterval: 1, axisLabel: { color: textColour } },
    yAxis: { type: "category", inverse: true, data: data.overdue_tasks.map(function (r) { return r.unit; }), axisLabel: { color: textColour } },
    series: [{ type: "bar", data: data.overdue_tasks.map(function (r) { return r.overdue; }), itemStyle: { color: "#dc3545" }, label: { show: true, position: "right", color: textColour } }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); map.invalidateSize(); });

  // The PNG/PDF export and the tests wait for this flag: set once the
  // enterprises are on the map.
  fetch(data.map_url, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (layerData) { drawEnterprises(layerData); window.dashboardReady = true; });
  if (data.refresh_seconds) {
    setTimeout(function () { window.location.reload(); }, data.refresh_seconds * 1000);
  }
})();
