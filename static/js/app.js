// A form marked data-once can be sent once: a double click or an impatient second click does
// not send it twice (the server refuses a second confirm anyway).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-once")) return;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  // Disabled, not relabelled: a shorter button would move its neighbours under the second click.
  form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
});
