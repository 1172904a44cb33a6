// The status page of a background export (templates/jobs/detail.html): asks the server for the
// job's progress every few seconds and moves the bar; when the job has finished, reloads the
// page, which then shows the download link or the reason it failed. Without this script the
// page reloads itself (a <noscript> refresh).
(function () {
  var card = document.querySelector("[data-status-url]");
  if (!card || !window.fetch) return;
  var url = card.getAttribute("data-status-url");
  var seconds = parseFloat(card.getAttribute("data-poll-seconds")) || 2;
  var bar = card.querySelector("progress");
  var state = card.querySelector(".job-state");
  var done = card.querySelector(".job-done");
  var total = card.querySelector(".job-total");
  var number = new Intl.NumberFormat("zh-CN");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (job) {
        if (job.finished) { window.location.reload(); return; }
        state.textContent = job.state_label;
        done.textContent = number.format(job.done);
        total.textContent = number.format(job.total);
        bar.max = Math.max(job.total, 1);
        bar.value = job.done;
        bar.textContent = job.percent + "%";
        window.setTimeout(poll, seconds * 1000);
      })
      .catch(function () { window.setTimeout(poll, seconds * 3000); });
  }
  window.setTimeout(poll, seconds * 1000);
})();
