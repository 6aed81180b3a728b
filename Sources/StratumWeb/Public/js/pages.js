// Small behaviours of the Stratum pages. Every page works without this file: forms post and the server answers
// with the whole page. With it, the session form is re-checked by the server as values change (nothing typed is
// lost), print buttons print, and an error summary takes the focus so a keyboard or screen-reader user lands on it.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn); else fn();
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Re-check the session on the server. Acknowledgement reasons already typed are kept by field name for the
  // life of the page and put back into the fresh list, so a new finding never wipes a reason, and neither does a
  // re-check in between that shows no caution (a field emptied for a moment).
  function liveCheck(form) {
    var url = form.getAttribute("data-check-url");
    var target = document.getElementById("live-findings");
    if (!url || !target) return;
    var timer = null, inFlight = null, sequence = 0;
    var kept = {};

    // Every reason on the page now, merged into those kept from earlier answers; what is on the page wins.
    function typedReasons() {
      target.querySelectorAll("textarea[name^='ack|']").forEach(function (t) { kept[t.name] = t.value; });
      return kept;
    }

    // The answer's field errors are the truth for what is typed now: earlier ones (from the last post or the last
    // re-check) are cleared, the current ones shown beside their fields, and the summary only while any remain.
    function showFieldErrors(errors) {
      form.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
      form.querySelectorAll(".has-error").forEach(function (f) { f.classList.remove("has-error"); });
      var names = Object.keys(errors || {});
      var summary = document.querySelector(".error-summary");
      if (summary) summary.hidden = names.length === 0;
      names.forEach(function (name) {
        var input = form.querySelector("[name='" + CSS.escape(name) + "']") || document.getElementById(name);
        if (!input) return;
        var holder = input.closest(".field") || input.closest("fieldset") || input.parentElement;
        holder.classList.add("has-error");
        holder.appendChild(el("p", { "class": "field-error" }, errors[name]));
      });
    }

    function render(answer, reasons) {
      showFieldErrors(answer.fieldErrors);
      var focused = document.activeElement && target.contains(document.activeElement) ? document.activeElement.name : null;
      target.textContent = "";
      target.appendChild(el("p", { "class": "decision decision-" + answer.decision, id: "check-decision" }, answer.decisionText));
      if (!answer.findings.length) return;
      var list = el("ul", { "class": "findings", id: "check-findings" });
      answer.findings.forEach(function (f) {
        var li = el("li", { "class": "finding finding-" + f.severity, "data-rule": f.rule });
        li.appendChild(el("span", { "class": "badge badge-" + f.severity }, f.severity));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", { "class": "finding-rule" }, f.rule));
        if (f.zone) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", { "class": "finding-zone" }, f.zone)); }
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", { "class": "finding-message" }, f.message));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", { "class": "finding-evidence" }, f.evidence));
        if (f.ackField) {
          var box = el("div", { "class": "ack" });
          box.appendChild(el("label", { "for": f.ackField }, "Reason for treating despite " + f.rule + (f.zone ? " (" + f.zone + ")" : "")));
          var area = el("textarea", { id: f.ackField, name: f.ackField, rows: "2" });
          area.value = reasons[f.ackField] || "";
          box.appendChild(area);
          li.appendChild(box);
        }
        list.appendChild(li);
      });
      target.appendChild(list);
      if (focused) { var again = target.querySelector("[name='" + CSS.escape(focused) + "']"); if (again) again.focus(); }
    }

    function check() {
      typedReasons();
      var body = new URLSearchParams(new FormData(form));
      var mine = ++sequence;
      if (inFlight) inFlight.abort();
      inFlight = new AbortController();
      fetch(url, {
        method: "POST", body: body, credentials: "same-origin", signal: inFlight.signal,
        headers: { "X-Requested-With": "stratum-check", "X-CSRF-Token": form.querySelector("input[name=_csrf]").value }
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) { if (answer && mine === sequence) render(answer, typedReasons()); })
        .catch(function () { /* offline or aborted: the Check button still posts the whole form */ });
    }

    form.addEventListener("input", function (e) {
      if (e.target.name && e.target.name.indexOf("ack|") === 0) return;
      clearTimeout(timer); timer = setTimeout(check, 400);
    });
    form.addEventListener("change", function (e) {
      if (e.target.name && e.target.name.indexOf("ack|") === 0) return;
      clearTimeout(timer); timer = setTimeout(check, 150);
    });
    if (!document.getElementById("check-findings")) check();
  }

  // Show only the fields of the needle source chosen (single-use part or pack); without the script both show.
  function sterilityGroups(form) {
    var radios = form.querySelectorAll("input[name=sterilityKind]");
    function sync() {
      var chosen = form.querySelector("input[name=sterilityKind]:checked");
      form.querySelectorAll("[data-sterility]").forEach(function (g) {
        g.hidden = !!chosen && g.getAttribute("data-sterility") !== chosen.value;
      });
    }
    radios.forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }

  // Only the item fields of the chosen scale are shown; without this file all are shown and only those are read.
  function scaleItems(select) {
    var groups = document.querySelectorAll(".item-group");
    function sync() {
      groups.forEach(function (g) { g.hidden = g.getAttribute("data-scale") !== select.value; });
    }
    select.addEventListener("change", sync);
    sync();
  }

  // Baseline and later photo side by side: one zoom and one pan for both, so the same skin is compared.
  function syncedZoom(root) {
    var slider = root.querySelector("#zoom");
    var frames = root.querySelectorAll(".compare-frame img");
    var output = root.querySelector("#zoom-value");
    var scale = 1, x = 0, y = 0, drag = null;
    function apply() {
      frames.forEach(function (img) { img.style.transform = "translate(" + x + "px," + y + "px) scale(" + scale + ")"; });
      if (output) output.textContent = Math.round(scale * 100) + "%";
    }
    function setScale(s) {
      scale = Math.min(8, Math.max(1, s));
      if (scale === 1) { x = 0; y = 0; }
      slider.value = String(scale);
      apply();
    }
    slider.addEventListener("input", function () { setScale(parseFloat(slider.value)); });
    root.querySelectorAll(".compare-frame").forEach(function (frame) {
      frame.addEventListener("wheel", function (e) { e.preventDefault(); setScale(scale * (e.deltaY < 0 ? 1.1 : 1 / 1.1)); }, { passive: false });
      frame.addEventListener("pointerdown", function (e) { drag = { x: e.clientX - x, y: e.clientY - y }; frame.setPointerCapture(e.pointerId); });
      frame.addEventListener("pointermove", function (e) { if (drag && scale > 1) { x = e.clientX - drag.x; y = e.clientY - drag.y; apply(); } });
      frame.addEventListener("pointerup", function () { drag = null; });
    });
    var reset = root.querySelector("#zoom-reset");
    if (reset) reset.addEventListener("click", function () { setScale(1); });
    var controls = root.querySelector(".zoom-controls");
    if (controls) controls.hidden = false;
    apply();
  }

  ready(function () {
    var scaleSelect = document.getElementById("scale");
    if (scaleSelect && document.querySelector(".item-group")) scaleItems(scaleSelect);
    var compare = document.getElementById("compare");
    if (compare) syncedZoom(compare);
    var session = document.getElementById("session-form");
    if (session) { liveCheck(session); sterilityGroups(session); }
    document.querySelectorAll("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  });
})();
