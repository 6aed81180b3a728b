// Progressive enhancement of "Book the course": the form works without it. With a visit row focused, Alt+Left/Right
// moves its day by one and Alt+Up/Down by a week; a row dragged onto another swaps the two days. The server judges
// every day when the form is sent.
(function () {
  "use strict";
  function shift(input, days) {
    if (!input || !input.value) return;
    var d = new Date(input.value + "T12:00:00Z");
    if (isNaN(d)) return;
    d.setUTCDate(d.getUTCDate() + days);
    input.value = d.toISOString().slice(0, 10);
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }
  document.addEventListener("DOMContentLoaded", function () {
    var rows = document.querySelectorAll(".booking-row");
    rows.forEach(function (row) {
      var date = row.querySelector("[data-move-date]");
      row.addEventListener("keydown", function (e) {
        if (!e.altKey) return;
        var by = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[e.key];
        if (by === undefined) return;
        e.preventDefault();
        shift(date, by);
      });
      row.setAttribute("draggable", "true");
      row.addEventListener("dragstart", function (e) {
        e.dataTransfer.setData("text/plain", row.id);
        row.setAttribute("aria-grabbed", "true");
      });
      row.addEventListener("dragend", function () { row.removeAttribute("aria-grabbed"); });
      row.addEventListener("dragover", function (e) { e.preventDefault(); row.classList.add("drag-over"); });
      row.addEventListener("dragleave", function () { row.classList.remove("drag-over"); });
      row.addEventListener("drop", function (e) {
        e.preventDefault();
        row.classList.remove("drag-over");
        var from = document.getElementById(e.dataTransfer.getData("text/plain"));
        if (!from || from === row) return;
        // Swap the two rows' days: the visits keep their order of numbers, the person sees both days at once.
        var a = from.querySelector("[data-move-date]"), b = row.querySelector("[data-move-date]");
        var t = a.value; a.value = b.value; b.value = t;
      });
    });
  });
})();
