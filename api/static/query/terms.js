/*
 * How one RDF term reads in the results: the table rules the whole page follows.
 *
 * - numbers plain (`3`, not `"3"^^xsd:integer`) and dates readable (`2026-01-05 12:00 UTC`),
 *   the datatype and the exact lexical form on hover;
 * - IRIs as `prefix:local`, linked to their local page when minted here, with the name of the
 *   resource beside them once the labels are known (labels.js);
 * - a language tag small after its text; any other datatype small after the value.
 * Text from results is only ever set as text (textContent), never parsed as HTML.
 */

export const XSD = "http://www.w3.org/2001/XMLSchema#";
const NUMERIC = new Set(["integer", "decimal", "double", "float", "int", "long", "short", "byte",
  "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt",
  "unsignedLong", "unsignedShort", "unsignedByte"].map((name) => XSD + name));
const TEMPORAL = new Set(["date", "dateTime", "dateTimeStamp", "gYearMonth", "gYear"]
  .map((name) => XSD + name));
const PLAIN = new Set([XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"]);

export function isNumeric(term) {
  return Boolean(term && term.type === "literal" && NUMERIC.has(term.datatype) &&
    Number.isFinite(Number(term.value)));
}

export function isTemporal(term) {
  return Boolean(term && term.type === "literal" && TEMPORAL.has(term.datatype) &&
    !Number.isNaN(timeOf(term)));
}

export function isResource(term) {
  return Boolean(term && (term.type === "uri" || term.type === "bnode"));
}

/** Milliseconds since 1970 of a date literal (its first instant), for sorting and plotting. */
export function timeOf(term) {
  const value = term.value;
  if (/^-?\d{4}$/.test(value)) return Date.parse(`${value}-01-01T00:00:00Z`);
  if (/^-?\d{4}-\d{2}$/.test(value)) return Date.parse(`${value}-01T00:00:00Z`);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Date.parse(`${value}T00:00:00Z`);
  return Date.parse(value.replace(/^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})$/, "$1T00:00:00$2"));
}

/** A number as plain digits: integers and decimals as written, doubles as JavaScript prints them. */
export function numberText(term) {
  if (term.datatype === XSD + "double" || term.datatype === XSD + "float") {
    return String(Number(term.value));
  }
  return term.value.replace(/^\+/, "");
}

/**
 * A date or date-time as read: `2026-01-05`, `2026-01-05 12:00 UTC`, `2026-01-05 12:00 +05:00`
 * (seconds when not zero; the fraction only on hover).
 */
export function dateText(term) {
  const match = /^(-?\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/
    .exec(term.value);
  if (!match) return term.value;
  const [, day, minutes, seconds, zone] = match;
  const time = seconds && seconds !== "00" ? `${minutes}:${seconds}` : minutes;
  const where = zone === undefined ? "" : zone === "Z" || zone === "+00:00" ? " UTC" : " " + zone;
  return `${day} ${time}${where}`;
}

/** The text a term reads as, without its label: what sorting, charts and the graph show. */
export function termText(term, names) {
  if (!term) return "";
  if (term.type === "uri") return names.compact(term.value);
  if (term.type === "bnode") return "_:" + term.value;
  if (term.type === "triple") return "<< … >>";
  if (isNumeric(term)) return numberText(term);
  if (isTemporal(term)) return dateText(term);
  return term.value;
}

/** Names for IRIs: `prefix:local` and where a link goes, from the page's configuration. */
export function namer(config) {
  const prefixes = Object.entries(config.prefixes);
  return {
    /** `prefix:local` for an IRI under a known namespace (the longest one), else the IRI. */
    compact(iri) {
      let best = null;
      for (const [prefix, namespace] of prefixes) {
        if (iri.startsWith(namespace) && iri.length > namespace.length &&
            (best === null || namespace.length > best[1].length)) best = [prefix, namespace];
      }
      return best === null ? iri : best[0] + ":" + iri.slice(best[1].length);
    },
    /** Its local page when minted under the base, else the IRI itself when it is a web address. */
    localHref(iri) {
      if (iri.startsWith(config.base)) return config.basePath + iri.slice(config.base.length);
      return /^https?:\/\//i.test(iri) ? iri : null;
    },
  };
}

function span(className, text) {
  const node = document.createElement("span");
  node.className = className;
  node.textContent = text;
  return node;
}

/** The label beside an IRI (its name or headline), once known. */
export function labelNode(label) {
  return span("term-label", label);
}

/** A term as a node of the results table; `labels` maps IRIs to names (may be empty). */
export function termNode(term, names, labels) {
  if (term === undefined) return document.createTextNode("");
  if (term.type === "uri") {
    const wrapper = span("term-iri-cell", "");
    const href = names.localHref(term.value);
    const link = document.createElement(href ? "a" : "span");
    if (href) link.href = href;
    link.className = "term-iri";
    link.title = term.value;
    link.dataset.iri = term.value;
    link.textContent = names.compact(term.value);
    wrapper.append(link);
    if (labels.has(term.value)) wrapper.append(labelNode(labels.get(term.value)));
    return wrapper;
  }
  if (term.type === "bnode") return span("term-bnode", "_:" + term.value);
  if (term.type === "triple") {
    const node = span("term-triple", "");
    node.append("<< ", termNode(term.value.subject, names, labels), " ",
      termNode(term.value.predicate, names, labels), " ",
      termNode(term.value.object, names, labels), " >>");
    return node;
  }
  if (isNumeric(term)) {
    const node = span("term-number", numberText(term));
    node.title = names.compact(term.datatype);
    return node;
  }
  if (isTemporal(term)) {
    const node = span("term-date", dateText(term));
    node.title = `${term.value} · ${names.compact(term.datatype)}`;
    return node;
  }
  const node = span("term-literal", term.value);
  if (term["xml:lang"]) {
    node.append(span("term-literal-meta", " @" + term["xml:lang"]));
  } else if (term.datatype && !PLAIN.has(term.datatype)) {
    node.append(span("term-literal-meta", " " + names.compact(term.datatype)));
  }
  return node;
}
