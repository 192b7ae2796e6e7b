/* Draws the bulletin's charts from the json_script block; redrawn after an htmx section swap. */
(function () {
  var options = JSON.parse(document.getElementById("bulletin-charts").textContent);
  function draw(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var opt = options[el.dataset.chart];
      if (!opt) { el.remove(); return; }
      var chart = echarts.getInstanceByDom(el) || echarts.init(el);
      chart.setOption(opt);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  draw();
  document.body.addEventListener("htmx:afterSwap", function (e) { draw(e.target.parentNode); });
})();
