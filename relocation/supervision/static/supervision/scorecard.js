/* The member units' monthly trend chart (data from the json_script block). */
(function () {
  var data = JSON.parse(document.getElementById("trend-data").textContent);
  var el = document.getElementById("trend-chart");
  if (!window.echarts || !el) return;
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
    legend: { type: "scroll", top: 0 },
    grid: { left: 40, right: 16, top: 40, bottom: 24 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: data.series.map(function (s) { return { name: s.name, type: "line", connectNulls: true, data: s.data }; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
