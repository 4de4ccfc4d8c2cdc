/* intelbench link chart: one canvas, precomputed layout, no network access. */
(function () {
  "use strict";

  var blob = document.getElementById("ib-chart-data");
  var D = JSON.parse(blob.textContent);
  var N = D.nodes.id.length;
  var M = D.edges.s.length;
  var TYPE_NAMES = D.types;
  var COLOURS = D.colours;
  var SHAPES = D.shapes;

  var canvas = document.getElementById("ib-canvas");
  var ctx = canvas.getContext("2d");
  var wrap = document.getElementById("ib-stage");
  var panel = document.getElementById("ib-details");
  var statusEl = document.getElementById("ib-status");

  // adjacency: for each node the list of incident edge indices
  var adj = new Array(N);
  var i;
  for (i = 0; i < N; i++) adj[i] = [];
  for (i = 0; i < M; i++) {
    adj[D.edges.s[i]].push(i);
    if (D.edges.t[i] !== D.edges.s[i]) adj[D.edges.t[i]].push(i);
  }
  var indexOf = new Map();
  for (i = 0; i < N; i++) indexOf.set(String(D.nodes.id[i]), i);

  var X = D.nodes.x, Y = D.nodes.y, R = D.nodes.r;
  var view = { scale: 1, tx: 0, ty: 0 };
  var dpr = window.devicePixelRatio || 1;
  var width = 0, height = 0;

  var state = {
    selected: -1,
    neighbours: new Set(),
    pathNodes: new Set(),
    pathEdges: new Set(),
    path: [],
    pathStart: -1,
    pathMode: false,
    searchHits: new Set(),
  };

  var api = {
    nodeCount: N,
    edgeCount: M,
    drawnNodes: 0,
    drawnEdges: 0,
    drawnLabels: 0,
    frames: 0,
    renderMs: 0,
    firstRenderMs: 0,
    ready: false,
    selected: null,
    path: [],
  };
  window.intelbenchChart = api;

  function resize() {
    var rect = wrap.getBoundingClientRect();
    width = Math.max(50, rect.width);
    height = Math.max(50, rect.height);
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
  }

  function fit() {
    if (N === 0) { view.scale = 1; view.tx = width / 2; view.ty = height / 2; return; }
    var minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
    for (var k = 0; k < N; k++) {
      if (X[k] - R[k] < minx) minx = X[k] - R[k];
      if (X[k] + R[k] > maxx) maxx = X[k] + R[k];
      if (Y[k] - R[k] < miny) miny = Y[k] - R[k];
      if (Y[k] + R[k] > maxy) maxy = Y[k] + R[k];
    }
    var pad = 30;
    var w = Math.max(maxx - minx, 1), h = Math.max(maxy - miny, 1);
    view.scale = Math.min((width - 2 * pad) / w, (height - 2 * pad) / h, 4);
    view.tx = width / 2 - view.scale * (minx + maxx) / 2;
    view.ty = height / 2 - view.scale * (miny + maxy) / 2;
  }

  // ---- shapes -------------------------------------------------------------------------
  function polygon(c, x, y, r, sides, rot) {
    for (var k = 0; k < sides; k++) {
      var a = rot + (2 * Math.PI * k) / sides;
      var px = x + r * Math.cos(a), py = y + r * Math.sin(a);
      if (k === 0) c.moveTo(px, py); else c.lineTo(px, py);
    }
    c.closePath();
  }

  function roundRect(c, x, y, r) {
    var s = r * 0.85, q = r * 0.3;
    c.moveTo(x - s + q, y - s);
    c.lineTo(x + s - q, y - s);
    c.quadraticCurveTo(x + s, y - s, x + s, y - s + q);
    c.lineTo(x + s, y + s - q);
    c.quadraticCurveTo(x + s, y + s, x + s - q, y + s);
    c.lineTo(x - s + q, y + s);
    c.quadraticCurveTo(x - s, y + s, x - s, y + s - q);
    c.lineTo(x - s, y - s + q);
    c.quadraticCurveTo(x - s, y - s, x - s + q, y - s);
    c.closePath();
  }

  function house(c, x, y, r) {
    c.moveTo(x, y - r);
    c.lineTo(x + r, y - r * 0.1);
    c.lineTo(x + r * 0.75, y - r * 0.1);
    c.lineTo(x + r * 0.75, y + r * 0.85);
    c.lineTo(x - r * 0.75, y + r * 0.85);
    c.lineTo(x - r * 0.75, y - r * 0.1);
    c.lineTo(x - r, y - r * 0.1);
    c.closePath();
  }

  function shapePath(c, shape, x, y, r) {
    switch (shape) {
      case "circle": c.moveTo(x + r, y); c.arc(x, y, r, 0, 2 * Math.PI); break;
      case "roundsquare": roundRect(c, x, y, r); break;
      case "triangle": polygon(c, x, y + r * 0.15, r * 1.1, 3, -Math.PI / 2); break;
      case "house": house(c, x, y, r); break;
      case "hexagon": polygon(c, x, y, r, 6, 0); break;
      case "diamond": polygon(c, x, y, r * 1.1, 4, -Math.PI / 2); break;
      default: polygon(c, x, y, r, 8, Math.PI / 8);
    }
  }

  // ---- drawing ------------------------------------------------------------------------
  var scheduled = false;
  function requestDraw() {
    if (scheduled) return;
    scheduled = true;
    window.requestAnimationFrame(function () { scheduled = false; draw(); });
  }

  function gradeText(e) {
    var seen = [];
    var g = D.edges.g[e];
    for (var k = 0; k < g.length; k++) if (g[k] && seen.indexOf(g[k]) < 0) seen.push(g[k]);
    return seen.join(" ");
  }

  function draw() {
    var t0 = performance.now();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    var s = view.scale, tx = view.tx, ty = view.ty;
    var margin = 40;
    var emph = state.selected >= 0 || state.pathNodes.size > 0;

    // visible nodes (screen culling)
    var vis = new Uint8Array(N);
    var nVis = 0;
    for (var k = 0; k < N; k++) {
      var sx = X[k] * s + tx, sy = Y[k] * s + ty;
      var rr = Math.max(R[k] * s, 2.5);
      if (sx + rr >= -margin && sx - rr <= width + margin && sy + rr >= -margin && sy - rr <= height + margin) {
        vis[k] = 1; nVis++;
      }
    }

    // edges grouped by width bucket; emphasised ones drawn after
    var buckets = {};
    var drawnEdges = 0;
    var hot = [];
    for (var e = 0; e < M; e++) {
      var a = D.edges.s[e], b = D.edges.t[e];
      if (!vis[a] && !vis[b]) continue;
      drawnEdges++;
      if (state.pathEdges.has(e) || (state.selected >= 0 && (a === state.selected || b === state.selected))) {
        hot.push(e);
        continue;
      }
      var w = D.edges.w[e];
      (buckets[w] || (buckets[w] = [])).push(e);
    }
    ctx.strokeStyle = emph ? "rgba(150,150,150,0.25)" : "rgba(110,110,110,0.55)";
    Object.keys(buckets).forEach(function (wk) {
      var list = buckets[wk];
      ctx.lineWidth = Math.max(0.5, Number(wk) * Math.min(1, Math.sqrt(s)));
      ctx.beginPath();
      for (var q = 0; q < list.length; q++) {
        var ee = list[q], a2 = D.edges.s[ee], b2 = D.edges.t[ee];
        ctx.moveTo(X[a2] * s + tx, Y[a2] * s + ty);
        ctx.lineTo(X[b2] * s + tx, Y[b2] * s + ty);
      }
      ctx.stroke();
    });
    for (var h = 0; h < hot.length; h++) {
      var he = hot[h], ha = D.edges.s[he], hb = D.edges.t[he];
      ctx.strokeStyle = state.pathEdges.has(he) ? "#e6007e" : "#222222";
      ctx.lineWidth = Math.max(1.5, D.edges.w[he] * Math.min(1, Math.sqrt(s)) + 1);
      ctx.beginPath();
      ctx.moveTo(X[ha] * s + tx, Y[ha] * s + ty);
      ctx.lineTo(X[hb] * s + tx, Y[hb] * s + ty);
      ctx.stroke();
    }

    // grades on links at zoom
    if (s >= D.gradeZoom) {
      ctx.font = "10px sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      var gcount = 0;
      for (var e2 = 0; e2 < M && gcount < 1500; e2++) {
        var ga = D.edges.s[e2], gb = D.edges.t[e2];
        if (!vis[ga] || !vis[gb]) continue;
        var txt = gradeText(e2);
        if (!txt) continue;
        var mx = (X[ga] + X[gb]) / 2 * s + tx, my = (Y[ga] + Y[gb]) / 2 * s + ty;
        ctx.fillStyle = "rgba(255,255,255,0.85)";
        var tw = ctx.measureText(txt).width;
        ctx.fillRect(mx - tw / 2 - 2, my - 6, tw + 4, 12);
        ctx.fillStyle = "#7a0050";
        ctx.fillText(txt, mx, my);
        gcount++;
      }
    }

    // nodes, one path per type (fill once), emphasised outlines after
    var drawn = 0;
    for (var ti = 0; ti < TYPE_NAMES.length; ti++) {
      ctx.beginPath();
      var any = false;
      for (var n = 0; n < N; n++) {
        if (!vis[n] || D.nodes.t[n] !== ti) continue;
        shapePath(ctx, SHAPES[ti], X[n] * s + tx, Y[n] * s + ty, Math.max(R[n] * s, 2.5));
        drawn++; any = true;
      }
      if (!any) continue;
      ctx.fillStyle = COLOURS[ti];
      ctx.globalAlpha = emph ? 0.55 : 1;
      ctx.fill();
      ctx.globalAlpha = 1;
      if (s * 8 > 6) { ctx.strokeStyle = "#ffffff"; ctx.lineWidth = 1; ctx.stroke(); }
    }
    var marked = [];
    if (state.selected >= 0) marked.push(state.selected);
    state.neighbours.forEach(function (v) { marked.push(v); });
    state.pathNodes.forEach(function (v) { marked.push(v); });
    state.searchHits.forEach(function (v) { marked.push(v); });
    for (var mk = 0; mk < marked.length; mk++) {
      var v = marked[mk];
      var vx = X[v] * s + tx, vy = Y[v] * s + ty, vr = Math.max(R[v] * s, 2.5);
      ctx.beginPath();
      shapePath(ctx, SHAPES[D.nodes.t[v]], vx, vy, vr);
      ctx.fillStyle = COLOURS[D.nodes.t[v]];
      ctx.fill();
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = v === state.selected ? "#000000" : (state.pathNodes.has(v) ? "#e6007e" :
        (state.searchHits.has(v) ? "#f5a623" : "#444444"));
      ctx.stroke();
    }

    // labels: at sufficient zoom, or for emphasised nodes
    var labels = 0;
    ctx.font = "11px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillStyle = "#111111";
    var showAll = s >= D.labelZoom || nVis <= 150;
    if (showAll) {
      for (var l = 0; l < N && labels < 2000; l++) {
        if (!vis[l]) continue;
        ctx.fillText(D.nodes.label[l], X[l] * s + tx, Y[l] * s + ty + Math.max(R[l] * s, 2.5) + 2);
        labels++;
      }
    } else {
      for (var ml = 0; ml < marked.length; ml++) {
        var u = marked[ml];
        ctx.fillText(D.nodes.label[u], X[u] * s + tx, Y[u] * s + ty + Math.max(R[u] * s, 2.5) + 2);
        labels++;
      }
    }

    api.drawnNodes = drawn;
    api.drawnEdges = drawnEdges;
    api.drawnLabels = labels;
    api.frames++;
    api.renderMs = performance.now() - t0;
    api.scale = view.scale;
  }

  // ---- selection, details, paths ----------------------------------------------------------
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function addText(parent, tag, text, cls) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (cls) el.className = cls;
    parent.appendChild(el);
    return el;
  }

  function nodeButton(parent, idx) {
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "ib-link";
    btn.textContent = D.nodes.label[idx] + " (" + TYPE_NAMES[D.nodes.t[idx]] + ")";
    btn.addEventListener("click", function () { select(idx, true); });
    parent.appendChild(btn);
    return btn;
  }

  function edgeDetails(parent, e, other) {
    var box = document.createElement("div");
    box.className = "ib-edge";
    var head = document.createElement("div");
    head.className = "ib-edge-head";
    nodeButton(head, other);
    box.appendChild(head);
    addText(box, "div", "Link: " + D.edges.lt[e].join(", ") + " | weight " + D.edges.wt[e] +
      " | count " + D.edges.c[e]);
    if (D.edges.fs[e] || D.edges.ls[e]) {
      addText(box, "div", "First seen " + (D.edges.fs[e] || "?") + ", last seen " + (D.edges.ls[e] || "?"));
    }
    var reps = D.edges.r[e], grades = D.edges.g[e];
    if (reps.length) {
      var ul = document.createElement("ul");
      ul.className = "ib-reports";
      for (var k = 0; k < reps.length; k++) {
        addText(ul, "li", reps[k] + (grades[k] ? "  [" + grades[k] + "]" : ""));
      }
      box.appendChild(ul);
    } else if (gradeText(e)) {
      addText(box, "div", "Grades: " + gradeText(e));
    }
    parent.appendChild(box);
  }

  function showDetails() {
    clear(panel);
    var v = state.selected;
    if (v >= 0) {
      addText(panel, "h2", D.nodes.label[v], "ib-label");
      addText(panel, "div", "Type: " + TYPE_NAMES[D.nodes.t[v]]);
      addText(panel, "div", "Id: " + D.nodes.id[v], "ib-id");
      var extra = D.nodes.extra ? D.nodes.extra[v] : null;
      if (extra) {
        Object.keys(extra).forEach(function (key) { addText(panel, "div", key + ": " + extra[key]); });
      }
      addText(panel, "div", "Links: " + adj[v].length);
      addText(panel, "h3", "Linked to");
      var list = adj[v].slice(0, 200);
      for (var k = 0; k < list.length; k++) {
        var e = list[k];
        var other = D.edges.s[e] === v ? D.edges.t[e] : D.edges.s[e];
        edgeDetails(panel, e, other);
      }
      if (adj[v].length > list.length) addText(panel, "div", "(" + (adj[v].length - list.length) + " more)");
    }
    if (state.path.length) {
      addText(panel, "h3", "Path (" + (state.path.length - 1) + " links)");
      var ol = document.createElement("ol");
      ol.className = "ib-path";
      for (var p = 0; p < state.path.length; p++) {
        var li = document.createElement("li");
        nodeButton(li, state.path[p]);
        ol.appendChild(li);
      }
      panel.appendChild(ol);
      state.pathEdges.forEach(function (pe) {
        edgeDetails(panel, pe, D.edges.t[pe]);
      });
    } else if (state.pathStart >= 0) {
      addText(panel, "div", "Path from " + D.nodes.label[state.pathStart] + ": click the other end.", "ib-hint");
    }
    if (v < 0 && !state.path.length) addText(panel, "div", "Click a node to see its details.", "ib-hint");
  }

  function setStatus(text) { statusEl.textContent = text; }

  function select(idx, centre) {
    if (idx === null || idx === undefined || idx < 0 || idx >= N) {
      state.selected = -1;
      state.neighbours = new Set();
      api.selected = null;
    } else {
      state.selected = idx;
      var nb = new Set();
      for (var k = 0; k < adj[idx].length; k++) {
        var e = adj[idx][k];
        nb.add(D.edges.s[e] === idx ? D.edges.t[e] : D.edges.s[e]);
      }
      nb.delete(idx);
      state.neighbours = nb;
      api.selected = String(D.nodes.id[idx]);
      if (centre) {
        view.tx = width / 2 - X[idx] * view.scale;
        view.ty = height / 2 - Y[idx] * view.scale;
      }
    }
    showDetails();
    requestDraw();
  }

  function bfs(a, b) {
    if (a === b) return [a];
    var prev = new Int32Array(N).fill(-1);
    var seen = new Uint8Array(N);
    var queue = [a];
    seen[a] = 1;
    for (var head = 0; head < queue.length; head++) {
      var u = queue[head];
      var list = adj[u];
      for (var k = 0; k < list.length; k++) {
        var e = list[k];
        var w = D.edges.s[e] === u ? D.edges.t[e] : D.edges.s[e];
        if (seen[w]) continue;
        seen[w] = 1;
        prev[w] = u;
        if (w === b) {
          var path = [b];
          while (path[path.length - 1] !== a) path.push(prev[path[path.length - 1]]);
          return path.reverse();
        }
        queue.push(w);
      }
    }
    return [];
  }

  function setPath(path) {
    state.path = path;
    state.pathNodes = new Set(path);
    state.pathEdges = new Set();
    for (var k = 0; k + 1 < path.length; k++) {
      var u = path[k], w = path[k + 1];
      var best = -1;
      for (var q = 0; q < adj[u].length; q++) {
        var e = adj[u][q];
        var o = D.edges.s[e] === u ? D.edges.t[e] : D.edges.s[e];
        if (o === w && (best < 0 || D.edges.wt[e] > D.edges.wt[best])) best = e;
      }
      if (best >= 0) state.pathEdges.add(best);
    }
    api.path = path.map(function (p) { return String(D.nodes.id[p]); });
    showDetails();
    requestDraw();
  }

  function pathBetween(a, b) {
    var ia = indexOf.get(String(a)), ib = indexOf.get(String(b));
    if (ia === undefined || ib === undefined) return null;
    var path = bfs(ia, ib);
    setPath(path);
    setStatus(path.length ? "Shortest path: " + (path.length - 1) + " links." : "No path between these two.");
    return api.path.slice();
  }

  // ---- search -------------------------------------------------------------------------------
  var searchBox = document.getElementById("ib-search");
  var results = document.getElementById("ib-results");
  var lowerLabels = D.nodes.label.map(function (l) { return String(l).toLowerCase(); });

  function search(q) {
    q = String(q || "").trim().toLowerCase();
    clear(results);
    state.searchHits = new Set();
    var hits = [];
    if (q) {
      for (var k = 0; k < N; k++) {
        if (lowerLabels[k].indexOf(q) >= 0 || String(D.nodes.id[k]).toLowerCase() === q) hits.push(k);
      }
    }
    for (var h = 0; h < hits.length && h < 25; h++) {
      var li = document.createElement("li");
      nodeButton(li, hits[h]);
      results.appendChild(li);
      state.searchHits.add(hits[h]);
    }
    if (hits.length > 25) addText(results, "li", "(" + (hits.length - 25) + " more)");
    setStatus(q ? hits.length + " match(es)" : "");
    requestDraw();
    return hits.map(function (p) { return String(D.nodes.id[p]); });
  }
  searchBox.addEventListener("input", function () { search(searchBox.value); });

  // ---- interaction --------------------------------------------------------------------------
  function nodeAt(px, py) {
    var best = -1, bestD = Infinity;
    for (var k = 0; k < N; k++) {
      var dx = X[k] * view.scale + view.tx - px, dy = Y[k] * view.scale + view.ty - py;
      var d = dx * dx + dy * dy;
      var rr = Math.max(R[k] * view.scale, 2.5) + 3;
      if (d <= rr * rr && d < bestD) { best = k; bestD = d; }
    }
    return best;
  }

  function zoomAt(factor, px, py) {
    var ns = Math.min(Math.max(view.scale * factor, 0.005), 60);
    var f = ns / view.scale;
    view.tx = px - (px - view.tx) * f;
    view.ty = py - (py - view.ty) * f;
    view.scale = ns;
    requestDraw();
  }

  var drag = null;
  canvas.addEventListener("mousedown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, tx: view.tx, ty: view.ty, moved: false };
  });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) { view.tx = drag.tx + dx; view.ty = drag.ty + dy; requestDraw(); }
  });
  window.addEventListener("mouseup", function (ev) {
    if (!drag) return;
    var wasDrag = drag.moved;
    drag = null;
    if (wasDrag) return;
    var rect = canvas.getBoundingClientRect();
    var hit = nodeAt(ev.clientX - rect.left, ev.clientY - rect.top);
    if (ev.target !== canvas) return;
    if (hit >= 0 && (state.pathMode || ev.shiftKey)) {
      if (state.pathStart < 0) {
        state.pathStart = hit;
        setPath([]);
        select(hit, false);
      } else {
        var a = state.pathStart;
        state.pathStart = -1;
        pathBetween(D.nodes.id[a], D.nodes.id[hit]);
      }
      return;
    }
    select(hit, false);
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var rect = canvas.getBoundingClientRect();
    zoomAt(Math.exp(-ev.deltaY * 0.0015), ev.clientX - rect.left, ev.clientY - rect.top);
  }, { passive: false });

  document.getElementById("ib-zoom-in").addEventListener("click", function () { zoomAt(1.4, width / 2, height / 2); });
  document.getElementById("ib-zoom-out").addEventListener("click", function () { zoomAt(1 / 1.4, width / 2, height / 2); });
  document.getElementById("ib-fit").addEventListener("click", function () { fit(); requestDraw(); });
  var pathToggle = document.getElementById("ib-path-mode");
  pathToggle.addEventListener("change", function () {
    state.pathMode = pathToggle.checked;
    state.pathStart = -1;
    setStatus(state.pathMode ? "Path mode: click two nodes." : "");
  });
  document.getElementById("ib-clear").addEventListener("click", function () {
    state.pathStart = -1;
    searchBox.value = "";
    search("");
    setPath([]);
    select(-1);
  });

  // ---- legend -------------------------------------------------------------------------------
  (function legend() {
    var ul = document.getElementById("ib-legend");
    var counts = new Array(TYPE_NAMES.length).fill(0);
    for (var k = 0; k < N; k++) counts[D.nodes.t[k]]++;
    for (var t = 0; t < TYPE_NAMES.length; t++) {
      if (!counts[t]) continue;
      var li = document.createElement("li");
      var icon = document.createElement("canvas");
      icon.width = 18; icon.height = 18;
      var c = icon.getContext("2d");
      c.beginPath();
      shapePath(c, SHAPES[t], 9, 9, 7);
      c.fillStyle = COLOURS[t];
      c.fill();
      li.appendChild(icon);
      addText(li, "span", " " + TYPE_NAMES[t] + " (" + counts[t] + ")");
      ul.appendChild(li);
    }
  })();

  // ---- API and start -------------------------------------------------------------------------
  api.select = function (id) {
    var idx = indexOf.get(String(id));
    select(idx === undefined ? -1 : idx, true);
    return api.selected;
  };
  api.pathBetween = pathBetween;
  api.search = search;
  api.fit = function () { fit(); draw(); return view.scale; };
  api.zoom = function (factor) { zoomAt(factor, width / 2, height / 2); draw(); return view.scale; };
  api.redraw = function () { draw(); return api.drawnNodes; };
  api.detailsText = function () { return panel.textContent; };

  window.addEventListener("resize", function () { resize(); requestDraw(); });
  resize();
  fit();
  var tStart = performance.now();
  if (D.path && D.path.length) setPath(D.path); else showDetails();
  draw();
  api.firstRenderMs = performance.now() - tStart;
  api.ready = true;
  document.body.setAttribute("data-ready", "1");
})();
