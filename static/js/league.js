// League table: sort by any column. Click a header once for best first, again to reverse.
// Cells carry data-sort (a number, or empty for none, which always sorts last).
(function () {
  "use strict";
  var table = document.querySelector("table.league");
  if (!table) return;
  var body = table.tBodies[0];
  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers, function (th, column) {
    if (!th.hasAttribute("data-sortable")) return;
    th.tabIndex = 0;
    th.classList.add("sortable");
    function sort() {
      var descending = th.getAttribute("aria-sort") !== "descending";
      if (th.hasAttribute("data-ascending-first")) descending = th.getAttribute("aria-sort") === "ascending";
      Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-sort"), y = b.cells[column].getAttribute("data-sort");
        if (x === "" || x === null) return (y === "" || y === null) ? 0 : 1;
        if (y === "" || y === null) return -1;
        var d = parseFloat(x) - parseFloat(y);
        if (isNaN(d)) d = x.localeCompare(y, "zh-CN");
        return descending ? -d : d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
  });
})();
