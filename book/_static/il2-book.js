/* The book's own small behaviours (no other host, no library).
 *
 * Tables on a phone: each body cell of a table with a header row gets its column's name
 * (data-label) and the table the class il2-stack; il2-book.css then shows each row as a block of
 * "column: value" lines on a narrow screen. Parameter tables (div.il2-parameters) have their
 * own narrow layout. An empty cell is left out of the narrow layout rather than shown as its
 * column's name with nothing after it.
 *
 * Names such as IL-2 never break after their hyphen (a span with white-space: nowrap).
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

  // A name with a hyphen before a number (IL-2, IL-15, PIVOT-09) is kept on one line: a break
  // after its hyphen leaves "IL-" at the end of a line and "2" on the next, in a phone's headings
  // above all. Code, mathematics and scripts are left as they are.
  var HYPHENATED = /\b[A-Z][A-Za-z]*-\d+[A-Za-z0-9\u03b1-\u03c9]*/g;
  var SKIP = "code, pre, script, style, mjx-container, .math, .il2-nowrap, .il2-explorer script";

  function keepNamesWhole() {
    var root = document.querySelector(".bd-article");
    if (!root) return;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        HYPHENATED.lastIndex = 0;
        if (!HYPHENATED.test(node.nodeValue)) return NodeFilter.FILTER_REJECT;
        return node.parentElement.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var text = node.nodeValue, last = 0, frag = document.createDocumentFragment(), m;
      HYPHENATED.lastIndex = 0;
      while ((m = HYPHENATED.exec(text)) !== null) {
        if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
        var span = document.createElement("span");
        span.className = "il2-nowrap";
        span.textContent = m[0];
        frag.appendChild(span);
        last = m.index + m[0].length;
      }
      if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
      node.parentNode.replaceChild(frag, node);
    });
  }

  function init() {
    keepNamesWhole();
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
