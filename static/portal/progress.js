/* Polls a JSON progress endpoint and moves a <progress> bar while the work runs, then reloads
   the page. Markup: <progress data-progress-url="…" data-running="true|false">. The page marks
   whether a compute is under way; when it is not, nothing is polled, and polling stops as soon
   as the endpoint says it is over (issue 10). No build step. */
(function () {
  document.querySelectorAll("progress[data-progress-url]").forEach(function (bar) {
    if (bar.dataset.running !== "true") { return; }
    var url = bar.dataset.progressUrl;
    var label = document.getElementById(bar.dataset.label || "");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.total) { bar.max = data.total; bar.value = data.done; }
          if (label) { label.textContent = data.done + " / " + data.total; }
          if (data.running) { setTimeout(tick, 1000); }
          else { window.location.reload(); }
        })
        .catch(function () { setTimeout(tick, 5000); });
    }
    setTimeout(tick, 1000);
  });
})();
