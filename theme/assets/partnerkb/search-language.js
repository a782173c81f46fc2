// Every language of a partnerkb site has its own search index (the builder splits the one that
// mkdocs-static-i18n fills with every language). Material always requests
// search/search_index.json from the version root, so point that request at this page's language.
(function () {
  var script = document.currentScript;
  var shared = new URL(script.dataset.shared, location.href).href;
  var index = new URL(script.dataset.index, location.href).href;
  if (shared === index) return;
  var open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    var args = Array.prototype.slice.call(arguments);
    if (new URL(String(url), location.href).href === shared) args[1] = index;
    return open.apply(this, args);
  };
})();
