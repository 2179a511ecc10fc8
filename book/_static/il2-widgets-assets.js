/* Point the vendored ipywidgets HTML manager at its own folder (_static/vendor/html-manager/).
 * embed-amd.js defines the AMD module "@jupyter-widgets/html-manager/dist/libembed-amd" and
 * loads its icon fonts from the folder that RequireJS maps that name to; without this mapping
 * it looks beside the page. Loaded after require.js and before embed-amd.js. */
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  if (!here) return;
  var folder = new URL("vendor/html-manager/", here).href;
  window.__jupyter_widgets_assets_path__ = folder;
  if (window.requirejs && window.requirejs.config) {
    window.requirejs.config({ paths: { "@jupyter-widgets/html-manager/dist": folder.replace(/\/$/, "") } });
  }
})();
