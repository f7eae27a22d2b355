/*
 * The results table: a row-number column of its own (so a number never runs into a value),
 * one column per variable with the terms drawn by terms.js, numbers right-aligned, and columns
 * sorted by a click on their heading (numbers as numbers, dates as dates, the rest as text).
 */

import { isNumeric, isTemporal, termNode, termText, timeOf } from "./terms.js";

export const MAX_ROWS_SHOWN = 2000;

function sortKey(term, names) {
  if (term === undefined) return [0, ""];
  if (isNumeric(term)) return [1, Number(term.value)];
  if (isTemporal(term)) return [2, timeOf(term)];
  return [3, termText(term, names)];
}

function compareKeys(a, b) {
  if (a[0] !== b[0]) return a[0] - b[0];
  if (typeof a[1] === "number") return a[1] - b[1];
  return a[1].localeCompare(b[1], undefined, { numeric: true });
}

/** Whether every bound value of a column is a number (its cells are right-aligned). */
export function numericColumn(rows, name) {
  const bound = rows.filter((row) => row[name] !== undefined);
  return bound.length > 0 && bound.every((row) => isNumeric(row[name]));
}

/**
 * A table of `rows` (SPARQL JSON bindings) under the headings `vars`; `labels` maps IRIs to
 * names. At most MAX_ROWS_SHOWN rows are drawn.
 */
export function resultsTable(vars, rows, names, labels) {
  const table = document.createElement("table");
  table.className = "results";
  const numeric = new Set(vars.filter((name) => numericColumn(rows, name)));
  const head = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.className = "row-number";
  corner.scope = "col";
  corner.textContent = "#";
  corner.title = "row";
  head.append(corner);
  const body = table.createTBody();
  let order = rows.map((_, index) => index);

  function drawBody() {
    const width = String(Math.min(rows.length, MAX_ROWS_SHOWN)).length;
    table.style.setProperty("--row-number-digits", String(width));
    body.replaceChildren();
    order.slice(0, MAX_ROWS_SHOWN).forEach((index, at) => {
      const row = body.insertRow();
      const number = document.createElement("th");
      number.scope = "row";
      number.className = "row-number";
      number.textContent = String(at + 1);
      row.append(number);
      for (const name of vars) {
        const cell = row.insertCell();
        if (numeric.has(name)) cell.className = "number";
        cell.append(termNode(rows[index][name], names, labels));
      }
    });
  }

  for (const name of vars) {
    const th = document.createElement("th");
    th.scope = "col";
    if (numeric.has(name)) th.className = "number";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = "?" + name;
    button.title = "Sort by ?" + name;
    button.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      for (const other of head.cells) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const keys = rows.map((row) => sortKey(row[name], names));
      order = rows.map((_, index) => index)
        .sort((a, b) => (ascending ? 1 : -1) * compareKeys(keys[a], keys[b]) || a - b);
      drawBody();
    });
    th.append(button);
    head.append(th);
  }
  drawBody();
  return table;
}
