// Draws the dashboard's charts with ECharts (static/vendor/echarts, no CDN). Each chart is a
// <div data-chart="ID"> whose data is the JSON of <script id="ID" type="application/json">,
// written by Django's json_script: {categories, series: [{name, color, data, links, stack?,
// colors?}], horizontal, unit, log}. No data is ever evaluated as code. Clicking a bar opens the
// list behind it (the same link as the number in the table below the chart).
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;

  // Chinese must render in the SVG's text: the system's CJK font first (fonts-noto-cjk).
  var FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Micro Hei', sans-serif";
  var charts = [];

  function option(data) {
    var categoryAxis = {
      type: "category",
      data: data.categories,
      axisTick: { alignWithLabel: true },
      axisLabel: { interval: 0, fontFamily: FONT, fontSize: 12, rotate: data.horizontal ? 0 : (data.categories.length > 6 ? 30 : 0) },
    };
    // The unit is in the tooltip and the table's caption: an axis name would be clipped. A
    // logarithmic axis (data.log) keeps small steps visible beside one that dwarfs them; it
    // cannot show 0, so those bars are left out (the table and the labels give every count).
    var valueAxis = data.log ? { type: "log", logBase: 10, min: 1 } : { type: "value", minInterval: 1 };
    var stacked = data.series.some(function (s) { return s.stack; });
    return {
      animation: false,
      textStyle: { fontFamily: FONT },
      color: data.series.map(function (s) { return s.color; }),
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        textStyle: { fontFamily: FONT },
        valueFormatter: function (value) { return value + " " + data.unit; },
      },
      legend: data.series.length > 1 ? { top: 0, textStyle: { fontFamily: FONT } } : undefined,
      grid: { left: 8, right: 32, top: data.series.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
      // Categories read top to bottom in table order.
      xAxis: data.horizontal ? valueAxis : categoryAxis,
      yAxis: data.horizontal ? Object.assign({ inverse: true }, categoryAxis) : valueAxis,
      series: data.series.map(function (s) {
        return {
          type: "bar",
          name: s.name,
          stack: s.stack,
          barMaxWidth: 28,
          data: s.data.map(function (value, i) {
            if (data.log && value <= 0) value = null;
            return s.colors ? { value: value, itemStyle: { color: s.colors[i] } } : value;
          }),
          label: {
            show: !stacked,
            position: data.horizontal ? "right" : "top",
            fontFamily: FONT,
          },
          cursor: "pointer",
        };
      }),
    };
  }

  function draw(box) {
    var source = document.getElementById(box.dataset.chart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (data.horizontal) {
      // One bar row per category: tall enough to read every label.
      box.style.height = Math.max(240, data.categories.length * 30 + 80) + "px";
    } else {
      box.style.height = "320px";
    }
    // SVG: sharp when printed, and the text stays text.
    var chart = echarts.init(box, null, { renderer: "svg", locale: "ZH" });
    chart.setOption(option(data));
    chart.on("click", function (params) {
      var series = data.series[params.seriesIndex];
      var link = series && series.links && series.links[params.dataIndex];
      // Only our own lists: a relative address on this site.
      if (link && link.charAt(0) === "/" && link.charAt(1) !== "/") window.location.href = link;
    });
    charts.push(chart);
  }

  document.querySelectorAll("[data-chart]").forEach(draw);
  function resize() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
