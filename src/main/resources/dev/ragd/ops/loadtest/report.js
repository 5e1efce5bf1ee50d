// Draws the load-test charts with uPlot (inlined above) from the JSON in #report-data.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
  function width() { return Math.max(320, Math.min(960, document.body.clientWidth - 48)); }
  function xScale() { return { time: false, distr: D.logX ? 3 : 1, log: 10 }; }
  function chart(id, title, yLabel, series, y2Label) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var scales = { x: xScale(), y: { auto: true, range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } };
    var axes = [{ label: "users", values: function (u, vals) { return vals.map(function (v) { return v == null ? "" : String(v); }); } },
                { label: yLabel, size: 70 }];
    if (y2Label) {
      scales.y2 = { auto: true, range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } };
      axes.push({ label: y2Label, scale: "y2", side: 1, grid: { show: false }, size: 70 });
    }
    var opts = { title: title, width: width(), height: 320, scales: scales, axes: axes,
                 series: [{ label: "users" }].concat(series.map(function (s, i) {
                   return { label: s.label, scale: s.y2 ? "y2" : "y", stroke: s.color || COLORS[i % COLORS.length],
                            width: 2, dash: s.dash, points: { show: true, size: 6 }, spanGaps: true };
                 })) };
    var data = [D.users].concat(series.map(function (s) { return s.values; }));
    new uPlot(opts, data, el);
  }
  chart("chart-latency", "Time to first token and full answer by users", "ms", D.latency);
  chart("chart-throughput", "Throughput", "questions/s", D.throughput, "tokens/s");
  chart("chart-errors", "Errors", "failed questions", D.errors, "% of questions");
  chart("chart-resources", "CPU and memory of the busiest replica", "% of its cores", D.resources, "RSS MiB");
  chart("chart-overhead", "What ragd adds over the model (p95)", "ms", D.overhead);
})();
