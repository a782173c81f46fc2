// The colour palette the reader chose last, on the body before it is drawn. A choice of "follow the
// system" is resolved to the palette toggle that matches the system's current scheme.
(function () {
  var palette = __md_get("__palette");
  if (!palette || !palette.color) return;
  var color = palette.color;
  if (color.media === "(prefers-color-scheme)") {
    var scheme = matchMedia("(prefers-color-scheme: light)").matches ? "light" : "dark";
    var toggle = document.querySelector("[data-md-color-media='(prefers-color-scheme: " + scheme + ")']");
    ["media", "scheme", "primary", "accent"].forEach(function (key) {
      color[key] = toggle.getAttribute("data-md-color-" + key);
    });
  }
  Object.keys(color).forEach(function (key) {
    document.body.setAttribute("data-md-color-" + key, color[key]);
  });
})();
