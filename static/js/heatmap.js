// Rank heatmap: draw the server's figure; a click on a cell opens that county's profile.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") return;
  var div = document.getElementById("heatmap");
  var source = div && document.getElementById(div.getAttribute("data-figure"));
  if (!source) return;
  var figure = JSON.parse(source.textContent);
  Plotly.newPlot(div, figure.data, figure.layout, { responsive: true, displaylogo: false });
  div.on("plotly_click", function (event) {
    var point = event.points && event.points[0];
    if (!point) return;
    var row = figure.data[0].y.indexOf(point.y);
    var code = figure.layout.meta && figure.layout.meta[row];
    if (!code) return;
    window.location.href = div.getAttribute("data-profile-url").replace("CODE", encodeURIComponent(code));
  });
})();
