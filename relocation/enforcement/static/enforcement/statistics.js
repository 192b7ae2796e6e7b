(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  if (!window.echarts) return;
  var domain = echarts.init(document.getElementById("chart-domain"));
  domain.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 10, bottom: 60 },
    xAxis: { type: "category", data: data.domains, axisLabel: { rotate: 30 } },
    yAxis: { type: "value" },
    series: [
      // Every bar carries its figure, so the chart reads without hovering.
      { name: "检查", type: "bar", data: data.domain_inspections, label: { show: true, position: "top" } },
      { name: "违法", type: "bar", data: data.domain_violations, label: { show: true, position: "top" } }
    ]
  });
  var month = echarts.init(document.getElementById("chart-month"));
  month.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 10, bottom: 40 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value" },
    series: [
      { name: "检查", type: "line", data: data.month_inspections },
      { name: "违法", type: "line", data: data.month_violations }
    ]
  });
  window.addEventListener("resize", function () { domain.resize(); month.resize(); });
})();
