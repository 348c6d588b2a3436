/* Behaviour the pages used to carry in on* attributes, moved here for the Content-Security-
   Policy (issue 9: script-src 'self', no inline script). Loaded by base.html; no build step.
   - <select data-autosubmit>: submits its form on change (the language switch);
   - <input type="checkbox" data-select-all="NAME">: checks or clears every input[name=NAME]. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("input[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var name = box.dataset.selectAll;
      document.querySelectorAll("input[name='" + name + "']").forEach(function (c) {
        c.checked = box.checked;
      });
    });
  });
}());
