/* intelbench link chart: re-layout in the page (organic, grouped, radial); no network access.
 * linkChartLayout(G, kind, opts) returns new positions for the active, unpinned nodes of G:
 *   G = {n, s, t (edge end arrays), x, y (positions), r (radii), active, pinned (0/1 arrays)}
 *   kind = "organic" | "grouped" | "radial"
 *   opts = {seed, groups (code per node, -1 for none), centre (node index), spacing}
 * The result is {x, y} (Float64Arrays of length n): inactive and pinned nodes keep exactly
 * the positions they had. The same input and seed give the same output. */
var linkChartLayout = (function () {
"use strict";

// Barnes-Hut repulsion (k^2 / d) on every node from the quadtree T; adds to dx, dy.
function repel(m, px, py, dx, dy, root, T, k2, theta2, rng) {
  var kid = T.kid, leaf = T.leaf, mass = T.mass, mx = T.mx, my = T.my, half = T.half;
  var stack = T.stack, cap = stack.length - 4;
  for (var q = 0; q < m; q++) {
    var x = px[q], y = py[q], fx = 0, fy = 0, top = 0;
    stack[top++] = root;
    while (top > 0) {
      var c = stack[--top], lf = leaf[c];
      if (lf === q) continue;
      var ddx = x - mx[c], ddy = y - my[c], d2 = ddx * ddx + ddy * ddy, size = 2 * half[c];
      if (lf !== -1 || size * size < theta2 * d2) {
        if (d2 < 1e-4) {  // coincident: a fixed, seeded direction
          var ang = rng() * 2 * Math.PI;
          ddx = Math.cos(ang) * 0.01; ddy = Math.sin(ang) * 0.01; d2 = 1e-4;
        }
        var f = k2 * mass[c] / d2;
        fx += ddx * f; fy += ddy * f;
      } else if (top < cap) {
        var b = 4 * c, k0 = kid[b], k1 = kid[b + 1], k2c = kid[b + 2], k3 = kid[b + 3];
        if (k0 >= 0) stack[top++] = k0;
        if (k1 >= 0) stack[top++] = k1;
        if (k2c >= 0) stack[top++] = k2c;
        if (k3 >= 0) stack[top++] = k3;
      }
    }
    dx[q] = fx; dy[q] = fy;
  }
}

// Links pull (d^2 / k), a spring pulls each node to its target, and every free node moves
// along its net force by at most temp.
function move(m, px, py, dx, dy, es, et, ls, fixed, k, temp, tx, ty, pull, gravity, cx, cy) {
  var e, q, ne = es.length;
  for (e = 0; e < ne; e++) {
    var u = es[e], v = et[e], ex = px[u] - px[v], ey = py[u] - py[v];
    var dist = Math.sqrt(ex * ex + ey * ey);
    if (dist < 1e-9) continue;
    var fa = ls === null ? dist / k : dist / k * ls[e];
    dx[u] -= ex * fa; dy[u] -= ey * fa; dx[v] += ex * fa; dy[v] += ey * fa;
  }
  for (q = 0; q < m; q++) {
    if (fixed[q]) continue;
    var gx = tx ? tx[q] : cx, gy = ty ? ty[q] : cy, g = pull ? pull[q] : gravity;
    // a spring to the target: it balances the repulsion of a disc of nodes about
    // k * sqrt(pi / g) apart, so separate parts of the chart sit side by side
    var fx = dx[q] - (px[q] - gx) * g, fy = dy[q] - (py[q] - gy) * g;
    var len = Math.sqrt(fx * fx + fy * fy);
    if (len > temp) { fx *= temp / len; fy *= temp / len; }
    px[q] += fx; py[q] += fy;
  }
}

function layout(G, kind, opts) {
  opts = opts || {};
  var n = G.n, k = opts.spacing || 80, i, j, e, GRAVITY = 1;
  var X = Float64Array.from(G.x), Y = Float64Array.from(G.y);
  var seed = (opts.seed >>> 0) || 0, tStart = performance.now();
  function rng() {  // mulberry32
    seed = (seed + 0x6D2B79F5) >>> 0;
    var t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  var act = [], loc = new Int32Array(n).fill(-1);
  for (i = 0; i < n; i++) if (G.active[i]) { loc[i] = act.length; act.push(i); }
  var m = act.length;
  if (!m) return { x: X, y: Y, moved: 0 };
  var fixed = new Uint8Array(m), px = new Float64Array(m), py = new Float64Array(m);
  var rad = new Float64Array(m), nFixed = 0;
  for (j = 0; j < m; j++) {
    i = act[j]; px[j] = X[i]; py[j] = Y[i]; rad[j] = G.r[i];
    if (G.pinned[i]) { fixed[j] = 1; nFixed++; }
  }
  // links between active nodes, as local index pairs (self-links and repeats dropped)
  var es = [], et = [], seen = new Set();
  for (e = 0; e < G.s.length; e++) {
    var a = loc[G.s[e]], b = loc[G.t[e]];
    if (a < 0 || b < 0 || a === b) continue;
    var key = a < b ? a * m + b : b * m + a;
    if (seen.has(key)) continue;
    seen.add(key); es.push(a); et.push(b);
  }
  var deg = new Int32Array(m);
  for (e = 0; e < es.length; e++) { deg[es[e]]++; deg[et[e]]++; }
  var cx = 0, cy = 0;
  for (j = 0; j < m; j++) { cx += px[j]; cy += py[j]; }
  cx /= m; cy /= m;
  if (nFixed) {  // the pinned nodes anchor the chart: centre on them
    cx = 0; cy = 0;
    for (j = 0; j < m; j++) if (fixed[j]) { cx += px[j]; cy += py[j]; }
    cx /= nFixed; cy /= nFixed;
  }

  // ---- force-directed: Fruchterman-Reingold, repulsion by a Barnes-Hut quadtree -----------
  // Flat arrays: cell c has four children (-1 none), a mass, a centre of mass and a half-size;
  // a leaf holds one node (leafNode[c]) or, at the depth limit, the mass of coincident nodes.
  var CAP = 8 * m + 64, kid = new Int32Array(4 * CAP), leafNode = new Int32Array(CAP);
  var mass = new Float64Array(CAP), mx = new Float64Array(CAP), my = new Float64Array(CAP);
  var half = new Float64Array(CAP), ccx = new Float64Array(CAP), ccy = new Float64Array(CAP);
  var nCells = 0;
  var T = { kid: kid, leaf: leafNode, mass: mass, mx: mx, my: my, half: half, stack: new Int32Array(512) };
  function newCell(x, y, hs) {
    if (nCells >= CAP) return -1;
    var c = nCells++;
    kid[4 * c] = kid[4 * c + 1] = kid[4 * c + 2] = kid[4 * c + 3] = -1;
    leafNode[c] = -1; mass[c] = 0; mx[c] = 0; my[c] = 0; half[c] = hs; ccx[c] = x; ccy[c] = y;
    return c;
  }
  function buildTree() {
    var minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity, q;
    for (q = 0; q < m; q++) {
      if (px[q] < minx) minx = px[q]; if (px[q] > maxx) maxx = px[q];
      if (py[q] < miny) miny = py[q]; if (py[q] > maxy) maxy = py[q];
    }
    nCells = 0;
    var root = newCell((minx + maxx) / 2, (miny + maxy) / 2, Math.max(maxx - minx, maxy - miny, 1) / 2 + 1);
    for (q = 0; q < m; q++) insert(root, q);
    return root;
  }
  function quadrant(c, x, y) { return (x >= ccx[c] ? 1 : 0) + (y >= ccy[c] ? 2 : 0); }
  function child(c, qd) {
    var hs = half[c] / 2;
    return newCell(ccx[c] + (qd & 1 ? hs : -hs), ccy[c] + (qd & 2 ? hs : -hs), hs);
  }
  function insert(c, q) {
    var x = px[q], y = py[q];
    for (var depth = 0; ; depth++) {
      var wasEmpty = mass[c] === 0;
      mx[c] = (mx[c] * mass[c] + x) / (mass[c] + 1); my[c] = (my[c] * mass[c] + y) / (mass[c] + 1);
      mass[c] += 1;
      if (wasEmpty) { leafNode[c] = q; return; }
      if (depth > 40) { leafNode[c] = -2; return; }  // coincident nodes: one lump of mass
      var old = leafNode[c];
      if (old >= 0) {  // a leaf becomes a branch: its node moves down a level
        leafNode[c] = -1;
        var qo = quadrant(c, px[old], py[old]), co = child(c, qo);
        if (co < 0) return;
        kid[4 * c + qo] = co; mass[co] = 1; mx[co] = px[old]; my[co] = py[old]; leafNode[co] = old;
      } else if (old === -2) return;
      var qd = quadrant(c, x, y), nc = kid[4 * c + qd];
      if (nc < 0) { nc = child(c, qd); if (nc < 0) return; kid[4 * c + qd] = nc; }
      c = nc;
    }
  }
  function forces(iters, tx, ty, pull, linkScale) {
    // Barnes-Hut opening angle 1.2 (squared), 1.5 above 2,000 nodes
    var dx = new Float64Array(m), dy = new Float64Array(m), k2 = k * k, theta2 = m <= 2000 ? 1.44 : 2.25;
    var temp = 2 * k, cool = Math.pow(0.01, 1 / Math.max(iters - 1, 1));
    var ES = Int32Array.from(es), ET = Int32Array.from(et), LS = null;
    if (linkScale) {
      LS = new Float64Array(es.length);
      for (var le = 0; le < es.length; le++) LS[le] = linkScale(es[le], et[le]);
    }
    for (var it = 0; it < iters; it++) {
      dx.fill(0); dy.fill(0);
      var root = buildTree();
      T.nCells = nCells;
      repel(m, px, py, dx, dy, root, T, k2, theta2, rng);
      move(m, px, py, dx, dy, ES, ET, LS, fixed, k, temp, tx, ty, pull, GRAVITY, cx, cy);
      temp *= cool;
    }
  }
  function iterations() { return m <= 300 ? 300 : m <= 2000 ? 150 : 30; }

  // ---- push apart nodes whose discs (with a margin for their labels) touch ----------------
  function separate(passes) {
    var gap = 14, cell = 0, q, p;
    for (q = 0; q < m; q++) cell = Math.max(cell, 2 * rad[q] + gap);
    for (var pass = 0; pass < passes; pass++) {
      var grid = new Map(), worst = 0;
      for (q = 0; q < m; q++) {
        var key = Math.floor(px[q] / cell) * 1000003 + Math.floor(py[q] / cell);
        var l = grid.get(key); if (!l) { l = []; grid.set(key, l); } l.push(q);
      }
      for (q = 0; q < m; q++) {
        var gx = Math.floor(px[q] / cell), gy = Math.floor(py[q] / cell);
        for (var ox = -1; ox <= 1; ox++) for (var oy = -1; oy <= 1; oy++) {
          var list = grid.get((gx + ox) * 1000003 + gy + oy);
          if (!list) continue;
          for (var z = 0; z < list.length; z++) {
            p = list[z]; if (p <= q || (fixed[p] && fixed[q])) continue;
            var need = rad[p] + rad[q] + gap, ddx = px[p] - px[q], ddy = py[p] - py[q];
            var d = Math.sqrt(ddx * ddx + ddy * ddy);
            if (d >= need) continue;
            if (d < 1e-6) { var ang = rng() * 2 * Math.PI; ddx = Math.cos(ang); ddy = Math.sin(ang); d = 1; }
            var push = need - d; worst = Math.max(worst, push);
            var wq = fixed[q] ? 0 : fixed[p] ? 1 : 0.5, wp = 1 - wq;
            if (fixed[p]) { wq = 1; wp = 0; }
            px[q] -= ddx / d * push * wq; py[q] -= ddy / d * push * wq;
            px[p] += ddx / d * push * wp; py[p] += ddy / d * push * wp;
          }
        }
      }
      if (worst < 0.5) break;
    }
  }

  // ---- the layouts ----------------------------------------------------------------------
  if (kind === "organic") {
    // start from where the nodes are (the analyst's mental map), untangle from there
    jitter(k * 0.05);
    forces(iterations(), null, null, null, null);
  } else if (kind === "grouped") {
    var codes = opts.groups || [], sizes = new Map(), gid = new Int32Array(m);
    for (j = 0; j < m; j++) {
      var cd = codes[act[j]]; gid[j] = cd === undefined || cd === null ? -1 : cd;
      if (gid[j] >= 0) sizes.set(gid[j], (sizes.get(gid[j]) || 0) + 1);
    }
    var groups = Array.from(sizes.keys()).sort(function (a2, b2) { return sizes.get(b2) - sizes.get(a2) || a2 - b2; });
    // groups on a ring around the centre, the largest first; each a disc of its own size
    var gr = groups.map(function (g) { return k * (0.75 * Math.sqrt(sizes.get(g)) + 0.8); });
    var total = gr.reduce(function (s2, r2) { return s2 + 2 * r2 + 2 * k; }, 0);
    var ring = groups.length > 1 ? total / (2 * Math.PI) : 0;
    var gcx = new Map(), gcy = new Map(), acc = 0;
    groups.forEach(function (g, q) {
      var ang = -Math.PI / 2 + 2 * Math.PI * (acc + gr[q] + k) / Math.max(total, 1);
      acc += 2 * gr[q] + 2 * k;
      gcx.set(g, cx + ring * Math.cos(ang)); gcy.set(g, cy + ring * Math.sin(ang));
    });
    var tx = new Float64Array(m), ty = new Float64Array(m), pull = new Float64Array(m);
    for (j = 0; j < m; j++) {
      if (gid[j] >= 0) {
        tx[j] = gcx.get(gid[j]); ty[j] = gcy.get(gid[j]); pull[j] = 2;
        if (!fixed[j]) {
          var ra = Math.sqrt(rng()) * gr[groups.indexOf(gid[j])] * 0.8, an = rng() * 2 * Math.PI;
          px[j] = tx[j] + ra * Math.cos(an); py[j] = ty[j] + ra * Math.sin(an);
        }
      } else { tx[j] = cx; ty[j] = cy; pull[j] = GRAVITY; }
    }
    // ungrouped nodes start between the grouped nodes they link to
    var sx = new Float64Array(m), sy = new Float64Array(m), sn = new Int32Array(m);
    for (e = 0; e < es.length; e++) {
      var u2 = es[e], v2 = et[e];
      if (gid[v2] >= 0) { sx[u2] += px[v2]; sy[u2] += py[v2]; sn[u2]++; }
      if (gid[u2] >= 0) { sx[v2] += px[u2]; sy[v2] += py[u2]; sn[v2]++; }
    }
    for (j = 0; j < m; j++) {
      if (gid[j] >= 0 || fixed[j]) continue;
      if (sn[j]) { px[j] = sx[j] / sn[j] + (rng() - 0.5) * k; py[j] = sy[j] / sn[j] + (rng() - 0.5) * k; }
      else {
        var rr = (ring + k * Math.sqrt(m)) * (0.6 + 0.4 * rng()), aa = rng() * 2 * Math.PI;
        px[j] = cx + rr * Math.cos(aa); py[j] = cy + rr * Math.sin(aa);
      }
    }
    forces(iterations(), tx, ty, pull, function (a3, b3) {
      return gid[a3] >= 0 && gid[b3] >= 0 && gid[a3] !== gid[b3] ? 0.05 : 1;
    });
  } else if (kind === "radial") {
    radial(opts.centre);
  } else {
    throw new Error("unknown layout " + kind);
  }
  var tSep = performance.now();
  separate(m <= 2000 ? 60 : 6);
  var moved = 0;
  for (j = 0; j < m; j++) {
    if (fixed[j]) continue;
    i = act[j]; X[i] = px[j]; Y[i] = py[j]; moved++;
  }
  return { x: X, y: Y, moved: moved, ms: { layout: tSep - tStart, separate: performance.now() - tSep } };

  function jitter(amount) {
    for (var q = 0; q < m; q++) if (!fixed[q]) { px[q] += (rng() - 0.5) * amount; py[q] += (rng() - 0.5) * amount; }
  }

  // rings by links from a centre node; each node near its parent's angle
  function radial(centre) {
    var c0 = centre !== undefined && centre !== null && loc[centre] >= 0 ? loc[centre] : -1;
    if (c0 < 0) {  // the best-linked node
      c0 = 0;
      for (var q = 1; q < m; q++) if (deg[q] > deg[c0]) c0 = q;
    }
    var nb = new Array(m);
    for (var q2 = 0; q2 < m; q2++) nb[q2] = [];
    for (e = 0; e < es.length; e++) { nb[es[e]].push(et[e]); nb[et[e]].push(es[e]); }
    var hop = new Int32Array(m).fill(-1), parent = new Int32Array(m).fill(-1), queue = [c0];
    hop[c0] = 0;
    for (var h = 0; h < queue.length; h++) {
      var u = queue[h], lst = nb[u].slice().sort(function (a4, b4) { return deg[b4] - deg[a4] || a4 - b4; });
      for (var z = 0; z < lst.length; z++) {
        var w = lst[z];
        if (hop[w] < 0) { hop[w] = hop[u] + 1; parent[w] = u; queue.push(w); }
      }
    }
    var ox = fixed[c0] ? px[c0] : cx, oy = fixed[c0] ? py[c0] : cy;
    if (!fixed[c0]) { px[c0] = ox; py[c0] = oy; }
    var angle = new Float64Array(m), maxHop = 0;
    for (var q3 = 0; q3 < m; q3++) maxHop = Math.max(maxHop, hop[q3]);
    var rings = [];
    for (var d = 1; d <= maxHop; d++) rings.push([]);
    var outer = [];
    for (var q4 = 0; q4 < m; q4++) {
      if (q4 === c0) continue;
      if (hop[q4] > 0) rings[hop[q4] - 1].push(q4); else outer.push(q4);
    }
    var radius = 0;
    for (var ri = 0; ri < rings.length; ri++) {
      var ringNodes = rings[ri];
      if (ri < maxHop) {
        ringNodes.sort(function (a5, b5) {
          return (parent[a5] >= 0 && ri > 0 ? angle[parent[a5]] : 0) -
            (parent[b5] >= 0 && ri > 0 ? angle[parent[b5]] : 0) || deg[b5] - deg[a5] || a5 - b5;
        });
      }
      var need = 0;
      ringNodes.forEach(function (q5) { need += 2 * rad[q5] + 0.75 * k; });
      radius = Math.max(radius + 2.2 * k, need / (2 * Math.PI));
      var at = 0;
      ringNodes.forEach(function (q6) {
        var step = (2 * rad[q6] + 0.75 * k) / need * 2 * Math.PI;
        var a6 = -Math.PI / 2 + at + step / 2;
        at += step;
        angle[q6] = a6;
        if (!fixed[q6]) { px[q6] = ox + radius * Math.cos(a6); py[q6] = oy + radius * Math.sin(a6); }
      });
    }
    if (!outer.length) return;
    // the parts of the chart not linked to the centre: an organic layout beside the rings,
    // the rings held still meanwhile
    var held = Uint8Array.from(fixed), tx = new Float64Array(m), ty = new Float64Array(m);
    var pull = new Float64Array(m), sideX = ox + radius + 3 * k, ux = 0, uy = 0;
    outer.forEach(function (q7) { ux += px[q7]; uy += py[q7]; });
    ux /= outer.length; uy /= outer.length;
    for (var q8 = 0; q8 < m; q8++) {
      if (hop[q8] >= 0) fixed[q8] = 1;
      tx[q8] = sideX + k * Math.sqrt(outer.length); ty[q8] = oy; pull[q8] = GRAVITY;
    }
    outer.forEach(function (q9) {
      if (!held[q9]) { px[q9] += tx[q9] - ux; py[q9] += ty[q9] - uy; }
    });
    forces(iterations(), tx, ty, pull, null);
    fixed.set(held);
  }
}

return layout;
})();
