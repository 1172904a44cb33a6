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

// No inline handlers (the Content-Security-Policy allows only our own script files): a button
// marked data-print prints the page; a checkbox marked data-check-all ticks the named boxes of
// its table.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) window.print();
});
document.addEventListener("change", function (event) {
  var all = event.target.closest("[data-check-all]");
  if (!all) return;
  all.closest("table").querySelectorAll("input[name=" + all.dataset.checkAll + "]").forEach(function (box) {
    box.checked = all.checked;
  });
});
