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
    if (!point || !point.customdata) return;
    var code = Array.isArray(point.customdata) ? point.customdata[0] : point.customdata;
    window.location.href = div.getAttribute("data-profile-url").replace("CODE", encodeURIComponent(code));
  });
})();
