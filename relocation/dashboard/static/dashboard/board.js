/* Battle map: Leaflet vector layers (no tile server needed) and ECharts charts,
   drawn from the JSON the page embeds. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("board-data").textContent);
  var wall = document.body.classList.contains("wall");
  var textColour = wall ? "#e9eef4" : "#333";

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
  var layer = L.geoJSON(data.features, {
    pointToLayer: function (feature, latlng) {
      var p = feature.properties;
      return L.circleMarker(latlng, {
        radius: wall ? 9 : 7, color: p.risks.length ? "#dc3545" : "#ffffff", weight: p.risks.length ? 2.5 : 1,
        fillColor: p.colour, fillOpacity: 0.95
      });
    },
    style: function (feature) { return { color: feature.properties.colour, weight: 1, fillOpacity: 0.6 }; },
    onEachFeature: function (feature, lyr) {
      var p = feature.properties;
      lyr.bindTooltip(p.name + " · " + p.status_label);
      lyr.on("click", function () { openCard(p.id); });
    }
  }).addTo(map);
  if (data.features.features.length) {
    bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds();
  }
  if (bounds && bounds.isValid()) { map.fitBounds(bounds.pad(0.05), { maxZoom: 16, animate: false }); }

  function openCard(id) {
    var target = document.getElementById("enterprise-card");
    fetch("/dashboard/enterprises/" + id + "/card/", { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) { target.innerHTML = html; target.classList.remove("d-none"); });
  }
  window.openEnterpriseCard = openCard;
  window.boardMap = map;

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

  // The PNG/PDF export waits for this flag before taking its picture.
  window.dashboardReady = true;
  if (data.refresh_seconds) {
    setTimeout(function () { window.location.reload(); }, data.refresh_seconds * 1000);
  }
})();
