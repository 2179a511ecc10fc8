/* Static explorers of the IL-2 book (see lib/il2/explore.py).
 * Each .il2-explorer holds range inputs and selects, an <img> showing the opening frame
 * (inline), and a JSON block: for every combination of control values ("2-0", ...) a frame
 * (a file name in _static/il2-frames/, or inline data), its alt text and its caption.
 * Frames are fetched only when needed: those of the main control when the explorer comes
 * near the screen, all of them when a control is first touched. A reader who asked the browser
 * to save data (Save-Data, navigator.connection.saveData) gets no frame ahead of time: each
 * frame loads when a control shows it. Moving a control swaps the image, its alt text and
 * caption. No kernel and no other host are needed. */
(function () {
  "use strict";
  // Frame files sit next to this script (_static/), whatever the depth of the page.
  var self = document.currentScript || document.querySelector('script[src*="il2-explorer.js"]');
  var staticBase = self && self.src ? self.src.split("?")[0].replace(/[^\/]*$/, "") : "";
  var saveData = !!(navigator.connection && navigator.connection.saveData);

  function setup(root) {
    if (root.dataset.il2Ready) return;
    root.dataset.il2Ready = "1";
    var dataEl = root.querySelector("script.il2x-data");
    var img = root.querySelector("img.il2x-figure");
    if (!dataEl || !img) return;
    var data = JSON.parse(dataEl.textContent);
    var caption = root.querySelector(".il2x-caption");
    var dir = data.dir ? staticBase + data.dir : "";
    var inputs = Array.prototype.slice.call(root.querySelectorAll(".il2x-controls input, .il2x-controls select"));
    var fetched = {};
    var startKey = null;
    var startSrc = img.getAttribute("src");

    function url(key) {
      var f = data.frames[key];
      if (!f) return null;
      if (key === startKey) return startSrc;  // the opening frame is inline
      return f.indexOf("data:") === 0 || !dir ? f : dir + f;
    }
    function fetchFrames(keys) {
      keys.forEach(function (key) {
        if (fetched[key] || !data.frames[key]) return;
        var im = new Image();
        im.decoding = "async";
        im.src = url(key);
        fetched[key] = im;
      });
    }
    function currentKey() {
      return inputs.map(function (el) { return el.value; }).join("-");
    }
    // The frames along the first control, the others where they are now.
    function mainRow() {
      var first = inputs[0];
      var n = first.tagName === "SELECT" ? first.options.length : Number(first.max) + 1;
      var rest = inputs.slice(1).map(function (el) { return el.value; });
      var keys = [];
      for (var i = 0; i < n; i++) keys.push([String(i)].concat(rest).join("-"));
      return keys;
    }
    startKey = currentKey();
    var all = false;
    function fetchAll() {
      if (all || saveData) return;
      all = true;
      fetchFrames(Object.keys(data.frames));
    }

    function update() {
      var key = currentKey();
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
        img.src = url(key);
        img.alt = data.alts[key];
        img.dataset.frame = key;
        if (caption && data.captions && data.captions[key]) caption.textContent = data.captions[key];
      }
    }
    inputs.forEach(function (el) {
      el.addEventListener("input", update);
      el.addEventListener("change", update);
      ["pointerdown", "touchstart", "focus", "keydown"].forEach(function (type) {
        el.addEventListener(type, fetchAll, { passive: true });
      });
    });
    if ("IntersectionObserver" in window && !saveData) {
      var seen = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            fetchFrames(mainRow());
            seen.disconnect();
          }
        });
      }, { rootMargin: "200px 0px" });
      seen.observe(root);
    }
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
