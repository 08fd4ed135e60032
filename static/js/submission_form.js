// Monthly entry form: show year-on-year growth as the official types.
(function () {
  "use strict";
  function parse(text) {
    // Full-width digits and punctuation to ASCII, drop thousands separators and spaces.
    var t = (text || "").replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/[\s\u3000]/g, "").replace(/[,，](?=\d{3}(\D|$))/g, "");
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return null;
    return parseFloat(t);
  }
  var form = document.getElementById("entry-form");
  if (!form) return;
  form.querySelectorAll("[data-growth-for]").forEach(function (cell) {
    var code = cell.getAttribute("data-growth-for");
    var value = form.elements["value_" + code];
    var prior = form.elements["prior_" + code];
    function update() {
      var v = parse(value.value), p = parse(prior.value);
      cell.textContent = (v === null || p === null || p <= 0) ? "–" : ((v / p - 1) * 100).toFixed(1);
    }
    value.addEventListener("input", update);
    prior.addEventListener("input", update);
    update();  // figures typed before this script ran (a slow page) count too
  });
})();
