/**
 * The script report.html runs in the browser: it draws the page's chart specs (JSON in the page,
 * see charts.ts) with uPlot, inlined before it. Plain ES2020 for any current browser; the browser
 * test (test/bench/report/html-browser.test.ts) proves it draws every chart without an error.
 */
export const CHART_SCRIPT = String.raw`
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('chart-data').textContent);
  var palette = ['#1f6fb5', '#d1495b', '#2a9d55', '#e08a00', '#7b4fb0', '#0f9bab', '#a0522d', '#c2378f'];
  var font = '12px system-ui, -apple-system, Segoe UI, sans-serif';
  var labelFont = 'bold 12px system-ui, -apple-system, Segoe UI, sans-serif';

  function trim(v, digits) { return String(Number(v.toFixed(digits))); }
  function number(v) {
    if (v == null || !isFinite(v)) return '';
    var a = Math.abs(v);
    if (a >= 1e6) return trim(v / 1e6, a >= 1e7 ? 0 : 1) + 'M';
    if (a >= 1e5) return trim(v / 1e3, 0) + 'k';
    if (a >= 1e4) return trim(v / 1e3, 1) + 'k';
    if (a >= 1e3) return trim(v / 1e3, 1) + 'k';
    if (a >= 1 || a === 0) return trim(v, 2);
    return String(Number(v.toPrecision(2)));
  }
  function percentile(x) {
    if (x == null) return '';
    var p = 100 * (1 - 1 / x);
    return (p <= 0 ? '0' : String(Number(p.toFixed(4)))) + '%';
  }
  function seconds(v, digits) { return v == null ? '' : v.toFixed(digits) + ' s'; }
  var formats = { percentile: percentile, number: number, seconds: seconds };

  // Decimals enough to tell ticks apart on a linear axis: from the step between them.
  function stepDigits(vals) {
    var step = vals.length > 1 ? Math.abs(vals[1] - vals[0]) : 1;
    return step > 0 ? Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9))) : 0;
  }

  // Log ticks: the given steps of every decade in range (1-2-5 for latency, decades and p50 for percentiles).
  function logSplits(steps) {
    return function (u, axisIdx, min, max) {
      var out = [];
      for (var e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
        for (var i = 0; i < steps.length; i++) {
          var v = Number((steps[i] * Math.pow(10, e)).toPrecision(6));
          if (v >= min * 0.999 && v <= max * 1.001) out.push(v);
        }
      }
      return out;
    };
  }

  // Percentile ticks: p50, then every decade of 1/(1-p): 90%, 99%, 99.9%, ...
  function percentileSplits(u, axisIdx, min, max) {
    var out = [];
    for (var v = 1; v <= max * 1.001; v *= 10) { if (v >= min * 0.999) out.push(v); if (v === 1 && max >= 2) out.push(2); }
    return out;
  }

  function axis(spec, side) {
    var a = { label: spec.label, font: font, labelFont: labelFont, labelSize: 20, size: side === 'y' ? 64 : 44, stroke: '#333', grid: { stroke: '#e6e6e6', width: 1 }, ticks: { stroke: '#bbb', width: 1, size: 5 } };
    var fmt = formats[spec.ticks] || number;
    a.values = function (u, vals) { var digits = stepDigits(vals); return vals.map(function (v) { return fmt(v, digits); }); };
    if (spec.log) a.splits = spec.ticks === 'percentile' ? percentileSplits : logSplits([1, 2, 5]);
    if (spec.ticks === 'percentile') a.filter = function (u, splits) { return splits; };
    a.space = spec.log ? 18 : side === 'x' ? 64 : 40;
    return a;
  }

  // A log range with room around the data, snapped to the 1-2-5 ticks: no point sits on the edge.
  function snap(v, up) {
    var e = Math.floor(Math.log10(v));
    var steps = [1, 2, 5, 10];
    for (var i = up ? 0 : steps.length - 1; up ? i < steps.length : i >= 0; i += up ? 1 : -1) {
      var t = steps[i] * Math.pow(10, e);
      if (up ? t >= v * 0.999 : t <= v * 1.001) return Number(t.toPrecision(6));
    }
    return v;
  }
  function scale(spec) {
    if (!spec.log) return { time: false };
    // Percentiles start at 0% (x = 1) and end at the decade past the data; latency gets room both ways.
    var range = spec.ticks === 'percentile'
      ? function (u, min, max) { return [1, uPlot.rangeLog(1, Math.max(10, max * 1.15), 10, true)[1]]; }
      : function (u, min, max) { return min > 0 && max > 0 ? [snap(min / 1.15, false), snap(max * 1.15, true)] : [0.001, 1]; };
    return { time: false, distr: 3, log: 10, range: range };
  }

  function lineOptions(spec, width) {
    var series = [{ label: spec.x.label, value: function (u, v) { return (formats[spec.x.ticks] || number)(v); } }];
    spec.lines.forEach(function (line, i) {
      var color = palette[i % palette.length];
      series.push({ label: line.label, stroke: color, width: 2, spanGaps: !!line.reference, dash: line.reference ? [7, 5] : undefined, points: { show: !!line.reference, size: 7, fill: color }, value: function (u, v) { return number(v); } });
    });
    var y = scale(spec.y);
    if (!spec.y.log) y.range = function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; };
    return { width: width, height: 340, series: series, scales: { x: scale(spec.x), y: y }, axes: [axis(spec.x, 'x'), axis(spec.y, 'y')], legend: { live: false }, cursor: { drag: { x: false, y: false } }, hooks: { draw: [drawMarkers(spec.markers || [])] } };
  }
  // Faults as dashed vertical lines, each labelled at its top.
  function drawMarkers(markers) {
    return function (u) {
      var ctx = u.ctx;
      ctx.save();
      ctx.font = font;
      ctx.fillStyle = '#555';
      ctx.strokeStyle = '#777';
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 4]);
      markers.forEach(function (m, i) {
        var x = Math.round(u.valToPos(m.x, 'x', true));
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.fillText(m.label, x + 4, u.bbox.top + 14 + 14 * (i % 3));
      });
      ctx.restore();
    };
  }
  function lineData(spec) { return [spec.xs].concat(spec.lines.map(function (l) { return l.values; })); }

  // Bars in groups: one slot per bar, an empty slot between groups; x ticks at each group's middle.
  function barLayout(spec) {
    var per = spec.measures.length + 1;
    var slots = spec.categories.length * per - 1;
    var xs = [];
    for (var s = 0; s < slots; s++) xs.push(s);
    var columns = spec.measures.map(function (m, mi) {
      return xs.map(function (s) { var c = Math.floor(s / per); return s % per === mi ? m.values[c] : null; });
    });
    var centers = spec.categories.map(function (_, c) { return c * per + (spec.measures.length - 1) / 2; });
    return { xs: xs, columns: columns, centers: centers, slots: slots };
  }
  function barOptions(spec, width, layout) {
    var series = [{ label: 'client', value: function (u, v) { return v == null ? '' : spec.categories[Math.floor(v / (spec.measures.length + 1))]; } }];
    spec.measures.forEach(function (m, i) {
      var color = palette[i % palette.length];
      series.push({ label: m.label, fill: color, stroke: color, width: 0, paths: uPlot.paths.bars({ size: [0.9, 90] }), points: { show: false }, value: function (u, v) { return number(v); } });
    });
    var x = axis({ label: 'client', log: false, ticks: 'number' }, 'x');
    x.splits = function () { return layout.centers; };
    x.values = function () { return spec.categories; };
    x.grid = { show: false };
    return { width: width, height: 340, series: series, scales: { x: { time: false, range: [-0.7, layout.slots - 0.3] }, y: { range: function (u, min, max) { return [0, max * 1.08]; } } }, axes: [x, axis(spec.y, 'y')], legend: { live: false }, cursor: { drag: { x: false, y: false } } };
  }

  window.reportCharts = [];
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    var width = Math.max(320, el.clientWidth || 900);
    var chart;
    if (spec.kind === 'bars') {
      var layout = barLayout(spec);
      chart = new uPlot(barOptions(spec, width, layout), [layout.xs].concat(layout.columns), el);
    } else {
      chart = new uPlot(lineOptions(spec, width), lineData(spec), el);
    }
    window.reportCharts.push({ id: spec.id, title: spec.title, axes: chart.axes.map(function (a) { return a.label; }), chart: chart });
  });
})();
`;
