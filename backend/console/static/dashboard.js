// The supervisor dashboard: draws its charts as plain SVG from /console/dashboard.json and
// redraws them every minute. Labels are set with textContent; no library, nothing inline.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var COLORS = ["#0b5cab", "#dc6803", "#12b76a", "#b42318", "#7a5af8", "#0e9384",
    "#c11574", "#667085", "#ca8504", "#2e90fa", "#344054", "#f670c7"];
  var W = 720, LEFT = 40, RIGHT = 10, TOP = 10, BOTTOM = 28;
  var root = document.getElementById("dashboard");
  if (!root) { return; }

  function node(tag, attrs, text) {
    var item = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (name) { item.setAttribute(name, String(attrs[name])); });
    if (text !== undefined) { item.textContent = String(text); }
    return item;
  }

  function weekLabel(iso) {
    var parts = iso.split("-");
    return parts[2] + "/" + parts[1];
  }

  // Axes, gridline labels and week labels; returns the geometry for the bars.
  function frame(svg, weeks, top, height) {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var plot = height - TOP - BOTTOM;
    var slot = (W - LEFT - RIGHT) / weeks.length;
    svg.appendChild(node("line", { x1: LEFT, y1: TOP + plot, x2: W - RIGHT, y2: TOP + plot, "class": "axis" }));
    [0, 0.5, 1].forEach(function (f) {
      var y = TOP + plot - f * plot;
      svg.appendChild(node("text", { x: LEFT - 6, y: y + 4, "text-anchor": "end" }, Math.round(top * f * 100) / 100));
      if (f > 0) { svg.appendChild(node("line", { x1: LEFT, y1: y, x2: W - RIGHT, y2: y, "class": "axis", "stroke-dasharray": "2 4" })); }
    });
    weeks.forEach(function (week, i) {
      svg.appendChild(node("text", { x: LEFT + slot * (i + 0.5), y: height - 8, "text-anchor": "middle" }, weekLabel(week)));
    });
    return { plot: plot, slot: slot, bottom: TOP + plot };
  }

  // Stacked bars: series = [{label, color, values}], one value per week.
  function stacked(svg, weeks, series, height) {
    var totals = weeks.map(function (_, i) {
      return series.reduce(function (sum, s) { return sum + s.values[i]; }, 0);
    });
    var top = Math.max(2, Math.ceil(Math.max.apply(null, totals) / 2) * 2);  // whole-number ticks
    var g = frame(svg, weeks, top, height);
    weeks.forEach(function (week, i) {
      var y = g.bottom;
      series.forEach(function (s) {
        var value = s.values[i];
        if (!value) { return; }
        var h = value / top * g.plot;
        y -= h;
        var bar = node("rect", {
          x: LEFT + g.slot * i + g.slot * 0.15, y: y, width: g.slot * 0.7, height: h,
          fill: s.color, "class": "bar", "data-week": week, "data-series": s.key, "data-value": value
        });
        bar.appendChild(node("title", {}, s.label + " · " + weekLabel(week) + ": " + value));
        svg.appendChild(bar);
      });
    });
    if (!totals.some(function (total) { return total > 0; })) { empty(svg, height); }
  }

  // An empty chart says so rather than showing bare axes.
  function empty(svg, height) {
    svg.appendChild(node("text", { x: W / 2, y: height / 2, "text-anchor": "middle", "class": "chart__empty" }, "Belum ada data"));
  }

  function legend(list, series) {
    if (!list) { return; }
    list.replaceChildren.apply(list, series.map(function (s) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = s.color;  // CSSOM, allowed by the CSP (no style attribute)
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(s.label));
      return item;
    }));
  }

  function ratings(svg, weeks, means, counts, height) {
    var g = frame(svg, weeks, 5, height);
    var points = [];
    weeks.forEach(function (week, i) {
      if (means[i] === null) { return; }
      var x = LEFT + g.slot * (i + 0.5), y = g.bottom - means[i] / 5 * g.plot;
      points.push(x + "," + y);
      var dot = node("circle", { cx: x, cy: y, r: 4, "class": "dot", "data-week": week, "data-value": means[i] });
      dot.appendChild(node("title", {}, weekLabel(week) + ": " + means[i] + " (" + counts[i] + " penilaian)"));
      svg.appendChild(dot);
    });
    if (points.length > 1) { svg.insertBefore(node("polyline", { points: points.join(" "), "class": "line" }), svg.firstChild); }
    if (!points.length) { empty(svg, height); }
  }

  // The numbers behind a chart, as a table (for screen readers and for anyone who wants them):
  // columns = header texts after "Minggu", rows[i] = the values of week i.
  function table(id, weeks, columns, rows) {
    var target = document.getElementById(id);
    if (!target) { return; }
    var head = document.createElement("tr");
    ["Minggu (mulai)"].concat(columns).forEach(function (text) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = text;
      head.appendChild(th);
    });
    target.tHead.replaceChildren(head);
    target.tBodies[0].replaceChildren.apply(target.tBodies[0], weeks.map(function (week, i) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = weekLabel(week);
      tr.appendChild(th);
      rows[i].forEach(function (value) {
        var td = document.createElement("td");
        td.textContent = value === null ? "–" : String(value);
        tr.appendChild(td);
      });
      return tr;
    }));
  }

  function draw(data) {
    var volume = data.volume.filter(function (row) {
      return row.counts.some(function (n) { return n > 0; });
    }).map(function (row, i) {
      return { key: row.category, label: row.label, color: COLORS[i % COLORS.length], values: row.counts };
    });
    stacked(document.getElementById("chart-volume"), data.weeks, volume, 260);
    legend(document.getElementById("legend-volume"), volume);
    stacked(document.getElementById("chart-compliance"), data.weeks, [
      { key: "on_time", label: "Tepat waktu", color: "#12b76a", values: data.compliance.on_time },
      { key: "late", label: "Terlambat", color: "#d92d20", values: data.compliance.late }
    ], 220);
    ratings(document.getElementById("chart-ratings"), data.weeks, data.ratings.mean, data.ratings.count, 220);
    table("table-volume", data.weeks, volume.map(function (s) { return s.label; }).concat(["Jumlah"]),
      data.weeks.map(function (_, i) {
        var values = volume.map(function (s) { return s.values[i]; });
        return values.concat([values.reduce(function (a, b) { return a + b; }, 0)]);
      }));
    table("table-compliance", data.weeks, ["Tepat waktu", "Terlambat"], data.weeks.map(function (_, i) {
      return [data.compliance.on_time[i], data.compliance.late[i]];
    }));
    table("table-ratings", data.weeks, ["Rata-rata penilaian", "Jumlah penilaian"], data.weeks.map(function (_, i) {
      return [data.ratings.mean[i], data.ratings.count[i]];
    }));
    document.getElementById("count-overdue").textContent = data.compliance.open_overdue;
    document.getElementById("count-soon").textContent = data.compliance.open_due_soon;
    root.dataset.drawn = "yes";
  }

  function load() {
    fetch(root.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(draw)
      .catch(function (error) { root.dataset.drawn = "error: " + error.message; });
  }

  load();
  window.setInterval(load, 60000);
}());
