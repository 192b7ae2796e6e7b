// Capacity gauges: per park, a stacked bar per resource (used / committed / free) and the delivered-by-deadline mark.
(function () {
  var el = document.getElementById("capacity-data");
  if (!el || typeof echarts === "undefined") return;
  var data = JSON.parse(el.textContent);
  var legend = data.legend;
  document.querySelectorAll(".capacity-chart").forEach(function (node) {
    var d = data[node.dataset.parkId];
    if (!d) return;
    // Show each resource as a percentage of its capacity so m² and t/d share an axis.
    function pct(values) {
      return values.map(function (v, i) {
        var total = d.used[i] + d.committed[i] + d.free[i];
        return total > 0 ? Math.round((v / total) * 1000) / 10 : 0;
      });
    }
    var barLabel = {show: true, fontSize: 10, color: "#fff", formatter: function (p) { return p.value > 0 ? p.value + "%" : ""; }};
    var chart = echarts.init(node);
    chart.setOption({
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: function (v) { return v + "%"; }},
      legend: {top: 0, textStyle: {fontSize: 11}},
      grid: {left: 90, right: 10, top: 28, bottom: 20},
      xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      yAxis: {type: "category", data: d.labels, axisLabel: {fontSize: 11}},
      series: [
        // Every segment carries its share (none for an empty one, which has no room).
        {name: legend[0], type: "bar", stack: "c", data: pct(d.used), itemStyle: {color: "#6c757d"}, label: barLabel},
        {name: legend[1], type: "bar", stack: "c", data: pct(d.committed), itemStyle: {color: "#fd7e14"}, label: barLabel},
        {name: legend[2], type: "bar", stack: "c", data: pct(d.free), itemStyle: {color: "#20c997"}, label: barLabel},
        {name: legend[3], type: "scatter", symbol: "diamond", data: pct(d.delivered), itemStyle: {color: "#dc3545"}}
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
