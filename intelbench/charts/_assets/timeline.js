/* intelbench timeline: theme lines on one canvas, no network access, every string as text. */
(function () {
  "use strict";
  var T_START = performance.now();
  var D = JSON.parse(document.getElementById("ib-timeline-data").textContent);
  var N = D.t0.length, L = D.lines.length, K = D.kinds.length;
  var canvas = document.getElementById("ib-canvas");
  var ctx = canvas.getContext("2d");
  var stage = document.getElementById("ib-stage");
  var panel = document.getElementById("ib-details");
  var statusEl = document.getElementById("ib-status");
  var GUTTER = 170, AXIS = 34, R = 5;
  // long paths are filled in chunks: one huge path rasterises far slower than many short ones
  var CHUNK = 400;
  var dpr = window.devicePixelRatio || 1;
  var width = 0, height = 0, spacing = 30;
  var view = { t0: 0, msPerPx: 1, ty: 0 };
  var selected = -1;
  var MIN_UNIT = { second: 60e3, minute: 60e3, hour: 3600e3, day: 864e5, month: 2592e6,
                   quarter: 7776e6, year: 31536e6 }[D.precision] || 60e3;

  var byKind = [];
  var i, k;
  for (k = 0; k < K; k++) byKind.push([]);
  for (i = 0; i < N; i++) byKind[D.kind[i]].push(i);
  var tMin = Infinity, tMax = -Infinity;
  for (i = 0; i < N; i++) {
    if (D.t0[i] < tMin) tMin = D.t0[i];
    var e = D.t1[i] === null ? D.t0[i] : D.t1[i];
    if (e > tMax) tMax = e;
  }
  if (N === 0) { tMin = Date.UTC(2025, 0, 1); tMax = tMin + 864e5; }

  var api = {
    eventCount: N, lineCount: L, drawnEvents: 0, drawnConnectors: 0, drawnSpans: 0,
    frames: 0, renderMs: 0, firstRenderMs: 0, parseMs: 0, ready: false, selected: null,
    ticks: [], precision: D.precision
  };
  window.intelbenchTimeline = api;

  function resize() {
    var r = stage.getBoundingClientRect();
    width = Math.max(200, r.width); height = Math.max(150, r.height);
    canvas.width = Math.round(width * dpr); canvas.height = Math.round(height * dpr);
    canvas.style.width = width + "px"; canvas.style.height = height + "px";
    spacing = Math.max(22, Math.min(60, (height - AXIS - 24) / Math.max(L, 1)));
  }
  function fit() {
    var span = Math.max(tMax - tMin, MIN_UNIT);
    var plot = Math.max(width - GUTTER - 20, 50);
    view.msPerPx = span * 1.06 / plot;
    view.t0 = tMin - span * 0.03;
    view.ty = 0;
    view.auto = true;  // refit on resize (a page laid out late, in an iframe) until zoomed
  }
  function xOf(t) { return GUTTER + (t - view.t0) / view.msPerPx; }
  function yOf(line) { return AXIS + 18 + line * spacing + view.ty; }

  function shape(c, s, x, y, r) {
    switch (s) {
      case "square": c.rect(x - r, y - r, 2 * r, 2 * r); break;
      case "triangle": c.moveTo(x, y - r - 1); c.lineTo(x + r + 1, y + r); c.lineTo(x - r - 1, y + r);
        c.closePath(); break;
      case "diamond": c.moveTo(x, y - r - 1.5); c.lineTo(x + r + 1.5, y); c.lineTo(x, y + r + 1.5);
        c.lineTo(x - r - 1.5, y); c.closePath(); break;
      case "star":
        for (var a = 0; a < 10; a++) {
          var rr = a % 2 ? r * 0.5 : r + 1.5, an = -Math.PI / 2 + a * Math.PI / 5;
          if (a === 0) c.moveTo(x + rr * Math.cos(an), y + rr * Math.sin(an));
          else c.lineTo(x + rr * Math.cos(an), y + rr * Math.sin(an));
        }
        c.closePath(); break;
      case "hexagon":
        for (var h = 0; h < 6; h++) {
          var ah = Math.PI / 6 + h * Math.PI / 3;
          if (h === 0) c.moveTo(x + r * Math.cos(ah), y + r * Math.sin(ah));
          else c.lineTo(x + r * Math.cos(ah), y + r * Math.sin(ah));
        }
        c.closePath(); break;
      case "cross": c.rect(x - r, y - 1.6, 2 * r, 3.2); c.rect(x - 1.6, y - r, 3.2, 2 * r); break;
      case "house": c.moveTo(x, y - r - 1); c.lineTo(x + r, y - 1); c.lineTo(x + r, y + r);
        c.lineTo(x - r, y + r); c.lineTo(x - r, y - 1); c.closePath(); break;
      default: c.moveTo(x + r, y); c.arc(x, y, r, 0, 2 * Math.PI);
    }
  }

  // ---- time axis: calendar ticks, never finer than the data -------------------------
  var MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var UNITS = [
    ["minute", 60e3, 1], ["minute", 60e3, 5], ["minute", 60e3, 15], ["hour", 3600e3, 1],
    ["hour", 3600e3, 3], ["hour", 3600e3, 6], ["hour", 3600e3, 12], ["day", 864e5, 1],
    ["day", 864e5, 2], ["day", 864e5, 7], ["month", 2592e6, 1], ["month", 2592e6, 3],
    ["month", 2592e6, 6], ["year", 31536e6, 1], ["year", 31536e6, 2], ["year", 31536e6, 5],
    ["year", 31536e6, 10], ["year", 31536e6, 50]
  ];
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function label(t, unit) {
    var d = new Date(t);
    if (unit === "year") return String(d.getUTCFullYear());
    if (unit === "month") return MON[d.getUTCMonth()] + " " + d.getUTCFullYear();
    var day = d.getUTCDate() + " " + MON[d.getUTCMonth()];
    if (unit === "day") return day + " " + d.getUTCFullYear();
    return day + " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }
  function ticks(a, b) {
    var u = UNITS[UNITS.length - 1];
    for (var j = 0; j < UNITS.length; j++) {
      var approx = UNITS[j][1] * UNITS[j][2];
      if (approx < MIN_UNIT) continue;
      if (approx / view.msPerPx >= 95) { u = UNITS[j]; break; }
    }
    var out = [], d = new Date(a), t, guard = 0;
    if (u[0] === "year") {
      var y = Math.floor(d.getUTCFullYear() / u[2]) * u[2];
      for (; (t = Date.UTC(y, 0, 1)) <= b && guard < 500; y += u[2], guard++) out.push(t);
    } else if (u[0] === "month") {
      var yy = d.getUTCFullYear(), m = Math.floor(d.getUTCMonth() / u[2]) * u[2];
      for (; (t = Date.UTC(yy, m, 1)) <= b && guard < 500; m += u[2], guard++) out.push(t);
    } else {
      var step = u[1] * u[2];
      var start = Math.floor(a / step) * step;
      for (t = start; t <= b && guard < 500; t += step, guard++) out.push(t);
    }
    return { unit: u[0], at: out.filter(function (v) { return v >= a; }) };
  }

  // ---- drawing ------------------------------------------------------------------------
  function draw() {
    var t = performance.now();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    var a = view.t0, b = view.t0 + (width - GUTTER) * view.msPerPx;
    // theme lines and their labels (text on a canvas is never markup)
    ctx.font = "12px Arial, Helvetica, sans-serif";
    ctx.textBaseline = "middle";
    ctx.strokeStyle = "#bbb"; ctx.lineWidth = 1;
    ctx.beginPath();
    for (var l = 0; l < L; l++) {
      var y = yOf(l);
      if (y < AXIS - 5 || y > height + 5) continue;
      ctx.moveTo(GUTTER, Math.round(y) + 0.5); ctx.lineTo(width, Math.round(y) + 0.5);
    }
    ctx.stroke();
    ctx.fillStyle = "#111";
    for (l = 0; l < L; l++) {
      var ly = yOf(l);
      if (ly < AXIS - 5 || ly > height + 5) continue;
      var name = D.lines[l];
      if (ctx.measureText(name).width > GUTTER - 12) {
        while (name.length > 3 && ctx.measureText(name + "\u2026").width > GUTTER - 12) {
          name = name.slice(0, -1);
        }
        name += "\u2026";
      }
      ctx.fillText(name, 6, ly);
    }
    ctx.save();
    ctx.beginPath(); ctx.rect(GUTTER, AXIS, width - GUTTER, height - AXIS); ctx.clip();
    // axis grid
    var tk = ticks(a, b);
    api.ticks = tk.at.map(function (v) { return label(v, tk.unit); });
    ctx.strokeStyle = "#eee"; ctx.beginPath();
    for (var g = 0; g < tk.at.length; g++) {
      var gx = Math.round(xOf(tk.at[g])) + 0.5;
      ctx.moveTo(gx, AXIS); ctx.lineTo(gx, height);
    }
    ctx.stroke();
    var visible = new Uint8Array(N), nv = 0, nc = 0, ns = 0;
    for (i = 0; i < N; i++) {
      var e1 = D.t1[i] === null ? D.t0[i] : D.t1[i];
      if (e1 < a - 20 * view.msPerPx || D.t0[i] > b + 20 * view.msPerPx) continue;
      visible[i] = 1; nv++;
    }
    // connectors between theme lines (meetings, calls)
    ctx.strokeStyle = "rgba(80,80,80,0.55)"; ctx.lineWidth = 1; ctx.beginPath();
    for (i = 0; i < N; i++) {
      if (!visible[i] || D.other[i].length === 0) continue;
      var cx = xOf(D.t0[i]), y0 = yOf(D.line[i]);
      for (var o = 0; o < D.other[i].length; o++) {
        ctx.moveTo(cx, y0); ctx.lineTo(cx, yOf(D.other[i][o])); nc++;
        if (nc % CHUNK === 0) { ctx.stroke(); ctx.beginPath(); }
      }
    }
    ctx.stroke();
    // uncertain times: spans from start to end, then icons, batched by kind
    for (k = 0; k < K; k++) {
      var idx = byKind[k];
      ctx.fillStyle = D.colours[k]; ctx.globalAlpha = 0.3; ctx.beginPath();
      for (var q = 0; q < idx.length; q++) {
        i = idx[q];
        if (!visible[i] || D.t1[i] === null) continue;
        var sx = xOf(D.t0[i]), ex = xOf(D.t1[i]);
        ctx.rect(sx, yOf(D.line[i]) - 4, Math.max(ex - sx, 1), 8); ns++;
        if (ns % CHUNK === 0) { ctx.fill(); ctx.beginPath(); }
      }
      ctx.fill(); ctx.globalAlpha = 1; ctx.beginPath();
      ctx.strokeStyle = "#fff"; ctx.lineWidth = 0.7;
      var outline = nv <= 5000, m = 0;  // white outlines only while they can be seen
      for (q = 0; q < idx.length; q++) {
        i = idx[q];
        if (!visible[i]) continue;
        shape(ctx, D.shapes[k], xOf(D.t0[i]), yOf(D.line[i]), R);
        if (++m % CHUNK === 0) {
          ctx.fill(); if (outline) ctx.stroke();
          ctx.beginPath();
        }
      }
      ctx.fill();
      if (outline) ctx.stroke();
    }
    if (selected >= 0) {
      ctx.strokeStyle = "#000"; ctx.lineWidth = 2; ctx.beginPath();
      ctx.arc(xOf(D.t0[selected]), yOf(D.line[selected]), R + 4, 0, 2 * Math.PI); ctx.stroke();
    }
    ctx.restore();
    // axis labels on a white band
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, width, AXIS - 2);
    ctx.fillStyle = "#333"; ctx.textBaseline = "alphabetic"; ctx.font = "11px Arial, sans-serif";
    for (g = 0; g < tk.at.length; g++) {
      var lx = xOf(tk.at[g]);
      if (lx >= GUTTER - 2) ctx.fillText(api.ticks[g], lx + 3, AXIS - 10);
    }
    ctx.strokeStyle = "#999"; ctx.beginPath(); ctx.moveTo(GUTTER, AXIS - 1.5);
    ctx.lineTo(width, AXIS - 1.5); ctx.stroke();
    api.drawnEvents = nv; api.drawnConnectors = nc; api.drawnSpans = ns; api.frames++;
    api.renderMs = performance.now() - t;
    statusEl.textContent = N + " events on " + L + " theme lines" +
      (D.excluded ? "; " + D.excluded + " not placed (no usable time)" : "") +
      "; showing " + nv;
  }
  var pending = false;
  function redraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; draw(); });
  }

  // ---- details --------------------------------------------------------------------------
  function item(dl, key, value) {
    var dt = document.createElement("dt"); dt.textContent = key; dl.appendChild(dt);
    var dd = document.createElement("dd"); dd.textContent = value; dl.appendChild(dd);
  }
  function showDetails(n) {
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    if (n < 0) return;
    var h = document.createElement("h3"); h.textContent = D.kinds[D.kind[n]];
    panel.appendChild(h);
    var dl = document.createElement("dl");
    item(dl, "When", D.when[n]);
    item(dl, "Time certainty", D.certainty[n]);
    item(dl, "Theme line", D.lines[D.line[n]]);
    if (D.other[n].length) {
      item(dl, "With", D.other[n].map(function (x) { return D.lines[x]; }).join("; "));
    }
    for (var c = 0; c < D.detailKeys.length; c++) {
      var v = D.details[c][n];
      if (v !== "" && v !== null) item(dl, D.detailKeys[c], v);
    }
    panel.appendChild(dl);
  }
  function select(n) {
    selected = n;
    api.selected = n >= 0 ? n : null;
    showDetails(n);
    draw();
  }
  function hit(x, y) {
    var best = -1, bd = 81;
    for (i = 0; i < N; i++) {
      var dy = y - yOf(D.line[i]);
      if (dy > 9 || dy < -9) continue;
      var sx = xOf(D.t0[i]), dx = x - sx, d = dx * dx + dy * dy;
      if (d < bd) { bd = d; best = i; }
      else if (best < 0 && D.t1[i] !== null && x >= sx && x <= xOf(D.t1[i]) && dy * dy < 25) {
        best = i; bd = 80;
      }
    }
    return best;
  }

  // ---- interaction: drag to pan, wheel to zoom, buttons, keys ---------------------------
  function zoom(f, x) {
    view.auto = false;
    var px = x === undefined ? GUTTER + (width - GUTTER) / 2 : x;
    var tAt = view.t0 + (px - GUTTER) * view.msPerPx;
    // never zoom so far that one unit of the data fills more than 300 px
    view.msPerPx = Math.max(MIN_UNIT / 300, view.msPerPx / f);
    view.t0 = tAt - (px - GUTTER) * view.msPerPx;
    redraw();
  }
  function pan(dx, dy) {
    view.auto = false;
    view.t0 -= dx * view.msPerPx;
    view.ty = Math.min(0, Math.max(view.ty + (dy || 0), -(L * spacing) + 40));
    redraw();
  }
  var drag = null;
  canvas.addEventListener("mousedown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, moved: 0 };
  });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    drag.moved += Math.abs(dx) + Math.abs(dy);
    drag.x = ev.clientX; drag.y = ev.clientY;
    pan(dx, dy);
  });
  window.addEventListener("mouseup", function (ev) {
    if (drag && drag.moved < 4) {
      var r = canvas.getBoundingClientRect();
      select(hit(ev.clientX - r.left, ev.clientY - r.top));
    }
    drag = null;
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = canvas.getBoundingClientRect();
    if (ev.shiftKey) pan(0, -ev.deltaY);
    else zoom(Math.pow(1.2, -ev.deltaY / 100), ev.clientX - r.left);
  }, { passive: false });
  document.getElementById("ib-zoom-in").addEventListener("click", function () { zoom(1.5); });
  document.getElementById("ib-zoom-out").addEventListener("click", function () { zoom(1 / 1.5); });
  document.getElementById("ib-left").addEventListener("click", function () { pan((width - GUTTER) / 4, 0); });
  document.getElementById("ib-right").addEventListener("click", function () { pan(-(width - GUTTER) / 4, 0); });
  document.getElementById("ib-fit").addEventListener("click", function () { fit(); redraw(); });
  window.addEventListener("resize", function () { resize(); if (view.auto) fit(); redraw(); });

  // ---- legend: one icon per kind --------------------------------------------------------
  var legend = document.getElementById("ib-legend");
  for (k = 0; k < K; k++) {
    var li = document.createElement("li");
    var sw = document.createElement("canvas");
    sw.width = 16 * dpr; sw.height = 16 * dpr; sw.style.width = "16px"; sw.style.height = "16px";
    var sc = sw.getContext("2d"); sc.setTransform(dpr, 0, 0, dpr, 0, 0);
    sc.fillStyle = D.colours[k]; sc.beginPath(); shape(sc, D.shapes[k], 8, 8, 5); sc.fill();
    var tx = document.createElement("span");
    tx.textContent = D.kinds[k] + " (" + byKind[k].length + ")";
    li.appendChild(sw); li.appendChild(tx); legend.appendChild(li);
  }

  api.view = function () { return { t0: view.t0, msPerPx: view.msPerPx, ty: view.ty }; };
  api.select = function (n) { select(n); return api.selected; };
  api.screenPos = function (n) {
    var r = canvas.getBoundingClientRect();
    return [r.left + xOf(D.t0[n]), r.top + yOf(D.line[n])];
  };
  api.zoom = function (f) { zoom(f); draw(); return api.view(); };
  api.pan = function (dx) { pan(dx, 0); draw(); return api.view(); };
  api.fit = function () { fit(); draw(); return api.view(); };
  api.redraw = function () { draw(); return api.renderMs; };
  api.detailsText = function () { return panel.innerText; };

  api.parseMs = performance.now() - T_START;
  resize(); fit(); draw();
  api.firstRenderMs = performance.now() - T_START;
  api.pageMs = performance.now();
  api.ready = true;
})();
