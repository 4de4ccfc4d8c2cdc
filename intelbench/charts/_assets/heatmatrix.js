/* intelbench heat matrix: day x hour with filters and histograms; every string as text.
   ibHeatMount(root, data) draws into the elements under root (the page, or a widget's
   element) and returns the chart's API; nothing here makes a request. */
function ibHeatMount(root, D) {
  "use strict";
  var T_START = performance.now();
  var G = D.g, NG = G.c.length;
  function byId(id) { return root.querySelector("#" + id); }
  var DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  var SVG = "http://www.w3.org/2000/svg";
  var sel = {
    type: byId("ib-f-type"), area: byId("ib-f-area"),
    from: byId("ib-f-from"), to: byId("ib-f-to")
  };
  var statusEl = byId("ib-status");
  var api = { ready: false, groups: NG, firstRenderMs: 0, renderMs: 0, total: 0, matrix: null,
              onchange: null };

  function option(s, value, text) {
    var o = document.createElement("option"); o.value = value; o.textContent = text;
    s.appendChild(o);
  }
  function fill(s, values, all) {
    if (all) option(s, "", all);
    for (var k = 0; k < values.length; k++) option(s, values[k], values[k]);
  }
  fill(sel.type, D.crimeTypes, "All");
  fill(sel.area, D.areas, "All");
  fill(sel.from, D.periods, null);
  fill(sel.to, D.periods, null);
  if (!D.hasCrimeType) sel.type.parentNode.style.display = "none";
  if (!D.hasArea) sel.area.parentNode.style.display = "none";
  function reset() {
    sel.type.value = ""; sel.area.value = "";
    sel.from.selectedIndex = 0; sel.to.selectedIndex = D.periods.length - 1;
  }

  // colour: white -> yellow -> orange -> dark red (YlOrRd-like)
  var STOPS = [[255, 255, 204], [254, 217, 118], [253, 141, 60], [227, 26, 28], [128, 0, 38]];
  function colour(f) {
    f = Math.max(0, Math.min(1, f)) * (STOPS.length - 1);
    var a = Math.floor(f), b = Math.min(a + 1, STOPS.length - 1), t = f - a, c = [];
    for (var k = 0; k < 3; k++) c.push(Math.round(STOPS[a][k] + (STOPS[b][k] - STOPS[a][k]) * t));
    return "rgb(" + c.join(",") + ")";
  }
  function fmt(v) {
    if (v > 0 && v < 0.05) return "<0.1";
    return v >= 10 ? String(Math.round(v)) : v.toFixed(1);
  }

  var table = byId("ib-heat");
  var cells = [];
  (function build() {
    var head = document.createElement("tr");
    head.appendChild(document.createElement("th"));
    for (var h = 0; h < 24; h++) {
      var th = document.createElement("th"); th.textContent = (h < 10 ? "0" : "") + h;
      head.appendChild(th);
    }
    table.appendChild(head);
    for (var d = 0; d < 7; d++) {
      var tr = document.createElement("tr");
      var lab = document.createElement("th"); lab.textContent = DAYS[d]; tr.appendChild(lab);
      for (h = 0; h < 24; h++) {
        var td = document.createElement("td"); tr.appendChild(td); cells.push(td);
      }
      table.appendChild(tr);
    }
  })();

  function bars(svg, values, labels, colourFill, dim) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var W = 420, H = 150, padL = 30, padB = 24, n = values.length;
    var max = 0;
    for (var k = 0; k < n; k++) if (values[k] > max) max = values[k];
    var bw = (W - padL - 4) / Math.max(n, 1);
    var longest = 0;
    for (k = 0; k < n; k++) longest = Math.max(longest, String(labels[k]).length);
    var every = Math.max(1, Math.ceil(n * (longest * 5.2 + 6) / (W - padL)));
    for (k = 0; k < n; k++) {
      var h = max > 0 ? (H - padB - 8) * values[k] / max : 0;
      var r = document.createElementNS(SVG, "rect");
      r.setAttribute("x", padL + k * bw + 1); r.setAttribute("width", Math.max(bw - 2, 1));
      r.setAttribute("y", H - padB - h); r.setAttribute("height", h);
      r.setAttribute("fill", colourFill);
      if (dim && dim[k]) r.setAttribute("fill-opacity", "0.3");
      var tt = document.createElementNS(SVG, "title");
      tt.textContent = labels[k] + ": " + fmt(values[k]); r.appendChild(tt);
      svg.appendChild(r);
      if (k % every === 0) {
        var t = document.createElementNS(SVG, "text");
        t.setAttribute("x", padL + k * bw + bw / 2); t.setAttribute("y", H - padB + 11);
        t.setAttribute("text-anchor", "middle"); t.textContent = labels[k];
        svg.appendChild(t);
      }
    }
    var m = document.createElementNS(SVG, "text");
    m.setAttribute("x", 2); m.setAttribute("y", 12); m.textContent = fmt(max);
    svg.appendChild(m);
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  }

  function render() {
    var t = performance.now();
    var ty = sel.type.value, ar = sel.area.value;
    var lo = sel.from.selectedIndex, hi = sel.to.selectedIndex;
    if (hi < lo) { var x = lo; lo = hi; hi = x; }
    var inPeriod = {};
    for (var p = lo; p <= hi; p++) inPeriod[D.periods[p]] = true;
    var m = new Float64Array(168), perCount = {}, total = 0;
    for (var g = 0; g < NG; g++) {
      if (ty && G.c[g] !== ty) continue;
      if (ar && G.a[g] !== ar) continue;
      perCount[G.p[g]] = (perCount[G.p[g]] || 0) + G.n[g];
      if (!inPeriod[G.p[g]]) continue;
      var w = G.w[g];
      for (var c = 0; c < 168; c++) m[c] += w[c];
      total += G.n[g];
    }
    var max = 0;
    for (c = 0; c < 168; c++) if (m[c] > max) max = m[c];
    for (c = 0; c < 168; c++) {
      var f = max > 0 ? m[c] / max : 0;
      cells[c].style.background = m[c] > 0 ? colour(f) : "#f7f7f7";
      cells[c].className = f > 0.6 ? "ib-dark" : "";
      cells[c].textContent = m[c] > 0 ? fmt(m[c]) : "";
      cells[c].title = DAYS[Math.floor(c / 24)] + " " + (c % 24) + ":00 - " + fmt(m[c]) +
        " (aoristic weight)";
    }
    var byHour = [], byDay = [], hours = [];
    for (var h = 0; h < 24; h++) {
      var s = 0;
      for (var d = 0; d < 7; d++) s += m[d * 24 + h];
      byHour.push(s); hours.push((h < 10 ? "0" : "") + h);
    }
    for (d = 0; d < 7; d++) {
      s = 0;
      for (h = 0; h < 24; h++) s += m[d * 24 + h];
      byDay.push(s);
    }
    bars(byId("ib-h-hour"), byHour, hours, "#b35806");
    bars(byId("ib-h-day"), byDay, DAYS, "#b35806");
    bars(byId("ib-h-period"),
         D.periods.map(function (q) { return perCount[q] || 0; }), D.periods, "#542788",
         D.periods.map(function (q) { return !inPeriod[q]; }));
    byId("ib-scale").textContent = "darkest cell: " + fmt(max) +
      " events (aoristic weight)";
    statusEl.textContent = fmt(total) + " events" + (D.excluded ? "; " + D.excluded +
      " rows excluded (see notes)" : "");
    api.total = total; api.matrix = Array.prototype.slice.call(m);
    api.renderMs = performance.now() - t;
    if (api.onchange) api.onchange(api.state());
  }
  var notes = byId("ib-notes");
  for (var k = 0; k < D.notes.length; k++) {
    var li = document.createElement("li"); li.textContent = D.notes[k]; notes.appendChild(li);
  }
  ["type", "area", "from", "to"].forEach(function (key) {
    sel[key].addEventListener("change", render);
  });
  byId("ib-reset").addEventListener("click", function () { reset(); render(); });
  api.setFilter = function (key, value) {
    if (key === "from" || key === "to") sel[key].selectedIndex = D.periods.indexOf(value);
    else sel[key].value = value;
    render();
    return api.total;
  };
  api.options = function (key) {
    return Array.prototype.map.call(sel[key].options, function (o) { return o.textContent; });
  };
  api.state = function () {
    return { crime_type: sel.type.value, area: sel.area.value,
             from: D.periods[sel.from.selectedIndex] || "",
             to: D.periods[sel.to.selectedIndex] || "" };
  };
  api.apply = function (st) {
    var cur = api.state();
    if (st.crime_type === cur.crime_type && st.area === cur.area && st.from === cur.from &&
        st.to === cur.to) return;
    sel.type.value = st.crime_type || ""; sel.area.value = st.area || "";
    sel.from.selectedIndex = Math.max(0, D.periods.indexOf(st.from));
    var hi = D.periods.indexOf(st.to);
    sel.to.selectedIndex = hi < 0 ? D.periods.length - 1 : hi;
    render();
  };
  reset(); render();
  api.firstRenderMs = performance.now() - T_START;
  api.ready = true;
  return api;
}
if (typeof document !== "undefined" && document.getElementById("ib-heat-data")) {
  window.intelbenchHeat = ibHeatMount(
    document, JSON.parse(document.getElementById("ib-heat-data").textContent));
}
