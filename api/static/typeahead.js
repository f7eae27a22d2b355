// The one typeahead of newsgraph's pages: entity names offered under a text field as you type.
//
//   window.newsgraphTypeahead(input, options) -> {close, suggest, destroy}
//
// It asks GET /api/entities?search=TEXT&limit=10 (same origin only, so it works offline), which
// answers {"entities": [{"iri", "name", "type", "articles"}]}, and shows the names in a small list
// below the field: the ARIA 1.2 combobox pattern (role=combobox on the field, role=listbox and
// role=option below it, aria-activedescendant for the highlighted row, a polite live region
// saying how many there are). Keys: ArrowDown/ArrowUp move, Enter or Tab takes the highlighted
// name, Escape closes. Typing waits `delay` ms (debounced) and a newer request aborts an older
// one, so a slow answer never overwrites a newer one. Without the endpoint, or with JavaScript
// off, the field is an ordinary text field.
//
// Options (each may also come from the field's attributes):
//   source  the endpoint (data-typeahead="/api/entities"; default "/api/entities")
//   value   what picking a row puts in the field: "name" (default) or "iri"
//           (data-typeahead-value="iri")
//   limit   how many names to ask for (default 10); delay: debounce in ms (default 150)
//   submit  submit the field's form after a pick (data-typeahead-submit)
//   onSelect(entity)  called after a pick; a "newsgraph:typeahead-select" event (detail: the
//           entity) bubbles from the field too.
// Every field with a data-typeahead attribute is set up when the page loads. Tested in
// tests/test_list_pages.py (the list page's search, by keyboard) and tests/test_network_page.py
// (the network page's entity field, by mouse).
(function () {
  "use strict";

  var counter = 0;

  function setUp(input, options) {
    if (!input || input.dataset.typeaheadReady) { return input && input.newsgraphTypeahead; }
    options = options || {};
    var source = options.source || input.dataset.typeahead || "/api/entities";
    var valueOf = options.value || input.dataset.typeaheadValue || "name";
    var limit = options.limit || 10;
    var delay = options.delay === undefined ? 150 : options.delay;
    var submit = options.submit !== undefined ? options.submit : "typeaheadSubmit" in input.dataset;
    var id = "typeahead-" + (++counter);

    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "typeahead-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    input.dataset.typeaheadReady = "1";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    var entities = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var asked = null;
    var answers = {};

    function place() {
      list.style.left = input.offsetLeft + "px";
      list.style.top = (input.offsetTop + input.offsetHeight) + "px";
      list.style.minWidth = input.offsetWidth + "px";
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (option, at) {
        option.setAttribute("aria-selected", at === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      highlight(-1);
    }

    function show(found) {
      entities = found;
      list.textContent = "";
      found.forEach(function (entity, at) {
        var option = document.createElement("li");
        option.id = id + "-option-" + at;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.iri = entity.iri;
        var name = document.createElement("span");
        name.className = "typeahead-name";
        name.textContent = entity.name || entity.iri;
        option.appendChild(name);
        var more = [entity.type, entity.articles === undefined ? null : entity.articles + " articles"]
          .filter(function (part) { return part !== null && part !== undefined && part !== ""; });
        if (more.length) {
          var note = document.createElement("span");
          note.className = "typeahead-note";
          note.textContent = more.join(" · ");
          option.appendChild(note);
        }
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the field
          pick(at);
        });
        list.appendChild(option);
      });
      status.textContent = found.length ? found.length + " suggestions" : "";
      active = -1;
      if (!found.length || document.activeElement !== input) { close(); return; }
      place();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
    }

    function pick(index) {
      var entity = entities[index];
      if (!entity) { return; }
      input.value = valueOf === "iri" ? entity.iri : (entity.name || entity.iri);
      asked = input.value;
      close();
      if (typeof options.onSelect === "function") { options.onSelect(entity); }
      input.dispatchEvent(new CustomEvent("newsgraph:typeahead-select",
        { bubbles: true, detail: entity }));
      if (submit && input.form) {
        if (input.form.requestSubmit) { input.form.requestSubmit(); } else { input.form.submit(); }
      }
    }

    function suggest() {
      var text = input.value.trim();
      if (text === asked && !list.hidden) { return; }
      asked = text;
      if (pending) { pending.abort(); pending = null; }
      if (!text) { show([]); return; }
      if (answers[text]) { show(answers[text]); return; }
      var url = new URL(source, window.location.href);
      url.searchParams.set("search", text);
      url.searchParams.set("limit", String(limit));
      var controller = typeof AbortController === "function" ? new AbortController() : null;
      pending = controller;
      fetch(url.href, { headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined })
        .then(function (response) { return response.ok ? response.json() : { entities: [] }; })
        .then(function (body) {
          if (pending !== controller) { return; }
          pending = null;
          answers[text] = Array.isArray(body.entities) ? body.entities : [];
          if (input.value.trim() === text) { show(answers[text]); }
        })
        .catch(function () { if (pending === controller) { pending = null; show([]); } });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, delay);
    }

    function onKey(event) {
      var open = !list.hidden && entities.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) { asked = null; suggest(); return; }
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;  // -1 is the field itself: the list cycles through it
        highlight(next < -1 ? entities.length - 1 : next >= entities.length ? -1 : next);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        pick(active);
      } else if (event.key === "Tab" && open && active >= 0) {
        pick(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    }

    function onBlur() { window.clearTimeout(timer); close(); }

    input.addEventListener("input", later);
    input.addEventListener("keydown", onKey);
    input.addEventListener("blur", onBlur);

    var controller = {
      close: close,
      suggest: function () { asked = null; suggest(); },
      destroy: function () {
        close();
        input.removeEventListener("input", later);
        input.removeEventListener("keydown", onKey);
        input.removeEventListener("blur", onBlur);
        list.remove();
        status.remove();
        ["role", "aria-autocomplete", "aria-expanded", "aria-controls"].forEach(function (name) {
          input.removeAttribute(name);
        });
        delete input.dataset.typeaheadReady;
        delete input.newsgraphTypeahead;
      }
    };
    input.newsgraphTypeahead = controller;
    return controller;
  }

  window.newsgraphTypeahead = setUp;

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-typeahead]"), function (input) {
      setUp(input);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
}());
