// Chained region selects of a filter form (villages/filters.py offer_region_chain): a select
// marked data-region-child names the select below it; choosing a city loads its counties,
// choosing a county its townships, from the scoped JSON endpoint in data-region-url. The
// selects further down are emptied meanwhile. Without this script the form still works: choose,
// 查询, and the page offers the next select's options.
(function () {
  function emptyOption(select) {
    var first = select.options[0];
    return first && first.value === "" ? first : null;
  }

  function clear(select) {
    var keep = emptyOption(select);
    while (select.options.length) select.remove(0);
    if (keep) select.add(keep);
    select.value = "";
  }

  function below(form, select) {
    var name = select.getAttribute("data-region-child");
    return name ? form.querySelector("select[name='" + name + "']") : null;
  }

  function fill(select, regions) {
    clear(select);
    regions.forEach(function (region) {
      var option = document.createElement("option");
      option.value = region.code;
      option.textContent = region.name;
      select.add(option);
    });
  }

  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-region-child]");
    if (!select) return;
    var form = select.form;
    var child = below(form, select);
    if (!child) return;
    // Everything below the child waits for the child's own choice.
    for (var next = below(form, child); next; next = below(form, next)) clear(next);
    clear(child);
    if (!select.value) return;
    child.setAttribute("aria-busy", "true");
    var url = select.getAttribute("data-region-url") + "?parent=" + encodeURIComponent(select.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        // A later choice may have answered first: fill only if this one is still chosen.
        if (select.value === url.split("parent=")[1]) fill(child, data.regions);
      })
      .catch(function () {
        // The form still works without the list: 查询 reloads the page with the choices.
      })
      .finally(function () {
        child.removeAttribute("aria-busy");
      });
  });
})();
