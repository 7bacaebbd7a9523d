/* Guanqi's own behaviour, with no inline script or event handler (the Content-Security-Policy allows
   scripts from this site only): a select marked data-autosubmit submits its form when changed (the
   header's language switch); a field marked data-select-on-click selects its text when clicked. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-select-on-click]")) {
      target.select();
    }
  });
})();
