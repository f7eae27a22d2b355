/*
 * The graph view (cytoscape from npm, api/vendor.py): the triples of a CONSTRUCT or DESCRIBE
 * answer, subject → object, or the rows of a SELECT whose two columns hold IRIs, one edge per row
 * (a numeric column, if any, sets the edge's width). Nodes are IRIs and blank nodes, named by
 * their labels; statements whose object is a literal stay in the table.
 */

import { isNumeric, isResource, termText } from "./terms.js";

export const MOST_EDGES = 3000;

function resourceColumns(vars, rows) {
  return vars.filter((name) => {
    const bound = rows.map((row) => row[name]).filter((term) => term !== undefined);
    return bound.length > 0 && bound.every(isResource);
  });
}

/** Which columns make the edges: {source, target, label, weight}, or null when none can. */
export function graphColumns(result) {
  if (result.form === "graph") {
    return { source: "subject", target: "object", label: "predicate", weight: null };
  }
  if (result.form !== "solutions") return null;
  const resources = resourceColumns(result.vars, result.rows);
  if (resources.length < 2) return null;
  const weight = result.vars.find((name) =>
    result.rows.some((row) => row[name] !== undefined) &&
    result.rows.every((row) => row[name] === undefined || isNumeric(row[name]))) || null;
  return { source: resources[0], target: resources[1], label: null, weight };
}

function nodeKey(term) {
  return (term.type === "bnode" ? "_:" : "") + term.value;
}

/** Cytoscape's elements for the result: each resource once, one edge per row or triple. */
export function graphElements(result, columns, names, labels) {
  const nodes = new Map();
  const edges = [];
  const name = (term) => (term.type === "uri" && labels.has(term.value)
    ? labels.get(term.value) : termText(term, names));
  let literals = 0;
  for (const row of result.rows) {
    if (edges.length >= MOST_EDGES) break;
    const source = row[columns.source];
    const target = row[columns.target];
    if (!isResource(source) || !target) continue;
    if (!isResource(target)) { literals += 1; continue; }
    for (const term of [source, target]) {
      const id = nodeKey(term);
      if (!nodes.has(id)) nodes.set(id, { data: { id, label: name(term), iri: term.value } });
    }
    const weight = columns.weight && row[columns.weight] ? Number(row[columns.weight].value) : 1;
    edges.push({ data: { id: "e" + edges.length, source: nodeKey(source), target: nodeKey(target),
      label: columns.label && row[columns.label] ? name(row[columns.label]) : "", weight } });
  }
  return { nodes: [...nodes.values()], edges, literals };
}

const STYLE = [
  { selector: "node", style: { label: "data(label)", "font-size": 10, "background-color": "#1f5fa8",
    width: 14, height: 14, color: "#1d2330", "text-valign": "bottom", "text-margin-y": 3,
    "text-wrap": "ellipsis", "text-max-width": "12em", "min-zoomed-font-size": 6 } },
  { selector: "edge", style: { width: "mapData(weight, 1, 20, 1, 8)", "line-color": "#9aa6b8",
    "curve-style": "bezier", "target-arrow-shape": "triangle", "target-arrow-color": "#9aa6b8",
    label: "data(label)", "font-size": 8, color: "#5b6474", "text-rotation": "autorotate",
    "min-zoomed-font-size": 8 } },
  { selector: "node:selected", style: { "background-color": "#a3261b" } },
];

/** Draw the graph view into `container`; answers a function that redraws it (labels changed). */
export function drawGraph(container, result, names, labels) {
  const cytoscape = window.cytoscape;
  const columns = graphColumns(result);
  if (typeof cytoscape !== "function" || !columns) {
    const note = document.createElement("p");
    note.className = "note";
    note.textContent = typeof cytoscape !== "function"
      ? "The graph needs the front-end package cytoscape (make setup with npm)."
      : "A graph needs a CONSTRUCT or DESCRIBE query, or two columns of IRIs.";
    container.replaceChildren(note);
    return () => {};
  }
  const frame = document.createElement("div");
  frame.className = "result-graph";
  const note = document.createElement("p");
  note.className = "note";
  const picked = document.createElement("p");
  picked.className = "note graph-picked";
  container.replaceChildren(frame, note, picked);
  let cy = null;

  function draw() {
    const { nodes, edges, literals } = graphElements(result, columns, names, labels);
    const edgeLabels = new Set(edges.map((edge) => edge.data.label));
    if (edgeLabels.size === 1) for (const edge of edges) edge.data.label = "";
    if (cy) cy.destroy();
    cy = cytoscape({
      container: frame,
      elements: { nodes, edges },
      style: STYLE,
      layout: { name: nodes.length > 400 ? "grid" : "cose", animate: false, padding: 30 },
      maxZoom: 2,
    });
    frame.dataset.nodes = String(cy.nodes().length);
    frame.dataset.edges = String(cy.edges().length);
    const only = edgeLabels.size === 1 ? [...edgeLabels][0] : "";
    const from = result.form === "graph" ? `the triples${only ? ", all " + only : ""}`
      : `?${columns.source} → ?${columns.target}`;
    note.textContent = `${nodes.length} nodes, ${edges.length} edges (${from})` +
      (literals ? `; ${literals} statements with a literal value are in the table` : "") +
      (result.rows.length > MOST_EDGES ? `; the first ${MOST_EDGES} rows are drawn` : "") + ".";
    cy.on("tap", "node", (event) => {
      const iri = event.target.data("iri");
      const href = names.localHref(iri);
      const link = document.createElement(href ? "a" : "span");
      if (href) link.href = href;
      link.textContent = iri;
      picked.replaceChildren(event.target.data("label") + " · ", link);
    });
  }
  draw();
  return draw;
}
