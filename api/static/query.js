/*
 * newsgraph's query page (api/templates/query.html), an ES module: the editor (editor.js), one
 * set of controls (Run, the shareable link, downloads), the results panel (results.js) and the
 * examples (examples.js). Queries go to this server's /sparql; nothing is requested from
 * anywhere else. Tested in tests/test_query_page.py and tests/test_query_page_results.py.
 */

import { createEditor } from "./query/editor.js";
import { ACCEPT, post, queryForm, readFailure, truncation } from "./query/endpoint.js";
import { filterExamples, suggestParameters } from "./query/examples.js";
import { fetchLabels, labelledIris } from "./query/labels.js";
import { resultsPanel } from "./query/results.js";
import { MAX_ROWS_SHOWN } from "./query/table.js";
import { namer } from "./query/terms.js";

const config = JSON.parse(document.getElementById("newsgraph-config").textContent);
const endpoint = new URL(config.endpoint, location.href).href;
const names = namer(config);
const panel = resultsPanel(names);
const shareLink = document.getElementById("share-link");
const EXTENSION = { csv: "csv", tsv: "tsv", json: "json", turtle: "ttl", jsonld: "jsonld" };
const GRAPH_DOWNLOADS = ["turtle", "jsonld"];
let running = null;

function shareUrl(text) {
  const url = new URL(location.pathname, location.href);
  url.search = new URLSearchParams({ query: text }).toString();
  return url.href;
}

/** Put the query in the address bar and the share link, so that the page can be shared. */
function remember(text) {
  shareLink.href = shareUrl(text);
  history.replaceState(null, "", shareLink.href);
}

function updateDownloads(text) {
  const graph = ["CONSTRUCT", "DESCRIBE"].includes(queryForm(text));
  for (const button of document.querySelectorAll("[data-download]")) {
    button.disabled = GRAPH_DOWNLOADS.includes(button.dataset.download) !== graph;
  }
}

/** A Turtle answer's triples in the SPARQL JSON shape (N3.js from npm), or null without it. */
function triplesOf(turtle) {
  if (!window.N3 || typeof window.N3.Parser !== "function") return null;
  const term = (t) => t.termType === "NamedNode" ? { type: "uri", value: t.value }
    : t.termType === "BlankNode" ? { type: "bnode", value: t.value }
    : Object.assign({ type: "literal", value: t.value },
      t.language ? { "xml:lang": t.language } : { datatype: t.datatype.value });
  return new window.N3.Parser({ format: "text/turtle" }).parse(turtle)
    .map((q) => ({ subject: term(q.subject), predicate: term(q.predicate), object: term(q.object) }));
}

async function readResult(response, millis) {
  const cut = truncation(response);
  const type = (response.headers.get("Content-Type") || "").split(";")[0];
  const raw = await response.text();
  if (type === "text/turtle") {
    let rows = null;
    try { rows = triplesOf(raw); } catch (error) { console.error("unreadable Turtle", error); }
    return { form: "graph", vars: ["subject", "predicate", "object"], rows, raw, millis, ...cut };
  }
  const data = JSON.parse(raw);
  const pretty = JSON.stringify(data, null, 1);
  if ("boolean" in data) return { form: "boolean", boolean: data.boolean, raw: pretty, millis, ...cut };
  return { form: "solutions", vars: data.head.vars, rows: data.results.bindings, raw: pretty, millis, ...cut };
}

async function run() {
  const text = editor.getValue();
  if (running) running.abort();
  const controller = new AbortController();
  running = controller;
  remember(text);
  updateDownloads(text);
  editor.clearError();
  panel.running();
  const started = performance.now();
  let response;
  try {
    response = await post(endpoint, text, ACCEPT.run, controller.signal);
  } catch (error) {
    if (!controller.signal.aborted) panel.setStatus(`The server did not answer: ${error}`, true);
    return;
  }
  if (!response.ok) {
    const failure = await readFailure(response);
    if (controller.signal.aborted) return;
    panel.failed(failure, text);
    if (failure.position) editor.markError(failure.position);
    return;
  }
  const result = await readResult(response, Math.round(performance.now() - started));
  if (controller.signal.aborted) return;
  panel.show(result);
  if (!result.rows) return;
  const terms = result.rows.slice(0, MAX_ROWS_SHOWN).flatMap((row) => Object.values(row));
  try {
    const labels = await fetchLabels(config, endpoint, labelledIris(terms), controller.signal);
    if (!controller.signal.aborted) panel.labelled(labels);
  } catch (error) {
    if (!controller.signal.aborted) console.warn("no labels for the results:", error);
  }
}

async function download(kind) {
  panel.setStatus(`Preparing ${kind.toUpperCase()}…`);
  const response = await post(endpoint, editor.getValue(), ACCEPT[kind]);
  if (!response.ok) {
    panel.setStatus((await readFailure(response)).line, true);
    return;
  }
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `newsgraph-results.${EXTENSION[kind]}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  const cut = truncation(response).truncated ? " (cut at the server's limit)" : "";
  panel.setStatus(`Downloaded ${link.download} (${blob.size.toLocaleString()} bytes)${cut}.`);
}

const editor = createEditor(run);
document.getElementById("query-form").addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
document.getElementById("copy-link").addEventListener("click", async () => {
  const url = shareUrl(editor.getValue());
  shareLink.href = url;
  try {
    await navigator.clipboard.writeText(url);
    panel.setStatus("Link copied.");
  } catch (_) {
    panel.setStatus("Copy this link: " + url);
  }
});
for (const button of document.querySelectorAll("[data-download]")) {
  button.addEventListener("click", () => download(button.dataset.download));
}
editor.onChange(updateDownloads);
updateDownloads(editor.getValue());
filterExamples();
suggestParameters(config, endpoint);
if (config.autorun) run();
