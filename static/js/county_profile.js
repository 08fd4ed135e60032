// County profile: draw the figures the server built (passed with json_script) into their divs.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") return;
  var config = { responsive: true, displaylogo: false, displayModeBar: false };
  document.querySelectorAll("[data-figure]").forEach(function (div) {
    var source = document.getElementById(div.getAttribute("data-figure"));
    if (!source) return;
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(div, figure.data, figure.layout, config);
  });
})();
