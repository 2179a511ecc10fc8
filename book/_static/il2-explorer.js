/* Static explorers of the IL-2 book (see lib/il2/explore.py).
 * Each .il2-explorer holds range inputs and selects, an <img>, and a JSON block of frames
 * rendered at build time, keyed by the index of each control's value ("2-0", ...). Moving
 * a control swaps the image and its alt text; no kernel and no network are needed. */
(function () {
  "use strict";
  function setup(root) {
    if (root.dataset.il2Ready) return;
    root.dataset.il2Ready = "1";
    var dataEl = root.querySelector("script.il2x-data");
    var img = root.querySelector("img.il2x-figure");
    if (!dataEl || !img) return;
    var data = JSON.parse(dataEl.textContent);
    var inputs = Array.prototype.slice.call(root.querySelectorAll(".il2x-controls input, .il2x-controls select"));
    function update() {
      var key = inputs.map(function (el) { return el.value; }).join("-");
      inputs.forEach(function (el) {
        if (el.type === "range") {
          var labels = JSON.parse(el.dataset.labels);
          var text = labels[Number(el.value)];
          el.setAttribute("aria-valuetext", text);
          var out = root.querySelector('output[for="' + el.id + '"]');
          if (out) out.textContent = text;
        }
      });
      if (data.frames[key]) {
        img.src = data.frames[key];
        img.alt = data.alts[key];
      }
    }
    inputs.forEach(function (el) {
      el.addEventListener("input", update);
      el.addEventListener("change", update);
    });
  }
  function init() {
    document.querySelectorAll(".il2-explorer").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
