// An announcement the reader dismissed stays hidden until its text changes.
(function () {
  var banner = document.querySelector("[data-md-component=announce]");
  if (!banner) return;
  var content = banner.querySelector(".md-typeset");
  if (__md_hash(content.innerHTML) === __md_get("__announce")) banner.hidden = true;
})();
