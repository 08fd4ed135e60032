// Rank stability: poll a running analysis once a second and reload when it has finished;
// draw the server's figure of each county's rank distribution once it has.
(function () {
  "use strict";
  var progress = document.getElementById("stability-progress");
  if (progress) {
    var url = progress.getAttribute("data-status-url");
    var bar = progress.querySelector("progress");
    var label = progress.querySelector("[data-role=label]");
    var count = progress.querySelector("[data-role=count]");
    var countTemplate = count.textContent;
    var poll = function () {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (status) {
          if (status.finished) {
            window.location.reload();
            return;
          }
          bar.max = status.total;
          bar.value = status.done;
          label.textContent = status.label;
          // the server's text with its numbers replaced: "已完成 0 / 300 次抽样"
          var numbers = 0;
          count.textContent = countTemplate.replace(/\d+/g, function () {
            numbers += 1;
            return numbers === 1 ? status.done : status.total;
          });
          window.setTimeout(poll, 1000);
        })
        .catch(function () {
          window.setTimeout(poll, 3000);
        });
    };
    window.setTimeout(poll, 1000);
  }

  var chart = document.getElementById("stability-chart");
  var source = chart && document.getElementById(chart.getAttribute("data-figure"));
  if (source && typeof Plotly !== "undefined") {
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(chart, figure.data, figure.layout, { responsive: true, displaylogo: false });
  }
})();
