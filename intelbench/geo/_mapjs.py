"""The drawing script and style sheet inlined into every offline map.

Every string of the page's data arrives as one JSON payload (:func:`script_json`) and reaches
the page as text: through ``textContent``, or through ``IB.esc`` where Leaflet only takes
HTML (layer-control names, attribution). No data string is ever parsed as HTML, so escaping
happens at one place on each side: ``script_json`` in Python, ``el``/``esc`` in the script.
"""

from __future__ import annotations

__all__ = ["IB_CSS", "IB_JS"]

IB_JS = r"""
window.IB = (function () {
  "use strict";
  function esc(s) {
    return String(s === null || s === undefined ? "" : s)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  var renderers = {};
  function renderer(pane) {
    pane = pane || "overlayPane";
    if (!renderers[pane]) { renderers[pane] = L.canvas({padding: 0.5, pane: pane}); }
    return renderers[pane];
  }
  // popup of feature k: a heading, rows of (label, value), an optional note; all as text
  function popup(p, k) {
    if (!p) { return null; }
    return function () {
      var box = el("div", "ib-popup");
      if (p.heading) { box.appendChild(el("div", "ib-popup-head", p.heading[k])); }
      var t = el("table");
      for (var f = 0; f < p.fields.length; f++) {
        var v = p.values[f][k];
        if (v === null || v === "") { continue; }
        var tr = el("tr");
        tr.appendChild(el("th", null, p.fields[f]));
        tr.appendChild(el("td", null, v));
        t.appendChild(tr);
      }
      box.appendChild(t);
      if (p.note && p.note[k]) { box.appendChild(el("div", "ib-popup-note", p.note[k])); }
      return box;
    };
  }
  function tip(texts, k) {
    if (!texts || texts[k] === null || texts[k] === "") { return null; }
    return function () { return el("span", null, texts[k]); };
  }
  var kinds = {
    points: function (group, s) {
      var r = renderer(s.pane);
      for (var k = 0; k < s.lat.length; k++) {
        var m = L.circleMarker([s.lat[k], s.lon[k]], {
          renderer: r, pane: s.pane || "overlayPane", radius: s.radius, color: s.color,
          weight: 1, fillColor: s.color, fillOpacity: 0.75});
        var pp = popup(s.popup, k), tt = tip(s.tooltip, k);
        if (pp) { m.bindPopup(pp); }
        if (tt) { m.bindTooltip(tt); }
        m.addTo(group);
      }
    },
    rings: function (group, s) {
      var r = renderer(s.pane);
      for (var k = 0; k < s.cls.length; k++) {
        var a = s.offsets[k], b = s.offsets[k + 1], ring = [];
        for (var q = a; q < b; q++) { ring.push([s.lat[q], s.lon[q]]); }
        var col = s.cls[k] === null ? s.fill : s.colors[s.cls[k]];
        var poly = L.polygon(ring, {
          renderer: r, pane: s.pane || "overlayPane", color: s.stroke || col,
          weight: s.weight, opacity: 0.9, fillColor: col || "#000",
          fillOpacity: col ? s.opacity : 0, fill: !!col,
          interactive: !!(s.popup || s.tooltip)});
        var pp = popup(s.popup, k), tt = tip(s.tooltip, k);
        if (pp) { poly.bindPopup(pp); }
        if (tt) { poly.bindTooltip(tt, {sticky: true}); }
        poly.addTo(group);
      }
    },
    geojson: function (group, s) {
      L.geoJSON(s.data, {
        pane: s.pane || "overlayPane",
        style: function (f) {
          var c = f.properties.c;
          var col = (c === null || c === undefined) ? s.fill : s.colors[c];
          return {color: s.stroke || col, weight: s.weight, opacity: 0.9,
                  fillColor: col, fillOpacity: col ? s.opacity : 0, fill: !!col,
                  renderer: renderer(s.pane), interactive: !!(s.popup || s.tooltip)};
        },
        onEachFeature: function (f, layer) {
          var i = f.properties.i;
          var pp = popup(s.popup, i), tt = tip(s.tooltip, i);
          if (pp) { layer.bindPopup(pp); }
          if (tt) { layer.bindTooltip(tt, {sticky: true}); }
        }
      }).addTo(group);
    },
    lines: function (group, s) {
      // reference lines (roads): flat coordinates with offsets, a style per class
      var r = renderer(s.pane), map = group._ibMap, drawn = [];
      for (var k = 0; k < s.cls.length; k++) {
        var a = s.offsets[k], b = s.offsets[k + 1], line = [];
        for (var q = a; q < b; q++) { line.push([s.lat[q], s.lon[q]]); }
        var st = s.styles[s.cls[k]];
        var pl = L.polyline(line, {renderer: r, pane: s.pane, color: st.color,
                                   weight: st.weight, opacity: 1, interactive: !!s.tooltip});
        var tt = tip(s.tooltip, k);
        if (tt) { pl.bindTooltip(tt, {sticky: true}); }
        drawn.push([pl, st.minzoom || 0]);
      }
      function show() {
        var z = map.getZoom();
        for (var i = 0; i < drawn.length; i++) {
          var on = z >= drawn[i][1];
          if (on && !group.hasLayer(drawn[i][0])) { group.addLayer(drawn[i][0]); }
          if (!on && group.hasLayer(drawn[i][0])) { group.removeLayer(drawn[i][0]); }
        }
      }
      map.on("zoomend", show);
      show();
    },
    labels: function (group, s) {
      // text labels (place and area names), drawn by priority with no two overlapping
      var items = [];
      for (var k = 0; k < s.text.length; k++) {
        var span = el("span", "ib-label ib-label-" + s.cls[k], s.text[k]);
        var mk = L.marker([s.lat[k], s.lon[k]], {
          pane: "ibLabels", interactive: false, keyboard: false,
          icon: L.divIcon({className: "ib-label-icon", html: span, iconSize: null})});
        items.push({m: mk, z: s.minzoom[k], w: String(s.text[k]).length, cls: s.cls[k]});
      }
      group._ibLabels = items;
    }
  };
  var CHAR = {city: 9.5, district: 9, town: 8, village: 6.5, area: 6};
  function declutter(map, groups) {
    var z = map.getZoom(), taken = [], shown = 0;
    for (var g = 0; g < groups.length; g++) {
      var grp = groups[g], on = map.hasLayer(grp);
      for (var i = 0; i < grp._ibLabels.length; i++) {
        var it = grp._ibLabels[i], show = on && z >= it.z;
        if (show) {
          var p = map.latLngToContainerPoint(it.m.getLatLng());
          var hw = it.w * (CHAR[it.cls] || 6.5) / 2 + 3, hh = it.cls === "city" ? 10 : 8;
          var box = [p.x - hw, p.y - hh, p.x + hw, p.y + hh];
          for (var t = 0; t < taken.length && show; t++) {
            var o = taken[t];
            if (box[0] < o[2] && box[2] > o[0] && box[1] < o[3] && box[3] > o[1]) {
              show = false;
            }
          }
          if (show) { taken.push(box); shown++; }
        }
        if (show && !grp.hasLayer(it.m)) { grp.addLayer(it.m); }
        if (!show && grp.hasLayer(it.m)) { grp.removeLayer(it.m); }
      }
    }
    map._ibLabelsShown = shown;
  }
  function control(pos, build) {
    var ctl = L.control({position: pos});
    ctl.onAdd = build;
    return ctl;
  }
  function legend(map, items) {
    control("bottomright", function () {
      var div = L.DomUtil.create("div", "ib-legend");
      for (var s = 0; s < items.length; s++) {
        div.appendChild(el("div", "ib-legend-title", items[s].title));
        if (items[s].subtitle) { div.appendChild(el("div", "ib-legend-sub", items[s].subtitle)); }
        for (var j = 0; j < items[s].items.length; j++) {
          var row = el("div", "ib-legend-row");
          var sw = el("span", "ib-swatch" + (items[s].line ? " ib-swatch-line" : ""));
          sw.style.background = items[s].items[j][0];
          row.appendChild(sw);
          row.appendChild(document.createTextNode(items[s].items[j][1]));
          div.appendChild(row);
        }
      }
      L.DomEvent.disableScrollPropagation(div);
      return div;
    }).addTo(map);
  }
  function draw(map, S) {
    map.createPane("ibRef").style.zIndex = 350;
    var lp = map.createPane("ibLabels");
    lp.style.zIndex = 640;
    lp.style.pointerEvents = "none";
    if (S.tiles) {
      L.tileLayer(S.tiles.url, {attribution: esc(S.tiles.attribution), maxZoom: 19})
        .addTo(map);
    }
    var overlays = {}, labelGroups = [];
    for (var i = 0; i < S.layers.length; i++) {
      var ly = S.layers[i], group = L.layerGroup();
      group._ibMap = map;
      kinds[ly.kind](group, ly.spec);
      if (ly.kind === "labels") { labelGroups.push(group); }
      if (ly.show) { group.addTo(map); }
      overlays[esc(ly.name)] = group;
    }
    if (labelGroups.length) {
      var dc = function () { declutter(map, labelGroups); };
      map.on("zoomend moveend overlayadd overlayremove", dc);
      map.whenReady(dc);
    }
    L.control.layers(null, overlays, {collapsed: false}).addTo(map);
    if (S.legend && S.legend.length) { legend(map, S.legend); }
    if (S.title) {
      control("topleft", function () { return el("div", "ib-title", S.title); }).addTo(map);
    }
    if (S.source) {
      control("bottomleft", function () { return el("div", "ib-source", S.source); })
        .addTo(map);
    }
    if (S.marking) {
      document.body.classList.add("ib-marked");
      var parts = ["top", "bottom"];
      for (var b = 0; b < 2; b++) {
        var bar = el("div", "ib-marking ib-marking-" + parts[b], S.marking);
        bar.setAttribute("role", "note");
        document.body.appendChild(bar);
      }
      map.invalidateSize();
    }
    if (S.bounds) { map.fitBounds(S.bounds); }
  }
  return {draw: draw, esc: esc};
})();
"""

