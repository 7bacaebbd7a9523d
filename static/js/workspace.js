// The workspace (templates/coordination/workspace.html): "select all" ticks every row of the queue.
// Loaded as a file (no inline script), so it sits under a strict CSP.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("input[data-select-all]")) return;
  var name = box.getAttribute("data-select-all");
  var form = box.closest("form");
  if (!form) return;
  form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (row) {
    row.checked = box.checked;
  });
});
