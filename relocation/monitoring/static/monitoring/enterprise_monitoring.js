/* The enterprise's monitoring charts: hourly values per point and daily water and power.
 * Translated labels come from the json_script block "monitoring-labels". */
(function () {
  var t = JSON.parse(document.getElementById('monitoring-labels').textContent);
  function draw(el, option) { var c = echarts.init(el); c.setOption(option); window.addEventListener('resize', function () { c.resize(); }); }
  document.querySelectorAll('.point-chart').forEach(function (el) {
    fetch(el.dataset.url, {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (d) {
      if (!d.series.length) { el.textContent = t.no_data; el.style.minHeight = '0'; return; }
      var grids = [], xs = [], ys = [], series = [], n = d.series.length, h = 100 / n;
      d.series.forEach(function (s, i) {
        grids.push({top: (i * h + 4) + '%', height: (h - 10) + '%', left: 60, right: 20});
        xs.push({type: 'time', gridIndex: i}); ys.push({type: 'value', gridIndex: i, name: s.name + ' ' + s.unit, scale: true});
        var marks = [];
        if (s.max !== null) marks.push({yAxis: s.max, name: t.upper});
        if (s.min !== null) marks.push({yAxis: s.min, name: t.lower});
        series.push({type: 'line', name: s.name, xAxisIndex: i, yAxisIndex: i, showSymbol: false, data: s.data.map(function (p) { return [p[0], p[1]]; }),
          markLine: {symbol: 'none', lineStyle: {color: '#dc3545', type: 'dashed'}, data: marks}});
      });
      el.style.height = (n * 180) + 'px';
      draw(el, {tooltip: {trigger: 'axis'}, grid: grids, xAxis: xs, yAxis: ys, series: series});
    });
  });
  var u = document.getElementById('utility-chart');
  fetch(u.dataset.url, {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (d) {
    var mark = d.stop_date ? {symbol: 'none', data: [{xAxis: d.stop_date, name: t.stopped}]} : undefined;
    draw(u, {tooltip: {trigger: 'axis'}, legend: {}, xAxis: {type: 'time'}, yAxis: [{type: 'value', name: 'm³'}, {type: 'value', name: 'kWh'}],
      series: [{type: 'line', name: t.water, data: d.series.water, markLine: mark},
               {type: 'line', name: t.power, yAxisIndex: 1, data: d.series.power}]});
  });
})();
