// Stratum body map: makes each <figure class="body-map"> (partials/body-map.leaf) work with the form around it.
// No dependencies; loaded with `defer` on every page, and does nothing on pages without a map.
//
// The mode comes from the nearest element (the figure itself or an ancestor) with a data-map-mode attribute:
//   select  the form holds <input type="checkbox" name="zone" value="SITE:SIDE"> (the no-JS fallback, left
//           visible). A zone with a checkbox becomes a keyboard-operable checkbox that mirrors it; clicking it,
//           or Enter or Space on it, toggles the checkbox and dispatches bubbling `input` and `change` events.
//   depth   the form holds <input data-depth-for="SITE:SIDE"> number inputs. Each zone with one is coloured by
//           its value (depth-1..depth-5, no-depth; depth-out outside 0.25–3.0 mm) and, clicked or activated
//           with Enter or Space, focuses that input.
// Zones with nothing to match get the class `unavailable` and stay out of the tab order.
(function () {
  "use strict";

  // Upper bounds of the legend's bands, in millimetres: 0.25–0.5, 0.5–1.0, 1.0–1.5, 1.5–2.0, 2.0–3.0.
  var BANDS = [0.5, 1.0, 1.5, 2.0, 3.0];
  var MIN_DEPTH = 0.25;
  var MAX_DEPTH = 3.0;
  var DEPTH_CLASSES = ["depth-1", "depth-2", "depth-3", "depth-4", "depth-5", "no-depth", "depth-out"];

  function zoneName(zone) {
    var title = zone.querySelector("title");
    var text = title ? title.textContent.trim() : "";
    return text || zone.getAttribute("data-zone") || "Zone";
  }

  function activateOn(zone, action) {
    zone.addEventListener("click", function (event) {
      event.preventDefault();
      action();
    });
    zone.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
        event.preventDefault(); // Space would scroll the page
        if (!event.repeat) action();
      }
    });
  }

  function byAttribute(scope, selector, attribute) {
    var found = {};
    var nodes = scope.querySelectorAll(selector);
    for (var i = 0; i < nodes.length; i++) {
      var key = nodes[i].getAttribute(attribute);
      if (key && !found[key]) found[key] = nodes[i];
    }
    return found;
  }

  function makeUnavailable(zone) {
    zone.classList.add("unavailable");
    zone.removeAttribute("tabindex");
    zone.removeAttribute("role");
  }

  function setupSelect(map, scope) {
    var boxes = byAttribute(scope, 'input[type="checkbox"][name="zone"]', "value");
    var zones = map.querySelectorAll(".map-zone[data-zone]");
    var syncs = [];
    Array.prototype.forEach.call(zones, function (zone) {
      var box = boxes[zone.getAttribute("data-zone")];
      if (!box) { makeUnavailable(zone); return; }
      zone.setAttribute("role", "checkbox");
      zone.setAttribute("aria-label", zoneName(zone));
      function sync() {
        zone.classList.toggle("selected", box.checked);
        zone.setAttribute("aria-checked", box.checked ? "true" : "false");
        if (box.disabled) {
          zone.setAttribute("aria-disabled", "true");
          zone.removeAttribute("tabindex");
        } else {
          zone.removeAttribute("aria-disabled");
          zone.setAttribute("tabindex", "0");
        }
      }
      syncs.push(sync);
      sync();
      box.addEventListener("change", sync);
      activateOn(zone, function () {
        if (box.disabled) return;
        box.checked = !box.checked;
        box.dispatchEvent(new Event("input", { bubbles: true }));
        box.dispatchEvent(new Event("change", { bubbles: true }));
        sync();
      });
    });
    return syncs;
  }

  function parseDepth(text) {
    var s = String(text == null ? "" : text).trim().replace(",", ".");
    if (s === "" || !/^\d*\.?\d+$|^\d+\.$/.test(s)) return NaN;
    return parseFloat(s);
  }

  function formatMM(v) {
    // 1 → "1.0", 0.75 → "0.75"
    return Math.round(v * 10) === v * 10 ? v.toFixed(1) : String(Math.round(v * 100) / 100);
  }

  function depthClass(v) {
    if (!(v > 0)) return "no-depth";
    for (var i = 0; i < BANDS.length; i++) if (v <= BANDS[i] + 1e-9) return "depth-" + (i + 1);
    return "depth-5";
  }

  function setupDepth(map, scope) {
    var inputs = byAttribute(scope, "input[data-depth-for]", "data-depth-for");
    var zones = map.querySelectorAll(".map-zone[data-zone]");
    var syncs = [];
    Array.prototype.forEach.call(zones, function (zone) {
      var input = inputs[zone.getAttribute("data-zone")];
      if (!input) { makeUnavailable(zone); return; }
      var name = zoneName(zone);
      zone.setAttribute("tabindex", "0");
      zone.setAttribute("role", "button");
      function sync() {
        var v = parseDepth(input.value);
        var cls = depthClass(v);
        DEPTH_CLASSES.forEach(function (c) { zone.classList.remove(c); });
        zone.classList.add(cls);
        var out = v > 0 && (v < MIN_DEPTH - 1e-9 || v > MAX_DEPTH + 1e-9);
        if (out) zone.classList.add("depth-out");
        var said = v > 0 ? formatMM(v) + " mm" + (out ? " (outside 0.25–3.0 mm)" : "") : "no depth";
        zone.setAttribute("aria-label", name + ": " + said + " — edit depth");
      }
      syncs.push(sync);
      sync();
      input.addEventListener("input", sync);
      input.addEventListener("change", sync);
      input.addEventListener("focus", function () { zone.classList.add("current"); });
      input.addEventListener("blur", function () { zone.classList.remove("current"); });
      activateOn(zone, function () {
        input.focus();
        if (typeof input.select === "function") {
          try { input.select(); } catch (e) { /* number inputs may refuse select() */ }
        }
      });
    });
    return syncs;
  }

  function setup(map) {
    if (map.getAttribute("data-map-ready") === "true") return;
    var holder = map.closest("[data-map-mode]");
    var mode = holder ? holder.getAttribute("data-map-mode") : "";
    var scope = map.closest("form") || document;
    var syncs;
    if (mode === "select") syncs = setupSelect(map, scope);
    else if (mode === "depth") syncs = setupDepth(map, scope);
    else return; // no mode: a picture only
    map.classList.add("map-mode-" + mode);
    map.setAttribute("data-map-ready", "true");
    if (scope !== document) {
      // After a form reset the controls change without events.
      scope.addEventListener("reset", function () {
        setTimeout(function () { syncs.forEach(function (s) { s(); }); }, 0);
      });
    }
  }

  function init() {
    var maps = document.querySelectorAll("figure.body-map");
    for (var i = 0; i < maps.length; i++) setup(maps[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
