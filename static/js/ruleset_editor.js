// Rule-set editor: running totals per category and over the categories while typing, in the
// same words as the server's check (which decides on save); parameter hints per method;
// confirmation before publishing or deleting. Weights have at most 4 decimals, so they are
// added as whole numbers of 0.0001 to stay exact.
(function () {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
    });
  });

  var form = document.getElementById("ruleset-form");
  if (!form) return;
  var texts = JSON.parse(document.getElementById("weight-texts").textContent);
  var hints = JSON.parse(document.getElementById("method-params").textContent);
  var SCALE = 10000;

  function units(input) {
    var t = (input && input.value || "").trim();
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return null;
    return Math.round(parseFloat(t) * SCALE);
  }
  function show(n) {
    var sign = n < 0 ? "-" : "", a = Math.abs(n);
    var whole = Math.floor(a / SCALE), frac = String(a % SCALE);
    while (frac.length < 4) frac = "0" + frac;
    frac = frac.replace(/0+$/, "");
    return sign + whole + (frac ? "." + frac : "");
  }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function balance(got, want, category) {
    if (want === null || got === want) return "";
    var diff = got - want;
    var head = fill(category === null ? texts.total : texts.category,
                    {got: show(got), want: show(want), category: category});
    return head + fill(texts.amount, {amount: fill(diff > 0 ? texts.over : texts.short, {diff: show(Math.abs(diff))})});
  }

  function update() {
    var grand = 0;
    form.querySelectorAll("tbody.rules-category").forEach(function (body) {
      var sum = 0;
      body.querySelectorAll("tr.indicator").forEach(function (row) {
        var included = row.querySelector("[data-included]");
        var on = included && included.checked;
        row.classList.toggle("excluded", !on);
        if (on) sum += units(row.querySelector("[data-weight]")) || 0;
      });
      var target = units(body.querySelector("[data-category-weight]"));
      grand += target || 0;
      body.querySelector("[data-sum]").textContent = show(sum);
      body.querySelector("[data-target]").textContent = target === null ? "–" : show(target);
      var text = balance(sum, target === null ? (sum ? 0 : null) : target, body.getAttribute("data-category-name"));
      body.querySelector("[data-balance]").textContent = text;
      body.querySelector("tr.category").classList.toggle("off-balance", text !== "");
    });
    var total = units(form.querySelector("[data-total-weight]"));
    document.getElementById("grand-sum").textContent = show(grand);
    document.getElementById("grand-target").textContent = total === null ? "–" : show(total);
    var text = balance(grand, total, null);
    document.getElementById("grand-balance").textContent = text;
    form.querySelector("tr.grand").classList.toggle("off-balance", text !== "");
  }

  function hint(row) {
    var method = row.querySelector("select[name$='-method']");
    var box = row.querySelector("[data-params-hint]");
    if (!method || !box) return;
    var names = hints[method.value] || [];
    box.textContent = names.length ? names.join(", ") : "";
  }

  form.addEventListener("input", update);
  form.addEventListener("change", function (e) {
    update();
    var row = e.target.closest("tr.indicator");
    if (row) hint(row);
  });
  form.querySelectorAll("tr.indicator").forEach(hint);
  update();

  var publish = document.getElementById("publish");
  if (publish) {
    publish.addEventListener("click", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm-publish"))) e.preventDefault();
    });
  }
})();
