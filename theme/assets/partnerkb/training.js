// Training in the browser, without a server: knowledge checks graded here, progress kept in this
// browser's localStorage (one entry, "partnerkb-training": the "course/module" tokens completed),
// progress bars and checklists filled from it, course filters, and session times in the reader's
// own time zone. The builder writes the markup and its labels as data attributes.
(function () {
  var KEY = "partnerkb-training";

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  function markDone(token) {
    var done = load();
    done[token] = true;
    try { localStorage.setItem(KEY, JSON.stringify(done)); } catch (e) { /* storage off: progress is not kept */ }
    refresh();
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  function refresh() {
    var done = load();
    document.querySelectorAll(".pkb-progress[data-modules]").forEach(function (box) {
      var tokens = box.dataset.modules.split(" ").filter(Boolean);
      var count = tokens.filter(function (t) { return done[t]; }).length;
      box.querySelector("progress").value = count;
      box.querySelector(".pkb-progress__label").textContent = fill(box.dataset.label, { done: count, total: tokens.length });
      box.hidden = tokens.length === 0;
    });
    document.querySelectorAll(".pkb-module-item[data-module]").forEach(function (item) {
      var isDone = !!done[item.dataset.module];
      item.classList.toggle("pkb-done", isDone);
      item.textContent = isDone ? "\u2713" : "";
      item.title = isDone ? item.dataset.done : "";
    });
    document.querySelectorAll(".pkb-complete[data-module]").forEach(function (box) {
      var button = box.querySelector("button");
      if (done[box.dataset.module]) {
        button.disabled = true;
        button.textContent = box.dataset.done;
      }
    });
    document.querySelectorAll("form.pkb-quiz").forEach(function (form) {
      var result = form.querySelector(".pkb-quiz__result");
      if (done[form.dataset.module] && !result.textContent) result.textContent = form.dataset.passed;
    });
  }

  function grade(form) {
    var questions = form.querySelectorAll(".pkb-quiz__question");
    var right = 0;
    questions.forEach(function (question) {
      var expected = question.dataset.correct.split(" ").sort().join(" ");
      var chosen = Array.prototype.filter.call(question.querySelectorAll("input"), function (input) { return input.checked; })
        .map(function (input) { return input.value; }).sort().join(" ");
      var ok = chosen === expected;
      if (ok) right += 1;
      question.classList.toggle("pkb-right", ok);
      question.classList.toggle("pkb-wrong", !ok);
      question.querySelector(".pkb-quiz__explanation").hidden = false;
    });
    var passed = right === questions.length;
    form.querySelector(".pkb-quiz__result").textContent =
      fill(form.dataset.result, { correct: right, total: questions.length }) + " " + (passed ? form.dataset.passed : form.dataset.retry);
    if (passed) markDone(form.dataset.module);
  }

  function filterRows(form) {
    var table = document.getElementById(form.dataset.filter);
    if (!table) return;
    var wanted = Array.prototype.map.call(form.querySelectorAll("select"), function (s) { return [s.name, s.value]; });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      row.hidden = !wanted.every(function (pair) {
        return !pair[1] || (row.dataset[pair[0]] || "").split(" ").indexOf(pair[1]) >= 0;
      });
    });
  }

  function localTimes() {
    var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short"
    });
    document.querySelectorAll("time.pkb-local-time[datetime]").forEach(function (time) {
      time.textContent = fill(time.dataset.label, { time: format.format(new Date(time.getAttribute("datetime"))) });
      time.hidden = false;
    });
  }

  document.querySelectorAll("form.pkb-quiz").forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); grade(form); });
  });
  document.querySelectorAll(".pkb-complete[data-module] button").forEach(function (button) {
    button.addEventListener("click", function () { markDone(button.parentNode.dataset.module); });
  });
  document.querySelectorAll("form.pkb-filter[data-filter]").forEach(function (form) {
    form.addEventListener("change", function () { filterRows(form); });
  });
  refresh();
  localTimes();
})();
