// Behaviour every page shares, without inline script (the Content-Security-Policy allows
// scripts from this server only): a select marked data-autosubmit submits its form when
// changed, a link marked data-print prints the page, a link marked data-back goes back.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-print], a[data-back]");
    if (!link) {
      return;
    }
    event.preventDefault();
    if (link.hasAttribute("data-print")) {
      window.print();
    } else {
      window.history.back();
    }
  });
})();
