/* Compliance assessment form: highlight, as the pair chooses, every item judged differently from the
   enterprise's own self-examination (the server highlights them too when the page is rendered). */
(function () {
  "use strict";
  function mark(select) {
    var row = select.closest("[data-self-judgement]");
    if (!row) { return; }
    var own = row.getAttribute("data-self-judgement");
    row.classList.toggle("item-differs", Boolean(own && select.value && select.value !== own));
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-judgement]")) { mark(event.target); }
  });
  document.querySelectorAll("select[data-judgement]").forEach(mark);
})();
