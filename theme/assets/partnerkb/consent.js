// The cookie consent form: ticked as the reader chose, or shown when there is no choice yet. Saving or
// resetting it stores the choice and reloads the page, so that what was consented to takes effect.
(function () {
  var form = document.forms.consent;
  var chosen = __md_get("__consent");
  if (chosen) {
    Array.from(form.elements).forEach(function (input) {
      if (input.name) input.checked = chosen[input.name] || false;
    });
  } else if (location.protocol !== "file:") {
    setTimeout(function () {
      document.querySelector("[data-md-component=consent]").hidden = false;
    }, 250);
  }
  ["submit", "reset"].forEach(function (action) {
    form.addEventListener(action, function (event) {
      event.preventDefault();
      if (event.type === "reset") {
        Array.from(form.elements).forEach(function (input) {
          if (input.name) input.checked = false;
        });
      }
      var names = Array.from(new FormData(form).keys());
      __md_set("__consent", Object.fromEntries(names.map(function (name) { return [name, true]; })));
      location.hash = "";
      location.reload();
    });
  });
})();
