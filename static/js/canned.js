// Canned responses (coordination.forms.ReplyForm): choosing one puts its text into the message box,
// to adapt before sending. Loaded as a file (no inline script), so it sits under a strict CSP.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.matches || !select.matches("select[data-canned]")) return;
  var option = select.options[select.selectedIndex];
  var box = document.getElementById(select.getAttribute("data-canned"));
  if (!box || !option || !option.hasAttribute("data-body")) return;
  box.value = option.getAttribute("data-body");
  box.focus();
});
