(function () {
  var D = JSON.parse(document.getElementById('ib-chart-data').textContent);
  var root = document.getElementById('ib-root');
  var chart = window.intelbenchChart = mountLinkChart(root, D, {});
  // Inside an <iframe srcdoc> (a profile) the page may be laid out only after the chart has
  // mounted: fit the chart again when its size changes, until the reader first touches it.
  if (typeof ResizeObserver === 'undefined' || !chart || !chart.fit) return;
  var r0 = root.getBoundingClientRect(), w0 = r0.width, h0 = r0.height, touched = false;
  ['pointerdown', 'wheel', 'keydown'].forEach(function (e) {
    root.addEventListener(e, function () { touched = true; }, true);
  });
  new ResizeObserver(function () {
    var r = root.getBoundingClientRect();
    if (touched || (r.width === w0 && r.height === h0)) return;
    w0 = r.width; h0 = r.height;
    window.dispatchEvent(new Event('resize'));  // the chart takes its new size
    chart.fit();
  }).observe(root);
})();
