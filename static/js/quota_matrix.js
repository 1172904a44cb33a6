// 附表2 matrix (templates/dispatch/quota_matrix.html): count the changed cells in the sticky bar,
// post only those (one JSON field, so that the whole province's grid of thousands of inputs
// never runs into the server's limit on form fields), and keep typed values in sessionStorage
// so that leaving the page before saving does not lose them.
(function () {
  var form = document.querySelector("form[data-quota-form]");
  if (!form) return;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-cell]"));
  var counter = form.querySelector("[data-dirty-count]");
  var restoredNote = form.querySelector("[data-restored]");
  var changesField = form.querySelector("input[name=changes]");
  var storeKey = "quota-draft:" + form.dataset.draftKey;

  // The server's reading of a cell (dispatch.quota_services.parse_count): "" is 0, "05" is 5;
  // anything else stays as typed, so that the server can name it.
  function value(text) {
    text = text.trim();
    if (text === "") return "0";
    return /^[0-9]+$/.test(text) ? String(parseInt(text, 10)) : text;
  }
  function isChanged(input) { return value(input.value) !== input.dataset.original; }

  function readDraft() {
    try { return JSON.parse(sessionStorage.getItem(storeKey) || "{}") || {}; } catch (e) { return {}; }
  }
  function writeDraft(draft) {
    try {
      if (Object.keys(draft).length) sessionStorage.setItem(storeKey, JSON.stringify(draft));
      else sessionStorage.removeItem(storeKey);
    } catch (e) { /* storage full or off: the page still works, without the guard */ }
  }

  function refresh() {
    var n = 0;
    inputs.forEach(function (input) {
      var changed = isChanged(input);
      input.parentNode.classList.toggle("changed", changed);
      if (changed) n++;
    });
    counter.textContent = n ? "已修改 " + n + " 处（尚未保存）" : "未修改";
    return n;
  }

  // Bring back what was typed on this page and not saved, where the cell still shows what it
  // showed then (a cell someone else has changed since is left as it is now).
  var draft = readDraft();
  var restored = 0;
  inputs.forEach(function (input) {
    var saved = draft[input.dataset.cell];
    if (!saved) return;
    if (saved.original === input.dataset.original && !isChanged(input) && value(saved.text) !== input.dataset.original) {
      input.value = saved.text;
      restored++;
    }
    delete draft[input.dataset.cell];
  });
  inputs.forEach(function (input) {
    if (isChanged(input)) draft[input.dataset.cell] = { original: input.dataset.original, text: input.value };
  });
  writeDraft(draft);  // entries of cells on other pages (another city) are kept for those pages
  if (restored && restoredNote) {
    restoredNote.textContent = "已恢复您离开本页前未保存的 " + restored + " 处修改。";
    restoredNote.hidden = false;
  }
  refresh();

  form.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.dataset || !input.dataset.cell) return;
    var d = readDraft();
    if (isChanged(input)) d[input.dataset.cell] = { original: input.dataset.original, text: input.value };
    else delete d[input.dataset.cell];
    writeDraft(d);
    refresh();
  });

  form.addEventListener("submit", function () {
    var changes = [];
    inputs.forEach(function (input) {
      if (!isChanged(input)) return;
      var key = input.dataset.cell.split("-");
      changes.push({ county: parseInt(key[0], 10), unit: parseInt(key[1], 10), original: parseInt(input.dataset.original, 10), text: input.value });
    });
    changesField.value = JSON.stringify(changes);
    // The per-cell fields (present on a small grid, for use without the script) stay behind.
    form.querySelectorAll("input[name^='c-'], input[name^='o-']").forEach(function (input) { input.disabled = true; });
  });
  // Back from the next page, the browser may show this one as it was left: fields enabled again.
  window.addEventListener("pageshow", function () {
    form.querySelectorAll("input[name^='c-'], input[name^='o-']").forEach(function (input) { input.disabled = false; });
  });
})();
