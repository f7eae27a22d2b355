/*
 * The example queries beside the editor (the named queries of `/queries`): collapsed, each
 * opening to its parameters, and filtered by what the reader types (every word must appear in
 * the title, the name or a parameter). Entity fields get the shared typeahead
 * (api/static/typeahead.js, asking /api/entities); the topic and publisher fields a list of the
 * store's topics and publishers, asked once when the field is first focused.
 */

import { ACCEPT, post } from "./endpoint.js";

function words(text) {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

export function filterExamples() {
  const filter = document.getElementById("example-filter");
  const items = [...document.querySelectorAll("li.example")];
  const count = document.getElementById("example-count");
  const none = document.getElementById("no-examples");
  const haystacks = new Map(items.map((item) => [item, item.textContent.toLowerCase()]));
  function apply() {
    const wanted = words(filter.value);
    let shown = 0;
    for (const item of items) {
      const match = wanted.every((word) => haystacks.get(item).includes(word));
      item.hidden = !match;
      if (match) shown += 1;
    }
    none.hidden = shown > 0;
    count.textContent = wanted.length ? `${shown} of ${items.length} examples` : "";
  }
  filter.addEventListener("input", apply);
  filter.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault(); // Enter opens the only match
    const visible = items.filter((item) => !item.hidden);
    if (visible.length === 1) {
      const details = visible[0].querySelector("details");
      details.open = true;
      const field = details.querySelector("input:not([type=hidden])");
      if (field) field.focus(); else details.querySelector("form").requestSubmit();
    }
  });
  apply();
}

async function suggestFrom(config, endpoint, input) {
  const source = config.suggestions[input.dataset.suggest];
  if (!source || input.getAttribute("list")) return;
  const list = document.createElement("datalist");
  list.id = "suggest-" + input.dataset.suggest + "-" + Math.random().toString(36).slice(2);
  document.body.append(list);
  input.setAttribute("list", list.id);
  const named = await (await fetch(source)).json();
  const response = await post(endpoint, named.text, ACCEPT.json);
  if (!response.ok) return;
  const data = await response.json();
  const variable = data.head.vars[0];
  for (const row of data.results.bindings) {
    const option = document.createElement("option");
    option.value = row[variable].value;
    option.label = `${row.name ? row.name.value : row[variable].value}` +
      (row.articles ? ` (${row.articles.value})` : "");
    list.append(option);
  }
}

/** Suggestions for the parameter fields: the typeahead for entities, lists for the others. */
export function suggestParameters(config, endpoint) {
  for (const input of document.querySelectorAll("input[data-suggest]")) {
    if ("typeahead" in input.dataset) {
      if (typeof window.newsgraphTypeahead === "function") window.newsgraphTypeahead(input);
      continue;
    }
    input.addEventListener("focus", () => suggestFrom(config, endpoint, input), { once: true });
  }
}
