// Unhides the outdated-version banner when the version selector has marked this version as outdated
// for this browser session. The base is relative to the page, so it is resolved against its address.
(function () {
  var banner = document.querySelector("[data-md-component=outdated]");
  var base = new URL(document.currentScript.dataset.base, location.href);
  if (banner && __md_get("__outdated", sessionStorage, base) === true) banner.hidden = false;
})();
