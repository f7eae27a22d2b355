/*
 * Names beside IRIs, like the Wikidata Query Service's label service: after the results arrive,
 * one more query asks for the names of the IRIs shown. Its text is the named query
 * `graph/queries/result-labels.rq` (served at config.labels), followed by a VALUES block of those
 * IRIs. Only IRIs that are valid IRIREFs are written into it (a term from the server always is),
 * so no result text can change the query.
 */

import { ACCEPT, post } from "./endpoint.js";

export const MOST_LABELLED = 1000;
const NOT_IN_IRIREF = /[\u0000-\u0020<>"{}|^`\\]/;

let labelsText = null;

function labelsQuery(source) {
  labelsText = labelsText || fetch(source).then((response) => {
    if (!response.ok) throw new Error(`${source} answered ${response.status}`);
    return response.text();
  });
  return labelsText;
}

/** The IRIs among `terms`, each once, at most MOST_LABELLED of them, in order of appearance. */
export function labelledIris(terms) {
  const iris = new Set();
  for (const term of terms) {
    if (iris.size >= MOST_LABELLED) break;
    if (term && term.type === "uri" && !NOT_IN_IRIREF.test(term.value)) iris.add(term.value);
  }
  return [...iris];
}

/** Prefer a name without a language tag or in the browser's language, else the first one. */
function better(current, candidate) {
  if (current === undefined) return true;
  const language = (navigator.language || "en").split("-")[0];
  const rank = (term) => (!term["xml:lang"] ? 0 : term["xml:lang"].split("-")[0] === language ? 1 : 2);
  return rank(candidate) < rank(current);
}

/** IRI → label for the given IRIs (an empty map when there are none or the lookup fails). */
export async function fetchLabels(config, endpoint, iris, signal) {
  const labels = new Map();
  if (!iris.length || !config.labels) return labels;
  const text = await labelsQuery(config.labels);
  const values = iris.map((iri) => `  <${iri}>`).join("\n");
  const response = await post(endpoint, `${text}\nVALUES ?resource {\n${values}\n}\n`,
    ACCEPT.json, signal);
  if (!response.ok) throw new Error(`the labels query answered ${response.status}`);
  const chosen = new Map();
  for (const row of (await response.json()).results.bindings) {
    if (!row.resource || !row.label) continue;
    if (better(chosen.get(row.resource.value), row.label)) chosen.set(row.resource.value, row.label);
  }
  for (const [iri, term] of chosen) labels.set(iri, term.value);
  return labels;
}
