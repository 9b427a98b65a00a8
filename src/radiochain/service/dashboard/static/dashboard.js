// radiochain dashboard: the run page polls its status until the run ends, then reloads; a
// form with data-confirm (cancelling an order) asks first.
// Plain JavaScript, no framework, nothing fetched from another site.
"use strict";
(function () {
  function poll(box) {
    var url = box.getAttribute("data-status-url");
    var status = box.querySelector("[data-testid=run-status]");
    var bar = box.querySelector("progress");
    function tick() {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (reply) { return reply.ok ? reply.json() : null; })
        .then(function (run) {
          if (!run) { return; }
          if (status) { status.textContent = run.status; }
          if (bar) { bar.value = run.progress_fraction || 0; }
          if (["succeeded", "failed", "cancelled"].indexOf(run.status) >= 0) {
            window.location.reload();
          } else {
            window.setTimeout(tick, 1000);
          }
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    window.setTimeout(tick, 1000);
  }
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll("[data-poll]");
    for (var i = 0; i < boxes.length; i++) { poll(boxes[i]); }
  });
})();
