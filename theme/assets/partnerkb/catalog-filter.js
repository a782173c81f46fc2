// The catalog index filters by product line, status and deployment in the browser, without a
// server. The builder writes one table per product line under its heading; a row's second and
// third cells are its deployment and status, in the reader's language, as the options are.
(function () {
  var form = document.getElementById("pkb-catalog-filter");
  if (!form) return;
  function headingText(heading) {
    // The heading's own words, without the permalink that MkDocs appends.
    return Array.prototype.filter.call(heading.childNodes, function (node) {
      return !(node.classList && node.classList.contains("headerlink"));
    }).map(function (node) { return node.textContent; }).join("").trim();
  }
  function apply() {
    var line = form.elements.line.value;
    var status = form.elements.status.value;
    var deployment = form.elements.deployment.value;
    form.closest("article").querySelectorAll("table").forEach(function (table) {
      var block = table.closest(".md-typeset__scrollwrap") || table;
      var heading = block.previousElementSibling;
      var visibleRows = 0;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var cells = row.querySelectorAll("td");
        var show = (!deployment || cells[1].textContent.trim() === deployment) &&
          (!status || cells[2].textContent.trim().indexOf(status) === 0);
        row.hidden = !show;
        if (show) visibleRows += 1;
      });
      var showSection = visibleRows > 0 && (!line || (heading && headingText(heading) === line));
      block.hidden = !showSection;
      if (heading) heading.hidden = !showSection;
    });
  }
  form.addEventListener("change", apply);
})();
