/* Small inline-SVG charts for the quality dashboard: a line chart by day and a horizontal bar chart.
 * No library, no markup strings: every node is made with createElementNS and every label set with
 * textContent, so no label can become markup. Each chart gets role="img" and an aria-label; the page puts a
 * table with the same numbers next to it. */
(function (global) {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function svgNode(tag, attrs, text) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, String(attrs[name])); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function clear(container) {
    while (container.firstChild) { container.removeChild(container.firstChild); }
  }

  function fmt(value, format) {
    if (value === null || value === undefined) { return "no data"; }
    if (format === "percent") { return (value * 100).toFixed(1) + " %"; }
    if (format === "int") { return String(Math.round(value)); }
    return Number(value).toFixed(3);
  }

  function niceMax(values, fixedMax) {
    if (fixedMax) { return fixedMax; }
    var max = 0;
    values.forEach(function (v) { if (v !== null && v !== undefined && v > max) { max = v; } });
    if (max <= 0) { return 1; }
    var step = Math.pow(10, Math.floor(Math.log10(max)));
    return Math.ceil(max / step) * step;
  }

  /* lineChart(container, {days: ["2026-11-01", ...], series: [{name, values, cls}], format, max, label})
   * A null value breaks the line (a day without data); each point has a <title> for hover and focus. */
  function lineChart(container, spec) {
    clear(container);
    var W = 640, H = 220, L = 58, R = 24, T = 12, B = 36;
    var all = [];
    spec.series.forEach(function (s) { all = all.concat(s.values); });
    var max = niceMax(all, spec.max);
    var n = spec.days.length;
    var x = function (i) { return L + (n <= 1 ? (W - L - R) / 2 : i * (W - L - R) / (n - 1)); };
    var y = function (v) { return T + (H - T - B) * (1 - v / max); };
    var svg = svgNode("svg", {viewBox: "0 0 " + W + " " + H, role: "img", "class": "chart line-chart",
                              "aria-label": spec.label, preserveAspectRatio: "xMidYMid meet"});
    svg.appendChild(svgNode("title", {}, spec.label));
    for (var g = 0; g <= 4; g++) {
      var gv = max * g / 4, gy = y(gv);
      svg.appendChild(svgNode("line", {x1: L, x2: W - R, y1: gy, y2: gy, "class": "grid"}));
      svg.appendChild(svgNode("text", {x: L - 6, y: gy + 4, "class": "axis", "text-anchor": "end"},
                              fmt(gv, spec.format === "percent" ? "percent" : spec.format === "int" ? "int" : "")));
    }
    var every = Math.max(1, Math.ceil(n / 8));
    spec.days.forEach(function (day, i) {
      if (i % every === 0 || (i === n - 1 && (n - 1) % every >= every / 2)) {
        svg.appendChild(svgNode("text", {x: x(i), y: H - B + 18, "class": "axis", "text-anchor": "middle"},
                                day.slice(5)));
      }
    });
    spec.series.forEach(function (s, si) {
      var cls = s.cls || ("s" + si);
      var path = "", pen = false;
      s.values.forEach(function (v, i) {
        if (v === null || v === undefined) { pen = false; return; }
        path += (pen ? " L " : " M ") + x(i).toFixed(1) + " " + y(v).toFixed(1);
        pen = true;
      });
      if (path) { svg.appendChild(svgNode("path", {d: path.trim(), "class": "series " + cls})); }
      s.values.forEach(function (v, i) {
        if (v === null || v === undefined) { return; }
        // Later series get smaller dots, so that equal values stay visible one inside the other.
        var dot = svgNode("circle", {cx: x(i), cy: y(v), r: Math.max(2.5, 5 - 1.5 * si), "class": "dot " + cls});
        dot.appendChild(svgNode("title", {}, s.name + " on " + spec.days[i] + ": " + fmt(v, spec.format)));
        svg.appendChild(dot);
      });
    });
    container.appendChild(svg);
    container.appendChild(legend(spec.series));
  }

  function legend(series) {
    var list = document.createElement("ul");
    list.className = "legend";
    series.forEach(function (s, si) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch " + (s.cls || ("s" + si));
      swatch.setAttribute("aria-hidden", "true");
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(s.name));
      list.appendChild(item);
    });
    return list;
  }

  /* barChart(container, {labels: [...], values: [...], format, max, label, note: [...]}) horizontal bars. */
  function barChart(container, spec) {
    clear(container);
    if (!spec.labels.length) {
      var empty = document.createElement("p");
      empty.className = "muted";
      empty.textContent = "No data in this range.";
      container.appendChild(empty);
      return;
    }
    var row = 26, L = 150, R = 130, W = 640, H = 12 + row * spec.labels.length;
    var max = niceMax(spec.values, spec.max);
    var svg = svgNode("svg", {viewBox: "0 0 " + W + " " + H, role: "img", "class": "chart bar-chart",
                              "aria-label": spec.label, preserveAspectRatio: "xMidYMid meet"});
    svg.appendChild(svgNode("title", {}, spec.label));
    spec.labels.forEach(function (name, i) {
      var v = spec.values[i], top = 6 + i * row;
      var width = v === null || v === undefined ? 0 : (W - L - R) * v / max;
      var label = name.length > 22 ? name.slice(0, 21) + "…" : name;
      svg.appendChild(svgNode("text", {x: L - 8, y: top + 16, "class": "axis label", "text-anchor": "end"}, label));
      var bar = svgNode("rect", {x: L, y: top + 3, width: Math.max(width, v ? 1 : 0).toFixed(1), height: row - 8,
                                 "class": "bar"});
      bar.appendChild(svgNode("title", {}, name + ": " + fmt(v, spec.format) +
                                           (spec.note && spec.note[i] ? " (" + spec.note[i] + ")" : "")));
      svg.appendChild(bar);
      svg.appendChild(svgNode("text", {x: L + width + 6, y: top + 16, "class": "axis value"},
                              fmt(v, spec.format) + (spec.note && spec.note[i] ? " · " + spec.note[i] : "")));
    });
    container.appendChild(svg);
  }

  global.DeskmateCharts = {lineChart: lineChart, barChart: barChart, format: fmt};
})(window);
