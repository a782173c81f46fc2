// The search box on the region's search service (when partners/program.yml sets `serving.search`).
// Each query goes to <region>/api/search; its answer (results with their type, snippet and anchor,
// and facets by type) is shown in place of Material's own list. When the service does not answer,
// Material's static index does: its list is shown again, as it always is without the service.
(function () {
  var script = document.currentScript;
  var api = new URL(script.dataset.api, location.href);
  var root = new URL(script.dataset.root, location.href);
  var labels = JSON.parse(script.dataset.labels);
  var lang = script.dataset.lang;
  var version = script.dataset.version;

  function ready() {
    var input = document.querySelector("input.md-search__input");
    var output = document.querySelector(".md-search__output");
    var form = document.querySelector(".md-search");
    if (!input || !output || !form) return;
    var panel = document.createElement("div");
    panel.className = "pkb-search";
    panel.setAttribute("aria-live", "polite");
    output.insertBefore(panel, output.firstChild);
    var timer = null;
    var asked = 0;
    var type = "";

    function show(answer) {
      panel.replaceChildren();
      var meta = document.createElement("p");
      meta.className = "pkb-search__meta";
      meta.textContent = answer.total ? labels.results.replace("{count}", answer.total) : labels.none;
      panel.appendChild(meta);
      var facets = document.createElement("div");
      facets.className = "pkb-search__facets";
      facets.setAttribute("role", "group");
      var kinds = [["", labels.all, total(answer.facets.type)]].concat(
        Object.keys(answer.facets.type).map(function (kind) { return [kind, labels.types[kind] || kind, answer.facets.type[kind]]; })
      );
      kinds.forEach(function (entry) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "pkb-search__facet";
        button.dataset.type = entry[0];
        button.setAttribute("aria-pressed", String(entry[0] === type));
        button.textContent = entry[1] + " (" + entry[2] + ")";
        button.addEventListener("click", function () { type = entry[0]; ask(input.value); });
        facets.appendChild(button);
      });
      panel.appendChild(facets);
      var list = document.createElement("ol");
      list.className = "pkb-search__results";
      answer.results.forEach(function (result) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = new URL(result.url, root).href;
        link.className = "pkb-search__result";
        var title = document.createElement("span");
        title.className = "pkb-search__title";
        title.textContent = result.title;
        var kind = document.createElement("span");
        kind.className = "pkb-search__type";
        kind.textContent = labels.types[result.type] || result.type;
        var snippet = document.createElement("span");
        snippet.className = "pkb-search__snippet";
        marked(snippet, result.snippet);
        link.append(title, kind, snippet);
        item.appendChild(link);
        list.appendChild(item);
      });
      panel.appendChild(list);
      form.classList.add("pkb-search--service");
    }

    function total(counts) {
      return Object.keys(counts).reduce(function (sum, kind) { return sum + counts[kind]; }, 0);
    }

    // The snippet is escaped text with <mark> around matches: built as nodes, never as HTML.
    function marked(target, snippet) {
      var parts = snippet.split(/(<mark>|<\/mark>)/);
      var inside = false;
      var scratch = document.createElement("textarea");
      parts.forEach(function (part) {
        if (part === "<mark>") { inside = true; return; }
        if (part === "</mark>") { inside = false; return; }
        scratch.innerHTML = part; // decodes the escaped entities of text, never parsed as markup
        var text = document.createTextNode(scratch.value);
        if (inside) { var mark = document.createElement("mark"); mark.appendChild(text); target.appendChild(mark); }
        else target.appendChild(text);
      });
    }

    function fallBack() {
      form.classList.remove("pkb-search--service");
      panel.replaceChildren();
    }

    function ask(query) {
      var number = ++asked;
      query = query.trim();
      if (!query) { fallBack(); return; }
      var url = new URL(api.href);
      url.searchParams.set("q", query.slice(0, 200));
      url.searchParams.set("lang", lang);
      url.searchParams.set("version", version);
      if (type) url.searchParams.set("type", type);
      fetch(url.href, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (answer) { if (number === asked) show(answer); })
        .catch(function () { if (number === asked) fallBack(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { ask(input.value); }, 150);
    });
    // Arrow keys move between the input and the results; Enter follows a focused result's link.
    form.addEventListener("keydown", function (event) {
      if (!form.classList.contains("pkb-search--service") || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
      var links = Array.prototype.slice.call(panel.querySelectorAll("a.pkb-search__result"));
      if (!links.length) return;
      var at = links.indexOf(document.activeElement);
      var next = event.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : at - 1;
      event.preventDefault();
      event.stopPropagation();
      (next < 0 ? input : links[next]).focus();
    }, true);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
