/* The site's web forms (webform.html.j2): check the answers, show errors tied to their fields,
   and save the answers as a small self-contained HTML file, readable in any browser and
   carrying them in a <script type="application/json"> block that `samverkan … collect` reads.
   Nothing is sent anywhere. Without this script the page shows how to use the Word form. */
(function () {
  "use strict";
  var form = document.getElementById("webform");
  if (!form || !window.Blob || !window.URL) { return; }
  var noScript = document.getElementById("no-script");
  if (noScript) { noScript.hidden = true; }
  form.hidden = false;
  var summary = document.getElementById("error-summary");
  var DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
  var EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

  function controls(question) {
    return Array.prototype.slice.call(question.querySelectorAll("input, select, textarea"));
  }

  function valueOf(question) {
    var kind = question.getAttribute("data-kind");
    var inputs = controls(question);
    if (kind === "checkboxes") {
      return inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    if (kind === "radios") {
      var checked = inputs.filter(function (i) { return i.checked; })[0];
      return checked ? checked.value : "";
    }
    return inputs[0].value.replace(/\r\n/g, "\n").trim();
  }

  function shown(question, value) {
    if (question.getAttribute("data-kind") === "select") {
      var select = controls(question)[0];
      return value ? select.options[select.selectedIndex].text : "";
    }
    return Array.isArray(value) ? value.join("; ") : value;
  }

  function validDate(text) {
    var m = DATE.exec(text);
    if (!m) { return false; }
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
  }

  function problem(question, value, itemFilled) {
    var kind = question.getAttribute("data-kind");
    var empty = Array.isArray(value) ? value.length === 0 : value === "";
    var label = question.getAttribute("data-label");
    if (question.getAttribute("data-required") === "true" && empty && itemFilled !== false) {
      return form.getAttribute("data-error-required") + ": " + label;
    }
    if (!empty && kind === "date" && !validDate(value)) {
      return form.getAttribute("data-error-date") + ": " + label;
    }
    if (!empty && kind === "email" && !EMAIL.test(value)) {
      return form.getAttribute("data-error-email");
    }
    return "";
  }

  function describe(question, message) {
    var id = question.getAttribute("data-for") || question.id;
    var error = document.getElementById(id + "-error");
    var target = question.getAttribute("data-for") ? document.getElementById(id) : question;
    var ids = (target.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
      return x && x !== error.id;
    });
    error.textContent = message;
    error.hidden = !message;
    if (message) { ids.push(error.id); }
    if (ids.length) { target.setAttribute("aria-describedby", ids.join(" ")); } else { target.removeAttribute("aria-describedby"); }
    controls(question).forEach(function (c) {
      if (message) { c.setAttribute("aria-invalid", "true"); } else { c.removeAttribute("aria-invalid"); }
    });
    return controls(question)[0].id;
  }

  function setPath(object, path, value) {
    var parts = path.split(".");
    for (var i = 0; i < parts.length - 1; i++) {
      object[parts[i]] = object[parts[i]] || {};
      object = object[parts[i]];
    }
    object[parts[parts.length - 1]] = value;
  }

  /* Every answer, the readable sections of the saved file, and the problems found. */
  function gather() {
    var data = JSON.parse(form.getAttribute("data-meta"));
    var sections = [];
    var problems = [];
    Array.prototype.forEach.call(form.children, function (part) {
      if (part.classList.contains("group")) {
        var rows = [];
        Array.prototype.forEach.call(part.querySelectorAll(".question"), function (q) {
          var value = valueOf(q);
          var message = problem(q, value);
          problems.push([message, describe(q, message)]);
          setPath(data, q.getAttribute("data-key"), value);
          rows.push([q.getAttribute("data-label"), shown(q, value)]);
        });
        sections.push([part.querySelector("legend").textContent, rows]);
      } else if (part.classList.contains("repeat")) {
        var list = [];
        Array.prototype.forEach.call(part.querySelectorAll(".item"), function (item) {
          var questions = Array.prototype.slice.call(item.querySelectorAll(".question"));
          var values = questions.map(valueOf);
          var filled = questions.some(function (q, i) {
            return q.getAttribute("data-required") !== "true" && values[i] !== "";
          });
          var answer = {};
          var rows = [];
          questions.forEach(function (q, i) {
            var message = problem(q, values[i], filled);
            problems.push([message, describe(q, message)]);
            answer[q.getAttribute("data-key")] = values[i];
            rows.push([q.getAttribute("data-label"), shown(q, values[i])]);
          });
          if (filled) {
            list.push(answer);
            sections.push([item.querySelector("legend").textContent.replace(/\s+/g, " ").trim(), rows]);
          }
        });
        data[part.getAttribute("data-key")] = list;
      }
    });
    return { data: data, sections: sections, problems: problems.filter(function (p) { return p[0]; }) };
  }

  function showSummary(problems) {
    var list = summary.querySelector("ul");
    list.textContent = "";
    problems.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#" + p[1];
      a.textContent = p[0];
      a.addEventListener("click", function (event) {
        event.preventDefault();
        document.getElementById(p[1]).focus();
      });
      li.appendChild(a);
      list.appendChild(li);
    });
    summary.hidden = problems.length === 0;
    if (problems.length) { summary.focus(); }
  }

  /* The saved file: the answers as text, and as data for `collect`. */
  function savedFile(result) {
    var title = form.getAttribute("data-title");
    var doc = document.implementation.createHTMLDocument(title);
    doc.documentElement.setAttribute("lang", "sv");
    var charset = doc.createElement("meta");
    charset.setAttribute("charset", "utf-8");
    doc.head.insertBefore(charset, doc.head.firstChild);
    var viewport = doc.createElement("meta");
    viewport.setAttribute("name", "viewport");
    viewport.setAttribute("content", "width=device-width, initial-scale=1");
    doc.head.appendChild(viewport);
    var style = doc.createElement("style");
    style.textContent = "body{font-family:sans-serif;line-height:1.5;max-width:42rem;margin:1rem auto;padding:0 1rem}" +
      "dt{font-weight:700;margin-top:.75rem}dd{margin:0;white-space:pre-wrap}";
    doc.head.appendChild(style);
    var json = doc.createElement("script");
    json.setAttribute("type", "application/json");
    json.id = form.getAttribute("data-marker");
    json.textContent = JSON.stringify(result.data).replace(/</g, "\\u003c");
    doc.head.appendChild(json);
    var main = doc.createElement("main");
    function add(parent, tag, text) {
      var el = doc.createElement(tag);
      el.textContent = text;
      parent.appendChild(el);
      return el;
    }
    add(main, "h1", title);
    add(main, "p", form.getAttribute("data-intro"));
    add(main, "p", form.getAttribute("data-send"));
    result.sections.forEach(function (section) {
      add(main, "h2", section[0]);
      var dl = add(main, "dl", "");
      section[1].forEach(function (row) {
        add(dl, "dt", row[0]);
        add(dl, "dd", row[1] || "–");
      });
    });
    doc.body.appendChild(main);
    return "<!DOCTYPE html>\n" + doc.documentElement.outerHTML + "\n";
  }

  function fileName(data) {
    var today = new Date();
    var day = today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") + "-" +
      String(today.getDate()).padStart(2, "0");
    return form.getAttribute("data-file") + "-" + day + ".html";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var result = gather();
    var status = document.getElementById("saved");
    showSummary(result.problems);
    if (result.problems.length) { status.textContent = ""; return; }
    var blob = new Blob([savedFile(result)], { type: "text/html;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = fileName(result.data);
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
    status.textContent = form.getAttribute("data-saved");
  });

  /* The remiss answer's repeated group: add and remove answers, numbered in order. */
  Array.prototype.forEach.call(form.querySelectorAll(".repeat"), function (repeat) {
    var template = repeat.querySelector(".item").cloneNode(true);
    function renumber() {
      Array.prototype.forEach.call(repeat.querySelectorAll(".item"), function (item, index) {
        var n = index + 1;
        Array.prototype.forEach.call(item.querySelectorAll(".number"), function (s) { s.textContent = String(n); });
        Array.prototype.forEach.call(item.querySelectorAll("[id], [for], [name], [aria-describedby], [data-for]"), function (el) {
          ["id", "for", "name", "aria-describedby", "data-for"].forEach(function (attribute) {
            var value = el.getAttribute(attribute);
            if (value) { el.setAttribute(attribute, value.replace(/\ba\d+-/g, "a" + n + "-")); }
          });
        });
        item.querySelector(".remove").hidden = repeat.querySelectorAll(".item").length === 1;
      });
    }
    repeat.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.classList.contains("add")) {
        var item = template.cloneNode(true);
        repeat.insertBefore(item, button);
        renumber();
        item.querySelector("select, input, textarea").focus();
      } else if (button.classList.contains("remove")) {
        button.closest(".item").remove();
        renumber();
        repeat.querySelector(".add").focus();
      }
    });
    renumber();
  });

  /* A kommun's page links here with ?enhet=<slug>: that kommun or stadsdel is chosen. */
  var units = JSON.parse(form.getAttribute("data-units") || "{}");
  var chosen = new URLSearchParams(window.location.search).get("enhet");
  var unit = document.getElementById("f-unit");
  if (chosen && units[chosen] && unit && unit.tagName === "SELECT") { unit.value = units[chosen]; }
})();
