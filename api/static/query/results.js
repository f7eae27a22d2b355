/*
 * The results panel under the editor, the same with YASGUI's editor or the plain one: the
 * server's truncation notice above everything, a status line, the views (table, chart, graph,
 * the response as received) and a readable syntax error with its line and column.
 *
 * A result is {form: "solutions" | "boolean" | "graph", vars, rows, boolean, raw, truncated,
 * limit, millis}; a graph's rows are its triples as {subject, predicate, object} terms in the
 * SPARQL JSON shape, so every view reads one shape.
 */

import { drawChart, chartColumns } from "./chartview.js";
import { drawGraph, graphColumns } from "./graphview.js";
import { labelNode } from "./terms.js";
import { MAX_ROWS_SHOWN, resultsTable } from "./table.js";

const DRAW = {
  table: (panel, result, names, labels) => {
    if (result.form === "boolean") {
      const answer = document.createElement("p");
      answer.className = "boolean-result";
      answer.textContent = String(result.boolean);
      panel.replaceChildren(answer);
    } else if (result.rows) {
      panel.replaceChildren(resultsTable(result.vars, result.rows, names, labels));
    } else {
      DRAW.raw(panel, result);
    }
    return (fresh) => addLabels(panel, fresh);
  },
  chart: (panel, result, names, labels) => drawChart(panel, result.vars, result.rows, names, labels),
  graph: (panel, result, names, labels) => drawGraph(panel, result, names, labels),
  raw: (panel, result) => {
    const pre = document.createElement("pre");
    pre.className = "raw-response";
    pre.textContent = result.raw;
    panel.replaceChildren(pre);
    return () => {};
  },
};

/** Put the label beside each IRI of the table that has one and does not show it yet. */
function addLabels(root, labels) {
  for (const link of root.querySelectorAll(".term-iri[data-iri]")) {
    const label = labels.get(link.dataset.iri);
    if (label !== undefined && !link.nextElementSibling) link.after(labelNode(label));
  }
}

function plural(count, word) {
  return `${count.toLocaleString()} ${word}${count === 1 ? "" : "s"}`;
}

export function resultsPanel(names) {
  const notice = document.getElementById("notice");
  const status = document.getElementById("status");
  const tabs = document.getElementById("views");
  const panel = document.getElementById("results");
  let current = null;
  let view = "table";
  let labels = new Map();
  let relabel = () => {};

  function setStatus(text, failed) {
    status.textContent = text;
    status.classList.toggle("failed", Boolean(failed));
  }

  function showView(name) {
    view = name;
    for (const tab of tabs.querySelectorAll("[data-view]")) {
      tab.setAttribute("aria-selected", String(tab.dataset.view === name));
    }
    relabel = DRAW[name](panel, current, names, labels) || (() => {});
  }

  for (const tab of tabs.querySelectorAll("[data-view]")) {
    tab.addEventListener("click", () => { if (!tab.disabled) showView(tab.dataset.view); });
  }

  function truncationNotice(result) {
    if (!result.truncated) { notice.hidden = true; notice.replaceChildren(); return; }
    const limit = result.limit ? result.limit.toLocaleString() : "its";
    const what = result.form === "graph" ? "triples" : "rows";
    const text = document.createElement("p");
    text.append(`The server cut this answer at ${limit} ${what}, its limit per answer: `,
      "there are more. Downloads are cut the same way; narrow the query, or page through it ",
      "with LIMIT and OFFSET.");
    notice.className = "notice truncated";
    notice.setAttribute("role", "alert");
    notice.replaceChildren(text);
    notice.hidden = false;
  }

  function summary(result) {
    if (result.form === "boolean") return `ASK answered ${result.boolean} in ${result.millis} ms.`;
    if (!result.rows) return `Graph result in ${result.millis} ms.`;
    const count = result.rows.length;
    const what = plural(count, result.form === "graph" ? "triple" : "row");
    const cut = result.truncated ? " (cut at the server's limit)" : "";
    const shown = count > MAX_ROWS_SHOWN ? `; the table shows the first ${MAX_ROWS_SHOWN}` : "";
    return `${what}${cut} in ${result.millis} ms${shown}.`;
  }

  return {
    setStatus,

    running() {
      current = null;
      notice.hidden = true;
      tabs.hidden = true;
      panel.replaceChildren();
      setStatus("Running…");
    },

    /** Show a result: the notice, the status line, the views it allows, the table first. */
    show(result) {
      current = result;
      labels = new Map();
      truncationNotice(result);
      setStatus(summary(result));
      const allowed = {
        table: true,
        chart: Boolean(result.rows && result.form === "solutions" &&
          chartColumns(result.vars, result.rows)),
        graph: Boolean(result.rows && graphColumns(result)),
        raw: true,
      };
      for (const tab of tabs.querySelectorAll("[data-view]")) tab.disabled = !allowed[tab.dataset.view];
      tabs.hidden = false;
      showView(allowed[view] ? view : "table");
    },

    /** The names of the IRIs shown arrived: put them beside the IRIs of the view. */
    labelled(found) {
      for (const [iri, label] of found) labels.set(iri, label);
      relabel(labels);
    },

    /** The server's error: the status line, and a syntax error with its line and column. */
    failed(failure, text) {
      current = null;
      tabs.hidden = true;
      notice.hidden = true;
      setStatus(failure.line, true);
      panel.replaceChildren();
      if (!failure.position) return;
      const { line, column } = failure.position;
      const box = document.createElement("div");
      box.className = "query-error";
      box.setAttribute("role", "alert");
      const title = document.createElement("p");
      title.className = "query-error-title";
      title.textContent = `Syntax error at line ${line}, column ${column}`;
      const detail = document.createElement("p");
      detail.textContent = failure.message.replace(/^.*?\berror at \d+:\d+:\s*/, "");
      const source = document.createElement("pre");
      const lineText = text.split("\n")[line - 1];
      if (lineText !== undefined) {
        source.textContent = `${String(line).padStart(4)} | ${lineText}\n` +
          `${" ".repeat(7 + Math.max(0, column - 1))}^`;
      }
      box.append(title, detail, source);
      panel.replaceChildren(box);
    },
  };
}
