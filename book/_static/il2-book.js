/* The book's own small behaviours (no other host, no library).
 *
 * Tables on a phone: each body cell of a table with a header row gets its column's name
 * (data-label) and the table the class il2-stack; il2-book.css then shows each row as a block of
 * "column: value" lines on a narrow screen. Parameter tables (div.il2-parameters) have their
 * own narrow layout. An empty cell is left out of the narrow layout rather than shown as its
 * column's name with nothing after it.
 *
 * Full-size figures: a click, tap, Enter or Space on a figure (a figure directive, a
 * notebook's image output, or an explorer's current frame) opens the image at full resolution
 * in a dialog that scrolls when the image is larger than the screen. On a phone an explorer's
 * frame is shown at about a fifth of its size, too small to read its axes: the dialog shows the
 * frame the controls have chosen, at full size. A click anywhere, Escape or the close button
 * closes it and returns focus to the figure. */
(function () {
  "use strict";

  var SELECTOR = "main figure img, main .cell_output img";
  var dialog = null;
  var opener = null;

  function isZoomable(img) {
    return !img.closest("a");  // a linked image keeps its link
  }

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "il2-lightbox";
    dialog.setAttribute("aria-label", "Full-size figure");
    dialog.innerHTML =
      '<button type="button" class="il2-lightbox-close" aria-label="Close">\u00d7</button>' +
      '<div class="il2-lightbox-frame"><img alt=""></div>';
    dialog.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () {
      document.documentElement.classList.remove("il2-lightbox-open");
      if (opener) opener.focus();
    });
    document.body.appendChild(dialog);
  }

  function open(img) {
    if (!dialog) build();
    opener = img;
    var big = dialog.querySelector("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt || "";
    document.documentElement.classList.add("il2-lightbox-open");
    dialog.showModal();
  }

  function labelTables() {
    document.querySelectorAll(".bd-article table").forEach(function (table) {
      if (table.closest(".il2-parameters")) return;
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.replace(/\s+/g, " ").trim();
      });
      if (!heads.length) return;
      table.classList.add("il2-stack");
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (cell, i) {
          if (heads[i]) cell.setAttribute("data-label", heads[i]);
          // an empty cell would show its column's name alone on a phone
          if (!cell.textContent.trim() && !cell.querySelector("img, svg")) cell.classList.add("il2-empty");
        });
      });
    });
  }

  function init() {
    labelTables();
    document.querySelectorAll(SELECTOR).forEach(function (img) {
      if (!isZoomable(img)) return;
      img.classList.add("il2-zoomable");
      img.setAttribute("tabindex", "0");
      img.title = "Open the full-size figure";
      img.addEventListener("click", function () { open(img); });
      img.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(img); }
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
