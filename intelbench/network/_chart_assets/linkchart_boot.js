(function () {
  var D = JSON.parse(document.getElementById('ib-chart-data').textContent);
  window.intelbenchChart = mountLinkChart(document.getElementById('ib-root'), D, {});
})();
