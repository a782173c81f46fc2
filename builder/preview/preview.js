// partnerkb preview: reload when a newer good build is served; show the last build's problems over the page.
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = Number(script.getAttribute("data-build"));
  var overlay = null;

  function clear() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function show(state) {
    clear();
    overlay = document.createElement("div");
    overlay.id = "partnerkb-preview-problems";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;z-index:10000;" +
      "background:#1e1e1e;color:#f5f5f5;font:14px/1.5 monospace;padding:1rem 1.25rem;border-radius:6px;" +
      "box-shadow:0 4px 24px rgba(0,0,0,.4);border-left:6px solid " + (state.failed ? "#e53935" : "#fbc02d");
    var title = document.createElement("strong");
    title.textContent = state.failed
      ? "Build " + state.tried + " failed: this page is build " + shown + ", the last good one."
      : "Build " + state.tried + " has warnings.";
    overlay.appendChild(title);
    var list = document.createElement("ul");
    list.style.cssText = "margin:.5rem 0 0;padding-left:1.25rem";
    state.problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.textContent = problem.text;
      list.appendChild(item);
    });
    overlay.appendChild(list);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.style.cssText = "margin-top:.5rem;font:inherit;cursor:pointer";
    close.addEventListener("click", clear);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
  }

  var events = new EventSource("/__partnerkb/events");
  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    if (state.build && state.build !== shown) {
      location.reload();
      return;
    }
    if (state.problems.length) { show(state); } else { clear(); }
  };
})();
