/* intelbench link chart: one canvas, precomputed layout, no network access.
 * mountLinkChart(root, data, hooks) builds the chart inside `root` and returns its API.
 * The same function runs in the standalone HTML page and in the JupyterLab widget.
 * Every user string is put on the page with textContent or canvas fillText, never as markup. */
function mountLinkChart(root, D, hooks) {
  "use strict";
  var tMount = performance.now();
  hooks = hooks || {};
  var N = D.nodes.id.length;
  var M = D.edges.s.length;
  var TYPES = D.types, TYPE_COLOURS = D.typeColours, LINKS = D.linkStyles;
  var PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
    "#1f78b4", "#b2182b", "#4d4d4d", "#80b1d3", "#fb8072"];
  var NO_VALUE = "#bdbdbd";
  var NODE_FONT = "11px sans-serif", LINK_FONT = "10px sans-serif", LABEL_H = 13;
  var MAX_LABEL = 40, MAX_ICONS = 1500;
  var ICONS = D.icons.map(function (d) { return new Path2D(d); });
  var CHUNK = 1000;
  var tintCache = new Map();
  function tint(hex, a) {  // the colour at opacity a over white, as an opaque colour
    var key = hex + a, out = tintCache.get(key);
    if (out) return out;
    var v = parseInt(String(hex).slice(1), 16);
    if (!isFinite(v)) return hex;
    var r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
    out = "rgb(" + Math.round(255 - a * (255 - r)) + "," + Math.round(255 - a * (255 - g)) + "," +
      Math.round(255 - a * (255 - b)) + ")";
    tintCache.set(key, out);
    return out;
  }
  LINKS.forEach(function (st) { st.soft = tint(st.colour, 0.75); st.faint = tint(st.colour, 0.3); });
  var i;

  // ---- DOM -------------------------------------------------------------------------------
  function h(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function button(text, cls, title) {
    var b = h("button", cls, text); b.type = "button"; if (title) b.title = title; return b;
  }
  clear(root);
  root.classList.add("ib-chart");
  var top = h("div", "ib-marking ib-marking-top", D.marking);
  top.setAttribute("role", "note");
  var bar = h("div", "ib-bar");
  var titleEl = h("h1", "ib-title", D.title);
  var searchBox = h("input", "ib-search");
  searchBox.type = "search"; searchBox.placeholder = "Search labels";
  searchBox.setAttribute("aria-label", "Search labels");
  var zin = button("+", "ib-zoom-in", "Zoom in"), zout = button("\u2212", "ib-zoom-out", "Zoom out");
  var fitBtn = button("Fit", "ib-fit", "Fit the chart to the window");
  var pathLabel = h("label", "ib-path-label");
  var pathToggle = h("input", "ib-path-mode"); pathToggle.type = "checkbox";
  pathLabel.appendChild(pathToggle); pathLabel.appendChild(document.createTextNode(" Path (click two nodes)"));
  var colourLabel = h("label", "ib-colour-label", "Colour by ");
  var colourSel = h("select", "ib-colour-by");
  colourLabel.appendChild(colourSel);
  var layoutSel = h("select", "ib-layout-kind");
  layoutSel.setAttribute("aria-label", "Layout");
  [["organic", "Organic"], ["grouped", "Grouped"], ["radial", "Radial"]].forEach(function (o) {
    var op = h("option", null, o[1]); op.value = o[0]; layoutSel.appendChild(op);
  });
  layoutSel.title = "Organic: force-directed. Grouped: one cluster per value of the colour " +
    "attribute (OCG, community, else entity type). Radial: rings by links from the selected node.";
  var relayoutBtn = button("Re-layout", "ib-relayout",
    "Lay out the shown nodes again; pinned nodes stay where they are");
  var showAllBtn = button("Show hidden", "ib-show-all", "Show every hidden node again");
  var clearBtn = button("Clear", "ib-clear", "Clear selection, path and search");
  var statusEl = h("span", "ib-status"); statusEl.setAttribute("role", "status");
  [titleEl, searchBox, zin, zout, fitBtn, layoutSel, relayoutBtn, pathLabel, colourLabel, showAllBtn,
    clearBtn, statusEl]
    .forEach(function (el) { bar.appendChild(el); });
  var main = h("div", "ib-main");
  var stage = h("div", "ib-stage");
  var canvas = h("canvas", "ib-canvas");
  stage.appendChild(canvas);
  var side = h("div", "ib-side");
  var legendEl = h("div", "ib-legend");
  var results = h("ul", "ib-results");
  var panel = h("div", "ib-details");
  side.appendChild(h("h3", null, "Legend")); side.appendChild(legendEl);
  side.appendChild(results); side.appendChild(panel);
  main.appendChild(stage); main.appendChild(side);
  var bottom = h("div", "ib-marking ib-marking-bottom", D.marking);
  bottom.setAttribute("role", "note");
  [top, bar, main, bottom].forEach(function (el) { root.appendChild(el); });
  var ctx = canvas.getContext("2d");

  // ---- data ------------------------------------------------------------------------------
  var adj = new Array(N);
  for (i = 0; i < N; i++) adj[i] = [];
  for (i = 0; i < M; i++) {
    adj[D.edges.s[i]].push(i);
    if (D.edges.t[i] !== D.edges.s[i]) adj[D.edges.t[i]].push(i);
  }
  var indexOf = new Map();
  for (i = 0; i < N; i++) indexOf.set(String(D.nodes.id[i]), i);
  var X = Float64Array.from(D.nodes.x), Y = Float64Array.from(D.nodes.y), R = D.nodes.r;
  var labelText = D.nodes.label.map(function (l) {
    l = String(l); return l.length > MAX_LABEL ? l.slice(0, MAX_LABEL - 1) + "\u2026" : l;
  });
  var labelW = new Float64Array(N).fill(-1);
  var edgeText = new Array(M);
  for (i = 0; i < M; i++) {
    edgeText[i] = D.edges.lt[i].map(function (k) { return LINKS[k].label; })
      .filter(function (v, j, a) { return v && a.indexOf(v) === j; }).join(", ");
  }
  var edgeW = new Float64Array(M).fill(-1);
  var order = D.nodes.order;          // node indices, most important first
  var edgeOrder = D.edges.order;      // edge indices, heaviest first
  var pinned = new Uint8Array(N), hidden = new Uint8Array(N);
  var notes = new Map();
  var L = D.layout || {};
  (L.pinned || []).forEach(function (k) { pinned[k] = 1; });
  (L.hidden || []).forEach(function (k) { hidden[k] = 1; });
  Object.keys(L.notes || {}).forEach(function (k) { notes.set(Number(k), String(L.notes[k])); });

  var view = { scale: 1, tx: 0, ty: 0 };
  var dpr = window.devicePixelRatio || 1;
  var width = 0, height = 0;
  var SX = new Float64Array(N), SY = new Float64Array(N), SR = new Float64Array(N);
  var vis = new Uint8Array(N);
  var nodeColour = new Array(N);
  var colourBy = "";

  var state = {
    selected: -1, selection: new Set(), neighbours: new Set(), pathNodes: new Set(),
    pathEdges: new Set(), path: [], pathStart: -1, pathMode: false, searchHits: new Set(),
    hover: -1,
  };
  var api = {
    nodeCount: N, edgeCount: M, drawnNodes: 0, drawnEdges: 0, drawnLabels: 0,
    drawnLinkLabels: 0, labels: [], frames: 0, renderMs: 0, firstRenderMs: 0, ready: false,
    selected: null, path: [], root: root,
  };

  // ---- colours ---------------------------------------------------------------------------
  function attrOf(name) { return D.attrs && D.attrs[name]; }
  function setColourBy(name) {
    colourBy = attrOf(name) ? name : "";
    colourSel.value = colourBy;
    var a = attrOf(colourBy);
    for (var k = 0; k < N; k++) {
      if (!a) nodeColour[k] = TYPE_COLOURS[D.nodes.t[k]];
      else {
        var c = a.codes[k];
        nodeColour[k] = c < 0 ? NO_VALUE : PALETTE[c % PALETTE.length];
      }
    }
    legend();
    requestDraw();
  }

  // ---- geometry --------------------------------------------------------------------------
  function resize() {
    var rect = stage.getBoundingClientRect();
    width = Math.max(50, rect.width);
    height = Math.max(50, rect.height);
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
  }
  function fit() {
    var minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
    for (var k = 0; k < N; k++) {
      if (hidden[k]) continue;
      if (X[k] - R[k] < minx) minx = X[k] - R[k];
      if (X[k] + R[k] > maxx) maxx = X[k] + R[k];
      if (Y[k] - R[k] < miny) miny = Y[k] - R[k];
      if (Y[k] + R[k] > maxy) maxy = Y[k] + R[k];
    }
    if (minx === Infinity) { view.scale = 1; view.tx = width / 2; view.ty = height / 2; return; }
    var pad = 40;
    var w = Math.max(maxx - minx, 1), hh = Math.max(maxy - miny, 1);
    view.scale = Math.min((width - 2 * pad) / w, (height - 2 * pad) / hh, 3);
    view.tx = width / 2 - view.scale * (minx + maxx) / 2;
    view.ty = height / 2 - view.scale * (miny + maxy) / 2;
  }

  // ---- label placement: a grid of placed boxes, most important label first ---------------
  var CELL = 64, grid = new Map();
  function gridKey(cx, cy) { return cx * 100003 + cy; }
  function hits(x0, y0, x1, y1) {
    var c0 = Math.floor(x0 / CELL), c1 = Math.floor(x1 / CELL);
    var r0 = Math.floor(y0 / CELL), r1 = Math.floor(y1 / CELL);
    for (var cx = c0; cx <= c1; cx++) for (var cy = r0; cy <= r1; cy++) {
      var list = grid.get(gridKey(cx, cy));
      if (!list) continue;
      for (var q = 0; q < list.length; q += 4) {
        if (x0 < list[q + 2] && x1 > list[q] && y0 < list[q + 3] && y1 > list[q + 1]) return true;
      }
    }
    return false;
  }
  function occupy(x0, y0, x1, y1) {
    var c0 = Math.floor(x0 / CELL), c1 = Math.floor(x1 / CELL);
    var r0 = Math.floor(y0 / CELL), r1 = Math.floor(y1 / CELL);
    for (var cx = c0; cx <= c1; cx++) for (var cy = r0; cy <= r1; cy++) {
      var key = gridKey(cx, cy), list = grid.get(key);
      if (!list) { list = []; grid.set(key, list); }
      list.push(x0, y0, x1, y1);
    }
  }
  function nodeLabelWidth(k) {
    if (labelW[k] < 0) { ctx.font = NODE_FONT; labelW[k] = ctx.measureText(labelText[k]).width; }
    return labelW[k];
  }
  function edgeLabelWidth(e) {
    if (edgeW[e] < 0) { ctx.font = LINK_FONT; edgeW[e] = ctx.measureText(edgeText[e]).width; }
    return edgeW[e];
  }
  function placeLabels(nVis) {
    grid = new Map();
    var placed = [];
    var maxLabels = 600, tries = 0;
    // node discs are obstacles when they are big enough to read
    if (nVis <= 4000) {
      for (var k = 0; k < N; k++) {
        if (vis[k] && SR[k] >= 4) occupy(SX[k] - SR[k], SY[k] - SR[k], SX[k] + SR[k], SY[k] + SR[k]);
      }
    }
    var forced = [];
    if (state.selected >= 0) forced.push(state.selected);
    state.selection.forEach(function (v) { forced.push(v); });
    state.pathNodes.forEach(function (v) { forced.push(v); });
    state.neighbours.forEach(function (v) { forced.push(v); });
    state.searchHits.forEach(function (v) { forced.push(v); });
    var done = new Uint8Array(N);
    function tryNode(k) {
      if (done[k] || !vis[k]) return;
      done[k] = 1;
      tries++;
      var w = nodeLabelWidth(k) + 4, x = SX[k], y = SY[k], r = SR[k];
      var cands = [
        [x - w / 2, y + r + 1], [x - w / 2, y - r - 1 - LABEL_H],
        [x + r + 2, y - LABEL_H / 2], [x - r - 2 - w, y - LABEL_H / 2],
      ];
      for (var c = 0; c < cands.length; c++) {
        var x0 = cands[c][0], y0 = cands[c][1];
        if (x0 < 0 || y0 < 0 || x0 + w > width || y0 + LABEL_H > height) continue;
        if (hits(x0, y0, x0 + w, y0 + LABEL_H)) continue;
        occupy(x0, y0, x0 + w, y0 + LABEL_H);
        placed.push({ k: k, x: x0, y: y0, w: w, kind: "node" });
        return;
      }
    }
    for (var f = 0; f < forced.length && placed.length < maxLabels; f++) tryNode(forced[f]);
    for (var o = 0; o < order.length && placed.length < maxLabels && tries < 1200; o++) tryNode(order[o]);
    // link labels: what the link is, where the link is long enough to carry it
    var linkPlaced = 0;
    if (api.drawnEdges <= 3000) {
      for (var q = 0; q < edgeOrder.length && linkPlaced < 400; q++) {
        var e = edgeOrder[q], a = D.edges.s[e], b = D.edges.t[e];
        if (!vis[a] || !vis[b] || hidden[a] || hidden[b] || !edgeText[e]) continue;
        var dx = SX[b] - SX[a], dy = SY[b] - SY[a];
        var len = Math.sqrt(dx * dx + dy * dy) - SR[a] - SR[b];
        var lw = edgeLabelWidth(e) + 4;
        if (len < lw + 10) continue;
        var mx = (SX[a] + SX[b]) / 2 - lw / 2, my = (SY[a] + SY[b]) / 2 - 6;
        if (mx < 0 || my < 0 || mx + lw > width || my + 12 > height) continue;
        if (hits(mx, my, mx + lw, my + 12)) continue;
        occupy(mx, my, mx + lw, my + 12);
        placed.push({ e: e, x: mx, y: my, w: lw, kind: "link" });
        linkPlaced++;
      }
    }
    return placed;
  }

  // ---- drawing ---------------------------------------------------------------------------
  var scheduled = false;
  function requestDraw() {
    if (scheduled) return;
    scheduled = true;
    window.requestAnimationFrame(function () { scheduled = false; draw(); });
  }
  function isMarked(k) {
    return k === state.selected || state.selection.has(k) || state.neighbours.has(k) ||
      state.pathNodes.has(k) || state.searchHits.has(k);
  }
  function drawDisc(k, alpha) {
    var x = SX[k], y = SY[k], r = SR[k];
    ctx.globalAlpha = alpha;
    ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fillStyle = nodeColour[k]; ctx.fill();
    ctx.lineWidth = 1; ctx.strokeStyle = "#ffffff"; ctx.stroke();
    var sc = r / 14;
    ctx.setTransform(dpr * sc, 0, 0, dpr * sc, dpr * (x - 12 * sc), dpr * (y - 12 * sc));
    ctx.fillStyle = "#ffffff";
    ctx.fill(ICONS[D.nodes.t[k]], "evenodd");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
  }
  function draw() {
    var t0 = performance.now();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    var s = view.scale, tx = view.tx, ty = view.ty, margin = 40;
    var emph = state.selected >= 0 || state.selection.size > 0 || state.pathNodes.size > 0;
    var nVis = 0, k;
    var rScale = Math.min(1.6, Math.max(s, N > 1000 ? 0.3 : 0.7));
    for (k = 0; k < N; k++) {
      var sx = X[k] * s + tx, sy = Y[k] * s + ty, rr = Math.max(R[k] * rScale, 2.5);
      SX[k] = sx; SY[k] = sy; SR[k] = rr;
      var v = !hidden[k] && sx + rr >= -margin && sx - rr <= width + margin &&
        sy + rr >= -margin && sy - rr <= height + margin;
      vis[k] = v ? 1 : 0;
      if (v) nVis++;
    }
    // links, batched by style and width; emphasised ones after
    var buckets = new Map(), hot = [], drawnEdges = 0;
    for (var e = 0; e < M; e++) {
      var a = D.edges.s[e], b = D.edges.t[e];
      if (hidden[a] || hidden[b] || (!vis[a] && !vis[b])) continue;
      drawnEdges++;
      if (state.pathEdges.has(e) || (emph && (state.selection.has(a) || state.selection.has(b)))) {
        hot.push(e); continue;
      }
      var key = D.edges.st[e] * 64 + D.edges.w[e];
      var list = buckets.get(key);
      if (!list) { list = []; buckets.set(key, list); }
      list.push(e);
    }
    api.drawnEdges = drawnEdges;
    var dashes = drawnEdges <= 3000;
    var wf = Math.min(1, Math.sqrt(s));
    // opaque tints, and paths of at most CHUNK segments: a translucent stroke of one huge
    // path makes the rasteriser resolve every crossing (tens of seconds at 60,000 links)
    buckets.forEach(function (list, key) {
      var st = LINKS[Math.floor(key / 64)];
      ctx.strokeStyle = emph ? st.faint : st.soft;
      ctx.lineWidth = drawnEdges > 5000 ? 0.5 : Math.max(0.6, (key % 64) * wf);
      ctx.setLineDash(dashes ? st.dash : []);
      for (var q0 = 0; q0 < list.length; q0 += CHUNK) {
        ctx.beginPath();
        var qEnd = Math.min(list.length, q0 + CHUNK);
        for (var q = q0; q < qEnd; q++) {
          var ee = list[q], a2 = D.edges.s[ee], b2 = D.edges.t[ee];
          ctx.moveTo(SX[a2], SY[a2]); ctx.lineTo(SX[b2], SY[b2]);
        }
        ctx.stroke();
      }
    });
    for (var hh = 0; hh < hot.length; hh++) {
      var he = hot[hh], ha = D.edges.s[he], hb = D.edges.t[he], hs = LINKS[D.edges.st[he]];
      ctx.strokeStyle = state.pathEdges.has(he) ? "#e6007e" : hs.colour;
      ctx.setLineDash(hs.dash);
      ctx.lineWidth = Math.max(2, D.edges.w[he] * wf + 1.5);
      ctx.beginPath(); ctx.moveTo(SX[ha], SY[ha]); ctx.lineTo(SX[hb], SY[hb]); ctx.stroke();
    }
    ctx.setLineDash([]);
    var tEdges = performance.now();
    // nodes: small ones batched by colour, readable ones as icon discs
    var drawn = 0, small = new Map(), big = [];
    for (k = 0; k < N; k++) {
      if (!vis[k]) continue;
      drawn++;
      if (SR[k] < 6 && !isMarked(k)) {
        var col = nodeColour[k], sl = small.get(col);
        if (!sl) { sl = []; small.set(col, sl); }
        sl.push(k);
      } else big.push(k);
    }
    if (big.length > MAX_ICONS) {
      // too many to draw one by one: plain discs, batched (icons appear as you zoom in)
      var rest = [];
      for (var bj = 0; bj < big.length; bj++) {
        var kb = big[bj];
        if (isMarked(kb)) { rest.push(kb); continue; }
        var cb = nodeColour[kb], lb = small.get(cb);
        if (!lb) { lb = []; small.set(cb, lb); }
        lb.push(kb);
      }
      big = rest;
    }
    small.forEach(function (list, col) {
      ctx.fillStyle = emph ? tint(col, 0.55) : col;
      for (var q0 = 0; q0 < list.length; q0 += CHUNK) {
        ctx.beginPath();
        var qEnd = Math.min(list.length, q0 + CHUNK);
        for (var q = q0; q < qEnd; q++) {
          var n = list[q];
          ctx.moveTo(SX[n] + SR[n], SY[n]); ctx.arc(SX[n], SY[n], SR[n], 0, 2 * Math.PI);
        }
        ctx.fill();
      }
    });
    for (var bi = 0; bi < big.length; bi++) {
      k = big[bi];
      var marked = isMarked(k);
      drawDisc(k, emph && !marked ? 0.6 : 1);
      if (marked) {
        ctx.beginPath(); ctx.arc(SX[k], SY[k], SR[k] + 2, 0, 2 * Math.PI);
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = state.selection.has(k) || k === state.selected ? "#000000" :
          (state.pathNodes.has(k) ? "#e6007e" : (state.searchHits.has(k) ? "#f5a623" : "#777777"));
        ctx.stroke();
      }
      if (pinned[k] && SR[k] >= 6) {
        ctx.beginPath(); ctx.arc(SX[k] - SR[k] * 0.75, SY[k] - SR[k] * 0.75, 3, 0, 2 * Math.PI);
        ctx.fillStyle = "#222222"; ctx.fill();
      }
      if (notes.has(k) && SR[k] >= 6) {
        ctx.fillStyle = "#ffd60a"; ctx.strokeStyle = "#7a5c00"; ctx.lineWidth = 1;
        ctx.fillRect(SX[k] + SR[k] * 0.55, SY[k] - SR[k] - 2, 7, 7);
        ctx.strokeRect(SX[k] + SR[k] * 0.55, SY[k] - SR[k] - 2, 7, 7);
      }
    }
    var tNodes = performance.now();
    // labels, placed without overlap
    var placed = placeLabels(nVis);
    var tPlace = performance.now();
    var out = [], nl = 0, ll = 0;
    ctx.textAlign = "left"; ctx.textBaseline = "top";
    for (var p = 0; p < placed.length; p++) {
      var P = placed[p];
      ctx.fillStyle = "rgba(255,255,255,0.82)";
      if (P.kind === "node") {
        ctx.fillRect(P.x, P.y, P.w, LABEL_H);
        ctx.font = NODE_FONT; ctx.fillStyle = "#111111";
        ctx.fillText(labelText[P.k], P.x + 2, P.y + 1);
        out.push({ text: labelText[P.k], x: P.x + 2, y: P.y + 1, font: NODE_FONT, kind: "node",
          id: String(D.nodes.id[P.k]) });
        nl++;
      } else {
        ctx.fillRect(P.x, P.y, P.w, 12);
        ctx.font = LINK_FONT; ctx.fillStyle = LINKS[D.edges.st[P.e]].colour;
        ctx.fillText(edgeText[P.e], P.x + 2, P.y + 1);
        out.push({ text: edgeText[P.e], x: P.x + 2, y: P.y + 1, font: LINK_FONT, kind: "link" });
        ll++;
      }
    }
    // hover card (not a placed label: it sits above everything until the mouse moves on)
    if (state.hover >= 0 && vis[state.hover]) {
      var hk = state.hover;
      var lines = [String(D.nodes.label[hk]), TYPES[D.nodes.t[hk]]];
      if (notes.has(hk)) lines.push("Note: " + notes.get(hk));
      ctx.font = NODE_FONT;
      var tw = 0;
      lines.forEach(function (t) { tw = Math.max(tw, ctx.measureText(t).width); });
      var bx = Math.min(SX[hk] + SR[hk] + 6, width - tw - 12), by = Math.max(SY[hk] - 8, 2);
      ctx.fillStyle = "rgba(255,255,224,0.97)"; ctx.strokeStyle = "#888888"; ctx.lineWidth = 1;
      ctx.fillRect(bx, by, tw + 10, lines.length * 14 + 6);
      ctx.strokeRect(bx, by, tw + 10, lines.length * 14 + 6);
      ctx.fillStyle = "#111111";
      lines.forEach(function (t, j) { ctx.fillText(t, bx + 5, by + 4 + j * 14); });
    }
    api.timing = { edges: tEdges - t0, nodes: tNodes - tEdges, place: tPlace - tNodes,
      labels: performance.now() - tPlace };
    api.labels = out;
    api.drawnNodes = drawn;
    api.drawnLabels = nl;
    api.drawnLinkLabels = ll;
    api.frames++;
    api.renderMs = performance.now() - t0;
    api.scale = view.scale;
  }

  // ---- details pane ----------------------------------------------------------------------
  function nodeButton(parent, idx) {
    var btn = button(D.nodes.label[idx] + " (" + TYPES[D.nodes.t[idx]] + ")", "ib-link");
    btn.addEventListener("click", function () { select(idx, true, false); });
    parent.appendChild(btn);
    return btn;
  }
  function gradeText(e) {
    var seen = [], g = D.edges.g[e];
    for (var k = 0; k < g.length; k++) if (g[k] && seen.indexOf(g[k]) < 0) seen.push(g[k]);
    return seen.join(" ");
  }
  function edgeDetails(parent, e, other, from) {
    var box = h("div", "ib-edge");
    var head = h("div", "ib-edge-head");
    if (from !== undefined) { nodeButton(head, from); head.appendChild(document.createTextNode(" \u2013 ")); }
    nodeButton(head, other);
    box.appendChild(head);
    box.appendChild(h("div", "ib-edge-kind", (edgeText[e] || "link") + " | weight " +
      D.edges.wt[e] + " | count " + D.edges.c[e]));
    if (D.edges.fs[e] || D.edges.ls[e]) {
      box.appendChild(h("div", null, "First seen " + (D.edges.fs[e] || "?") + ", last seen " +
        (D.edges.ls[e] || "?")));
    }
    var reps = D.edges.r[e], grades = D.edges.g[e];
    if (reps.length) {
      var ul = h("ul", "ib-reports");
      for (var k = 0; k < reps.length; k++) {
        ul.appendChild(h("li", null, reps[k] + (grades[k] ? "  [" + grades[k] + "]" : "")));
      }
      box.appendChild(ul);
    } else if (gradeText(e)) {
      box.appendChild(h("div", null, "Grades: " + gradeText(e)));
    }
    parent.appendChild(box);
  }
  function neighboursOf(v) {
    var nb = [];
    for (var k = 0; k < adj[v].length; k++) {
      var e = adj[v][k], o = D.edges.s[e] === v ? D.edges.t[e] : D.edges.s[e];
      if (o !== v && nb.indexOf(o) < 0) nb.push(o);
    }
    return nb;
  }
  function layoutChanged() {
    if (hooks.onLayout) hooks.onLayout(layoutState());
  }
  function showDetails() {
    clear(panel);
    var v = state.selected;
    if (v >= 0) {
      panel.appendChild(h("h2", "ib-label", D.nodes.label[v]));
      panel.appendChild(h("div", null, "Type: " + TYPES[D.nodes.t[v]]));
      panel.appendChild(h("div", "ib-id", "Id: " + D.nodes.id[v]));
      Object.keys(D.attrs || {}).forEach(function (name) {
        var a = D.attrs[name], c = a.codes[v];
        if (c >= 0) panel.appendChild(h("div", null, a.title + ": " + a.values[c]));
      });
      if (D.nodes.score) panel.appendChild(h("div", null, "Key-player score: " + D.nodes.score[v]));
      var extra = D.nodes.extra ? D.nodes.extra[v] : null;
      if (extra) Object.keys(extra).forEach(function (key) { panel.appendChild(h("div", null, key + ": " + extra[key])); });
      var tools = h("div", "ib-tools");
      var pinBtn = button(pinned[v] ? "Unpin" : "Pin", "ib-pin");
      pinBtn.addEventListener("click", function () { pinned[v] = pinned[v] ? 0 : 1; showDetails(); requestDraw(); layoutChanged(); });
      var hideBtn = button("Hide", "ib-hide");
      hideBtn.addEventListener("click", function () { hideNodes([v]); });
      var hideNb = button("Hide neighbours", "ib-hide-nb");
      hideNb.addEventListener("click", function () { hideNodes(neighboursOf(v)); });
      var expand = button("Expand", "ib-expand", "Show this node's hidden neighbours");
      expand.addEventListener("click", function () { expandNode(v); });
      [pinBtn, hideBtn, hideNb, expand].forEach(function (b) { tools.appendChild(b); });
      panel.appendChild(tools);
      var noteBox = h("textarea", "ib-note");
      noteBox.rows = 2; noteBox.placeholder = "Note on this node";
      noteBox.value = notes.get(v) || "";
      var noteBtn = button("Save note", "ib-note-save");
      noteBtn.addEventListener("click", function () { setNote(v, noteBox.value); });
      panel.appendChild(noteBox); panel.appendChild(noteBtn);
      if (notes.has(v)) panel.appendChild(h("div", "ib-note-text", "Note: " + notes.get(v)));
      panel.appendChild(h("div", null, "Links: " + adj[v].length));
      panel.appendChild(h("h3", null, "Linked to"));
      var list = adj[v].slice(0, 200);
      for (var k = 0; k < list.length; k++) {
        var e = list[k];
        edgeDetails(panel, e, D.edges.s[e] === v ? D.edges.t[e] : D.edges.s[e]);
      }
      if (adj[v].length > list.length) panel.appendChild(h("div", null, "(" + (adj[v].length - list.length) + " more)"));
    }
    if (state.selection.size > 1) panel.appendChild(h("div", "ib-hint", state.selection.size + " nodes selected."));
    if (state.path.length) {
      panel.appendChild(h("h3", null, "Path (" + (state.path.length - 1) + " links)"));
      var ol = h("ol", "ib-path");
      for (var p = 0; p < state.path.length; p++) { var li = h("li"); nodeButton(li, state.path[p]); ol.appendChild(li); }
      panel.appendChild(ol);
      state.pathEdges.forEach(function (pe) { edgeDetails(panel, pe, D.edges.t[pe], D.edges.s[pe]); });
    } else if (state.pathStart >= 0) {
      panel.appendChild(h("div", "ib-hint", "Path from " + D.nodes.label[state.pathStart] + ": click the other end."));
    }
    if (v < 0 && !state.path.length) panel.appendChild(h("div", "ib-hint", "Click a node to see its details; Ctrl-click to add to the selection; drag a node to move and pin it."));
  }
  function setStatus(text) { statusEl.textContent = text; }

  // ---- selection, hiding, notes, paths ----------------------------------------------------
  function selectedIds() {
    var out = [];
    state.selection.forEach(function (k) { out.push(String(D.nodes.id[k])); });
    return out;
  }
  function refreshSelection(notify) {
    var nb = new Set();
    if (state.selected >= 0) neighboursOf(state.selected).forEach(function (o) { nb.add(o); });
    state.selection.forEach(function (k) { nb.delete(k); });
    state.neighbours = nb;
    api.selected = state.selected >= 0 ? String(D.nodes.id[state.selected]) : null;
    showDetails();
    requestDraw();
    if (notify && hooks.onSelect) hooks.onSelect(selectedIds());
  }
  function select(idx, centre, add) {
    if (idx === null || idx === undefined || idx < 0 || idx >= N) {
      if (!add) { state.selected = -1; state.selection = new Set(); }
    } else if (add) {
      if (state.selection.has(idx)) {
        state.selection.delete(idx);
        if (state.selected === idx) state.selected = state.selection.size ? Array.from(state.selection).pop() : -1;
      } else { state.selection.add(idx); state.selected = idx; }
    } else {
      state.selection = new Set([idx]); state.selected = idx;
      if (centre) { view.tx = width / 2 - X[idx] * view.scale; view.ty = height / 2 - Y[idx] * view.scale; }
    }
    refreshSelection(true);
  }
  function setSelection(ids, notify) {
    var sel = new Set(), missing = [];
    (ids || []).forEach(function (id) {
      var k = indexOf.get(String(id));
      if (k === undefined) missing.push(String(id)); else { sel.add(k); hidden[k] = 0; }
    });
    state.selection = sel;
    state.selected = sel.size ? Array.from(sel)[sel.size - 1] : -1;
    refreshSelection(Boolean(notify));
    return missing;
  }
  function hideNodes(list) {
    list.forEach(function (k) {
      hidden[k] = 1; state.selection.delete(k);
      if (state.selected === k) state.selected = -1;
    });
    setStatus(countHidden() + " hidden");
    refreshSelection(true);
    layoutChanged();
  }
  function expandNode(v) {
    var shown = 0;
    neighboursOf(v).forEach(function (o) { if (hidden[o]) { hidden[o] = 0; shown++; } });
    hidden[v] = 0;
    setStatus(shown + " shown");
    requestDraw(); layoutChanged();
    return shown;
  }
  function countHidden() { var c = 0; for (var k = 0; k < N; k++) c += hidden[k]; return c; }
  function setNote(v, text) {
    text = String(text || "").trim();
    if (text) notes.set(v, text.slice(0, 2000)); else notes.delete(v);
    showDetails(); requestDraw(); layoutChanged();
  }
  function bfs(a, b) {
    if (a === b) return [a];
    var prev = new Int32Array(N).fill(-1), seen = new Uint8Array(N), queue = [a];
    seen[a] = 1;
    for (var head = 0; head < queue.length; head++) {
      var u = queue[head], list = adj[u];
      for (var k = 0; k < list.length; k++) {
        var e = list[k], w = D.edges.s[e] === u ? D.edges.t[e] : D.edges.s[e];
        if (seen[w] || hidden[w]) continue;
        seen[w] = 1; prev[w] = u;
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
    state.path = path; state.pathNodes = new Set(path); state.pathEdges = new Set();
    for (var k = 0; k + 1 < path.length; k++) {
      var u = path[k], w = path[k + 1], best = -1;
      for (var q = 0; q < adj[u].length; q++) {
        var e = adj[u][q], o = D.edges.s[e] === u ? D.edges.t[e] : D.edges.s[e];
        if (o === w && (best < 0 || D.edges.wt[e] > D.edges.wt[best])) best = e;
      }
      if (best >= 0) state.pathEdges.add(best);
    }
    api.path = path.map(function (p) { return String(D.nodes.id[p]); });
    showDetails(); requestDraw();
  }
  function pathBetween(a, b) {
    var ia = indexOf.get(String(a)), ib = indexOf.get(String(b));
    if (ia === undefined || ib === undefined) return null;
    var path = bfs(ia, ib);
    setPath(path);
    setStatus(path.length ? "Shortest path: " + (path.length - 1) + " links." : "No path between these two.");
    return api.path.slice();
  }

  // ---- search ----------------------------------------------------------------------------
  var lowerLabels = D.nodes.label.map(function (l) { return String(l).toLowerCase(); });
  function search(qs) {
    qs = String(qs || "").trim().toLowerCase();
    clear(results);
    state.searchHits = new Set();
    var found = [];
    if (qs) for (var k = 0; k < N; k++) {
      if (lowerLabels[k].indexOf(qs) >= 0 || String(D.nodes.id[k]).toLowerCase() === qs) found.push(k);
    }
    for (var f = 0; f < found.length && f < 25; f++) {
      var li = h("li"); nodeButton(li, found[f]); results.appendChild(li);
      state.searchHits.add(found[f]);
    }
    if (found.length > 25) results.appendChild(h("li", null, "(" + (found.length - 25) + " more)"));
    setStatus(qs ? found.length + " match(es)" : "");
    requestDraw();
    return found.map(function (p) { return String(D.nodes.id[p]); });
  }
  searchBox.addEventListener("input", function () { search(searchBox.value); });

  // ---- legend ----------------------------------------------------------------------------
  function iconSvg(t, colour) {
    var c = document.createElement("canvas");
    c.width = 18 * dpr; c.height = 18 * dpr;
    c.style.width = "18px"; c.style.height = "18px";
    c.className = "ib-icon";
    var g = c.getContext("2d");
    g.scale(dpr, dpr);
    g.beginPath(); g.arc(9, 9, 8.5, 0, 2 * Math.PI); g.fillStyle = colour; g.fill();
    g.translate(9 - 12 * 0.55, 9 - 12 * 0.55); g.scale(0.55, 0.55);
    g.fillStyle = "#ffffff"; g.fill(ICONS[t], "evenodd");
    return c;
  }
  function lineSvg(st) {
    var c = document.createElement("canvas");
    c.width = 30 * dpr; c.height = 10 * dpr;
    c.style.width = "30px"; c.style.height = "10px";
    var g = c.getContext("2d");
    g.scale(dpr, dpr);
    g.strokeStyle = st.colour; g.lineWidth = 2.5; g.setLineDash(st.dash);
    g.beginPath(); g.moveTo(1, 5); g.lineTo(29, 5); g.stroke();
    return c;
  }
  function legend() {
    clear(legendEl);
    var counts = new Array(TYPES.length).fill(0), k;
    for (k = 0; k < N; k++) counts[D.nodes.t[k]]++;
    var ul = h("ul", "ib-legend-types");
    for (var t = 0; t < TYPES.length; t++) {
      if (!counts[t]) continue;
      var li = h("li");
      li.appendChild(iconSvg(t, colourBy ? "#666666" : TYPE_COLOURS[t]));
      li.appendChild(h("span", null, " " + TYPES[t] + " (" + counts[t] + ")"));
      ul.appendChild(li);
    }
    legendEl.appendChild(ul);
    var a = attrOf(colourBy);
    if (a) {
      legendEl.appendChild(h("h4", null, "Colour: " + a.title));
      var ua = h("ul", "ib-legend-colours");
      var cc = new Array(a.values.length).fill(0), none = 0;
      for (k = 0; k < N; k++) { if (a.codes[k] >= 0) cc[a.codes[k]]++; else none++; }
      a.values.forEach(function (val, j) {
        var li2 = h("li"), sw = h("span", "ib-swatch");
        sw.style.background = PALETTE[j % PALETTE.length];
        li2.appendChild(sw); li2.appendChild(h("span", null, " " + val + " (" + cc[j] + ")"));
        ua.appendChild(li2);
      });
      if (none) {
        var ln = h("li"), sn = h("span", "ib-swatch"); sn.style.background = NO_VALUE;
        ln.appendChild(sn); ln.appendChild(h("span", null, " none (" + none + ")")); ua.appendChild(ln);
      }
      legendEl.appendChild(ua);
    }
    var lc = new Array(LINKS.length).fill(0);
    for (var e = 0; e < M; e++) lc[D.edges.st[e]]++;
    var ul2 = h("ul", "ib-legend-links");
    LINKS.forEach(function (st, j) {
      if (!lc[j]) return;
      var li3 = h("li"); li3.appendChild(lineSvg(st));
      li3.appendChild(h("span", null, " " + st.label + " (" + lc[j] + ")"));
      ul2.appendChild(li3);
    });
    legendEl.appendChild(h("h4", null, "Links"));
    legendEl.appendChild(ul2);
  }
  (function colourOptions() {
    var o = h("option", null, "Entity type"); o.value = ""; colourSel.appendChild(o);
    Object.keys(D.attrs || {}).forEach(function (name) {
      var op = h("option", null, D.attrs[name].title); op.value = name; colourSel.appendChild(op);
    });
    colourSel.addEventListener("change", function () { setColourBy(colourSel.value); });
  })();

  // ---- interaction -----------------------------------------------------------------------
  function nodeAt(px, py) {
    var best = -1, bestD = Infinity;
    for (var k = 0; k < N; k++) {
      if (hidden[k]) continue;
      var dx = SX[k] - px, dy = SY[k] - py, d = dx * dx + dy * dy, rr = SR[k] + 3;
      if (d <= rr * rr && d < bestD) { best = k; bestD = d; }
    }
    return best;
  }
  function zoomAt(factor, px, py) {
    var ns = Math.min(Math.max(view.scale * factor, 0.005), 60), f = ns / view.scale;
    view.tx = px - (px - view.tx) * f; view.ty = py - (py - view.ty) * f; view.scale = ns;
    requestDraw();
  }
  function local(ev) {
    var rect = canvas.getBoundingClientRect();
    return [ev.clientX - rect.left, ev.clientY - rect.top];
  }
  var drag = null;
  canvas.addEventListener("mousedown", function (ev) {
    var p = local(ev), k = nodeAt(p[0], p[1]);
    drag = { x: ev.clientX, y: ev.clientY, tx: view.tx, ty: view.ty, moved: false, node: k,
      nx: k >= 0 ? X[k] : 0, ny: k >= 0 ? Y[k] : 0 };
  });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) {
      if (ev.target !== canvas) return;
      var p = local(ev), k = nodeAt(p[0], p[1]);
      if (k !== state.hover) { state.hover = k; requestDraw(); }
      return;
    }
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (!drag.moved) return;
    if (drag.node >= 0) {
      X[drag.node] = drag.nx + dx / view.scale; Y[drag.node] = drag.ny + dy / view.scale;
      pinned[drag.node] = 1;
    } else { view.tx = drag.tx + dx; view.ty = drag.ty + dy; }
    requestDraw();
  });
  window.addEventListener("mouseup", function (ev) {
    if (!drag) return;
    var d = drag;
    drag = null;
    if (d.moved) { if (d.node >= 0) layoutChanged(); return; }
    if (ev.target !== canvas) return;
    var hit = d.node;
    if (hit >= 0 && (state.pathMode || ev.shiftKey)) {
      if (state.pathStart < 0) { state.pathStart = hit; setPath([]); select(hit, false, false); }
      else { var a = state.pathStart; state.pathStart = -1; pathBetween(D.nodes.id[a], D.nodes.id[hit]); }
      return;
    }
    select(hit, false, ev.ctrlKey || ev.metaKey);
  });
  canvas.addEventListener("mouseleave", function () { if (state.hover >= 0) { state.hover = -1; requestDraw(); } });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = local(ev);
    zoomAt(Math.exp(-ev.deltaY * 0.0015), p[0], p[1]);
  }, { passive: false });
  zin.addEventListener("click", function () { zoomAt(1.4, width / 2, height / 2); });
  zout.addEventListener("click", function () { zoomAt(1 / 1.4, width / 2, height / 2); });
  fitBtn.addEventListener("click", function () { fit(); requestDraw(); });
  pathToggle.addEventListener("change", function () {
    state.pathMode = pathToggle.checked; state.pathStart = -1;
    setStatus(state.pathMode ? "Path mode: click two nodes." : "");
  });
  showAllBtn.addEventListener("click", function () { hidden.fill(0); setStatus(""); requestDraw(); layoutChanged(); });
  clearBtn.addEventListener("click", function () {
    state.pathStart = -1; searchBox.value = ""; search(""); setPath([]); select(-1, false, false);
  });

  // ---- re-layout in the page (linkchart_layout.js), animated, then refit ---------------------
  var anim = null;
  function groupCodes() {
    var a = attrOf(colourBy) || attrOf("ocg") || attrOf("community");
    return a ? a.codes : D.nodes.t;
  }
  function firstShown() {  // the most important node shown
    for (var o = 0; o < order.length; o++) if (!hidden[order[o]]) return order[o];
    return undefined;
  }
  function relayout(kind, opts) {
    opts = opts || {};
    if (typeof linkChartLayout !== "function") throw new Error("the layout script is missing");
    if (anim) { window.cancelAnimationFrame(anim.frame); anim = null; }
    var t0 = performance.now();
    var active = new Uint8Array(N);
    for (var k = 0; k < N; k++) active[k] = hidden[k] ? 0 : 1;
    var centre = opts.centre !== undefined ? indexOf.get(String(opts.centre)) :
      (state.selected >= 0 && !hidden[state.selected] ? state.selected : firstShown());
    var res = linkChartLayout({ n: N, s: D.edges.s, t: D.edges.t, x: X, y: Y, r: R, active: active,
      pinned: pinned }, kind, { seed: opts.seed !== undefined ? opts.seed : (D.seed || 0),
      groups: groupCodes(), centre: centre });
    var tLayout = performance.now() - t0;
    var fromX = Float64Array.from(X), fromY = Float64Array.from(Y);
    function finish() {
      X.set(res.x); Y.set(res.y); anim = null;
      fit(); draw();
      // totalMs runs from the button to the last frame (with the animation, if any)
      api.lastRelayout = { kind: kind, moved: res.moved, layoutMs: tLayout,
        totalMs: performance.now() - t0, drawMs: api.renderMs, parts: res.ms };
      setStatus("Re-laid out " + res.moved + " nodes (" + kind + ")");
      layoutChanged();
    }
    var animate = opts.animate !== undefined ? opts.animate : res.moved <= 3000;
    if (!animate) { finish(); return api.lastRelayout; }
    // ease from the old positions to the new ones, then the final draw places the labels
    var start = performance.now(), dur = 450;
    anim = { frame: 0 };
    (function step() {
      var u = Math.min(1, (performance.now() - start) / dur), f = u * u * (3 - 2 * u);
      if (u >= 1) { finish(); return; }
      for (var q = 0; q < N; q++) {
        X[q] = fromX[q] + (res.x[q] - fromX[q]) * f; Y[q] = fromY[q] + (res.y[q] - fromY[q]) * f;
      }
      fit(); draw();
      anim.frame = window.requestAnimationFrame(step);
    })();
    return { kind: kind, moved: res.moved, layoutMs: tLayout, animating: true };
  }
  relayoutBtn.addEventListener("click", function () { relayout(layoutSel.value); });

  // ---- layout state (saved to the workspace from Python) -----------------------------------
  function layoutState() {
    var pos = {}, pins = [], hid = [], nts = {};
    for (var k = 0; k < N; k++) {
      var id = String(D.nodes.id[k]);
      pos[id] = [Math.round(X[k] * 10) / 10, Math.round(Y[k] * 10) / 10];
      if (pinned[k]) pins.push(id);
      if (hidden[k]) hid.push(id);
    }
    notes.forEach(function (text, k) { nts[String(D.nodes.id[k])] = text; });
    return { positions: pos, pinned: pins, hidden: hid, notes: nts };
  }

  // ---- API and start -----------------------------------------------------------------------
  api.select = function (id) { var k = indexOf.get(String(id)); select(k === undefined ? -1 : k, true, false); return api.selected; };
  api.setSelection = function (ids, notify) { return setSelection(ids, notify); };
  api.selectedIds = selectedIds;
  api.pathBetween = pathBetween;
  api.search = search;
  api.fit = function () { fit(); draw(); return view.scale; };
  api.zoom = function (factor, id) {
    var k = id === undefined ? undefined : indexOf.get(String(id));
    if (k !== undefined) { view.tx = width / 2 - X[k] * view.scale; view.ty = height / 2 - Y[k] * view.scale; }
    zoomAt(factor, width / 2, height / 2); draw(); return view.scale;
  };
  api.redraw = function () { draw(); return api.drawnNodes; };
  api.detailsText = function () { return panel.textContent; };
  api.view = function () { return { scale: view.scale, tx: view.tx, ty: view.ty }; };
  api.colourBy = function (name) { setColourBy(name); draw(); return colourBy; };
  api.hide = function (ids) { hideNodes(ids.map(function (id) { return indexOf.get(String(id)); }).filter(function (k) { return k !== undefined; })); draw(); return countHidden(); };
  api.expand = function (id) { var k = indexOf.get(String(id)); var n = k === undefined ? 0 : expandNode(k); draw(); return n; };
  api.setNote = function (id, text) { var k = indexOf.get(String(id)); if (k !== undefined) setNote(k, text); };
  api.layoutState = layoutState;
  api.relayout = function (kind, opts) { return relayout(kind || layoutSel.value, opts); };
  api.animating = function () { return anim !== null; };
  api.position = function (id) { var k = indexOf.get(String(id)); return k === undefined ? null : [X[k], Y[k]]; };
  api.hovered = function () { return state.hover >= 0 ? String(D.nodes.id[state.hover]) : null; };
  api.hiddenCount = countHidden;
  api.pixelColour = function (id) {
    var k = indexOf.get(String(id)); if (k === undefined) return null; return nodeColour[k];
  };
  api.screenPos = function (id) {
    var k = indexOf.get(String(id));
    if (k === undefined) return null;
    var rect = canvas.getBoundingClientRect();
    return [rect.left + X[k] * view.scale + view.tx, rect.top + Y[k] * view.scale + view.ty];
  };
  window.addEventListener("resize", function () { resize(); requestDraw(); });
  setColourBy(D.colourBy || "");
  if (D.path && D.path.length) setPath(D.path); else showDetails();
  resize();
  fit();
  ctx.font = NODE_FONT;
  var tStart = performance.now();
  draw();
  api.firstRenderMs = performance.now() - tStart;
  api.firstTiming = api.timing;
  api.paintedMs = null;  // until the first frame with the chart has been produced
  window.requestAnimationFrame(function () {
    window.requestAnimationFrame(function () { api.paintedMs = performance.now() - tStart; });
  });
  api.mountMs = performance.now() - tMount;
  api.mountStart = tMount;
  api.ready = true;
  root.setAttribute("data-ready", "1");
  return api;
}
