// The storage helpers that Material's bundle expects as globals: values kept per site (the path of
// the site's root, so that each version and tier remembers its own), as JSON, in localStorage unless
// another storage is given. Loaded before the bundle, from a file, as the portal allows no inline script.
(function () {
  var scope = new URL(document.currentScript.dataset.scope, location.href);
  window.__md_scope = scope;
  window.__md_hash = function (text) {
    return Array.from(text).reduce(function (hash, character) {
      return (hash << 5) - hash + character.charCodeAt(0);
    }, 0);
  };
  window.__md_get = function (key, storage, base) {
    storage = storage || localStorage;
    base = base || scope;
    return JSON.parse(storage.getItem(base.pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, base) {
    storage = storage || localStorage;
    base = base || scope;
    try {
      storage.setItem(base.pathname + "." + key, JSON.stringify(value));
    } catch (error) {
      // Storage full or refused (private browsing): the page works without remembering.
    }
  };
})();
