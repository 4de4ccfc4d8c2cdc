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
  // Numbers at the precision they carry (the rules of intelbench._display): a count is a
  // whole number with thousands separators; an aoristic weight is fractional, shown to 3
  // significant figures in tooltips and labels, and compactly in a matrix cell (1 decimal
  // place below 10, whole above, "<0.1" for a trace).
  function group(n) {
    var s = String(Math.abs(n)), out = "";
    while (s.length > 3) { out = "," + s.slice(-3) + out; s = s.slice(0, -3); }
    return (n < 0 ? "-" : "") + s + out;
  }
  // v to d decimals as Python's round does: an exact tie goes to the even digit
  function fixed(v, d) {
    var a = Math.abs(v), t = a.toFixed(d), full = a.toFixed(Math.min(100, d + 80));
    var p = full.indexOf(".");
    if (/^50*$/.test(full.slice(p + 1 + d))) {
      var lo = full.slice(0, d > 0 ? p + 1 + d : p);
      if ((lo.charCodeAt(lo.length - 1) - 48) % 2 === 0) t = lo;
    }
    return (v < 0 && Number(t) !== 0 ? "-" : "") + t;
  }
  function count(v) { return isFinite(v) ? group(Number(fixed(v, 0))) : ""; }
  function weight(v) {
    if (!isFinite(v)) return "";
    if (v === 0) return "0";
    if (Math.abs(v) < 1e-4) {
      var e = v.toExponential(2).split("e"), m = e[0].replace(/\.?0+$/, "");
      var x = Number(e[1]);
      return m + "e" + (x < 0 ? "-" : "+") + (Math.abs(x) < 10 ? "0" : "") + Math.abs(x);
    }
    var digits = 2 - Math.floor(Math.log10(Math.abs(v)));
    if (digits <= 0) return count(v);
    var t = fixed(v, digits);
    return t.indexOf(".") < 0 ? t : t.replace(/\.?0+$/, "");
  }
  function cellText(v) {
    if (!(v > 0)) return "";
    if (v < 0.05) return "<0.1";
    return v < 9.95 ? fixed(v, 1) : count(v);
  }
  function hh(h) { return (h < 10 ? "0" : "") + h; }

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

  function bars(svg, values, labels, colourFill, dim, fmt) {
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
      cells[c].textContent = cellText(m[c]);
      cells[c].title = DAYS[Math.floor(c / 24)] + " " + hh(c % 24) + ":00-" +
        hh((c % 24) + 1) + ":00: " + weight(m[c]) + " events (aoristic weight)";
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
    bars(byId("ib-h-hour"), byHour, hours, "#b35806", null, weight);
    bars(byId("ib-h-day"), byDay, DAYS, "#b35806", null, weight);
    bars(byId("ib-h-period"),
         D.periods.map(function (q) { return perCount[q] || 0; }), D.periods, "#542788",
         D.periods.map(function (q) { return !inPeriod[q]; }), count);
    byId("ib-scale").textContent = "darkest cell: " + weight(max) +
      " events (aoristic weight)";
    statusEl.textContent = count(total) + " events" + (D.excluded ? "; " + count(D.excluded) +
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
  api.format = { count: count, weight: weight, cell: cellText };
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