IB_CSS = """
.ib-legend, .ib-title, .ib-source { background: rgba(255,255,255,0.92); padding: 6px 8px;
  font: 12px/1.4 sans-serif; border-radius: 4px; box-shadow: 0 0 4px rgba(0,0,0,0.3); }
.ib-legend { max-height: 55vh; overflow-y: auto; }
.ib-title { font-weight: bold; font-size: 14px; max-width: 50vw; }
.ib-source { font-size: 11px; color: #333; padding: 2px 6px; }
.ib-legend-title { font-weight: bold; margin-top: 4px; }
.ib-legend-sub { color: #444; font-size: 11px; }
.ib-swatch { display: inline-block; width: 14px; height: 10px; margin-right: 6px;
  border: 1px solid #555; vertical-align: middle; }
.ib-swatch-line { height: 3px; border: none; }
.ib-popup { font: 12px/1.4 sans-serif; }
.ib-popup-head { font-weight: bold; margin-bottom: 3px; }
.ib-popup th { text-align: left; padding-right: 8px; font-weight: normal; color: #444; }
.ib-popup td { font-weight: bold; }
.ib-popup-note { margin-top: 4px; font-style: italic; max-width: 240px; }
.leaflet-container { background: #f4f4f0; }
.ib-label-icon { background: none; border: none; }
.ib-label { display: block; transform: translate(-50%, -50%); white-space: nowrap;
  font: 11px/1.1 sans-serif; color: #333;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff; }
.ib-label-city { font-size: 15px; font-weight: bold; color: #111; }
.ib-label-town { font-size: 13px; font-weight: bold; color: #222; }
.ib-label-district { font-size: 14px; font-weight: bold; color: #222; letter-spacing: .03em; }
.ib-label-village { font-size: 11px; color: #333; }
.ib-label-area { font-size: 10px; color: #555; font-style: italic; }
.ib-marking { position: fixed; left: 0; right: 0; z-index: 2000; background: #b00000;
  color: #fff; font: bold 13px/1.2 sans-serif; text-align: center; padding: 4px 8px;
  letter-spacing: .04em; pointer-events: none; }
.ib-marking-top { top: 0; }
.ib-marking-bottom { bottom: 0; }
body.ib-marked .folium-map { position: absolute !important; top: 23px !important;
  bottom: 23px !important; height: auto !important; }
"""
