// The diary form keeps what is typed in the browser (localStorage) until the server has it: a
// dropped connection, a closed tab or a failed submit loses nothing. On the next visit the form
// is filled from the kept copy and says so; the page after a successful save clears it
// (data-clear-draft). Nothing is sent anywhere but the form's own POST.
(function () {
  "use strict";
  var storage;
  try { storage = window.localStorage; storage.setItem("tenure-probe", "1"); storage.removeItem("tenure-probe"); } catch (e) { storage = null; }
  if (!storage) return;

  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    storage.removeItem(el.getAttribute("data-clear-draft"));
  });

  var form = document.querySelector("form[data-draft-key]");
  if (!form) return;
  var key = form.getAttribute("data-draft-key");
  var notice = document.querySelector("[data-draft-notice]");
  var skip = { csrfmiddlewaretoken: true, seen_updated_at: true, action: true };

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name && !skip[el.name] && el.type !== "submit"; });
  }

  function read() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.name === "duties") {
          data.duties = data.duties || [];
          if (el.checked) data.duties.push(el.value);
        } else if (el.type === "checkbox") {
          data[el.name] = el.checked;
        } else if (el.checked) {
          data[el.name] = el.value;
        }
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function fill(data) {
    fields().forEach(function (el) {
      if (!(el.name in data)) return;
      if (el.name === "duties") el.checked = data.duties.indexOf(el.value) !== -1;
      else if (el.type === "checkbox") el.checked = !!data[el.name];
      else if (el.type === "radio") el.checked = data[el.name] === el.value;
      else el.value = data[el.name];
    });
  }

  function save() {
    var data = read();
    storage.setItem(key, JSON.stringify({ savedAt: new Date().toISOString(), data: data }));
  }

  var kept = null;
  try { kept = JSON.parse(storage.getItem(key) || "null"); } catch (e) { kept = null; }
  // A form the server sent back with errors shows what was posted; the kept copy is older.
  if (kept && kept.data && !form.hasAttribute("data-bound")) {
    fill(kept.data);
    if (notice) {
      var at = new Date(kept.savedAt);
      var text = notice.querySelector("[data-draft-time]");
      if (text && !isNaN(at)) text.textContent = (at.getMonth() + 1) + "月" + at.getDate() + "日 " + ("0" + at.getHours()).slice(-2) + ":" + ("0" + at.getMinutes()).slice(-2);
      notice.hidden = false;
      var discard = notice.querySelector("[data-draft-discard]");
      if (discard) discard.addEventListener("click", function () { storage.removeItem(key); window.location.reload(); });
    }
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
})();
