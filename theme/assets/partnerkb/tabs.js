// Content tabs on load: with linked tabs, the labels chosen last (Material keeps them as "__tabs");
// then the tab that the address's #anchor names (#__tabbed_1_2).
(function () {
  var chosen = document.currentScript.hasAttribute("data-linked") ? __md_get("__tabs") : null;
  if (Array.isArray(chosen)) {
    document.querySelectorAll(".tabbed-set").forEach(function (set) {
      var labels = Array.from(set.querySelectorAll(".tabbed-labels label"));
      var label = chosen.map(function (text) {
        return labels.find(function (l) { return l.innerText.trim() === text; });
      }).find(Boolean);
      if (label) document.getElementById(label.htmlFor).checked = true;
    });
  }
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) target.checked = target.name.indexOf("__tabbed_") === 0;
})();
