/* The import page's progress bar (moved out of the page for the Content-Security-Policy,
   issue 9): polls the job's JSON progress, reloads the page when the job is over. */
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  var phases = JSON.parse(document.getElementById("import-phases").textContent);
  function show(d) {
    bar.value = d.percent;
    bar.textContent = d.percent + " %";
    var label = phases[d.phase] || "";
    text.textContent = d.total ? label + " " + d.done.toLocaleString() + " / " + d.total.toLocaleString() : label;
  }
  function poll() {
    fetch(bar.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (d) {
        show(d);
        if (d.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
