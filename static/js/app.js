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

// The main menu folds behind a "☰ 菜单" button on a phone (the CSS shows the button and hides
// the folded lists below 700 px only). Without this script the menu simply stays open.
(function () {
  var nav = document.querySelector(".mainnav");
  var toggle = nav && nav.querySelector(".nav-toggle");
  if (!toggle) return;
  nav.classList.add("foldable");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
