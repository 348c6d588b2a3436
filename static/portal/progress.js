/* Polls a JSON progress endpoint and moves a <progress> bar; reloads the page when the work
   is over. Markup: <progress data-progress-url="…" data-running="true|false">. No build step. */
(function () {
  document.querySelectorAll("progress[data-progress-url]").forEach(function (bar) {
    var url = bar.dataset.progressUrl;
    var label = document.getElementById(bar.dataset.label || "");
    var wasRunning = bar.dataset.running === "true";
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.total) { bar.max = data.total; bar.value = data.done; }
          if (label) { label.textContent = data.done + " / " + data.total; }
          var running = data.running || (data.total && data.done < data.total);
          if (running) { wasRunning = true; setTimeout(tick, 1000); }
          else if (wasRunning) { window.location.reload(); }
          else { setTimeout(tick, 3000); }
        })
        .catch(function () { setTimeout(tick, 5000); });
    }
    tick();
  });
})();
