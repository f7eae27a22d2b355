/*
 * Talking to this server's /sparql: the request, the one error shape read back (with the line
 * and column of a syntax error), and the truncation headers (`NewsGraph-Truncated`,
 * `NewsGraph-Row-Limit`, docs/http.md). Nothing here touches the page.
 */

export const ACCEPT = {
  run: "application/sparql-results+json, text/turtle;q=0.9",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  json: "application/sparql-results+json",
  turtle: "text/turtle",
  jsonld: "application/ld+json",
};

/** POST a query as a form, as the SPARQL 1.1 Protocol allows. */
export function post(endpoint, text, accept, signal) {
  return fetch(endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
    body: new URLSearchParams({ query: text }),
    signal,
  });
}

/** Where a message like "malformed query: error at 3:12: expected …" puts the error. */
export function syntaxPosition(message) {
  const match = /\berror at (\d+):(\d+)\b/.exec(message || "");
  return match ? { line: Number(match[1]), column: Number(match[2]) } : null;
}

/**
 * The server's one error body, `{"error", "message", "status"}`, as an object; a body in any
 * other shape (a proxy's page, say) keeps its first 500 characters as the message.
 */
export async function readFailure(response) {
  const raw = await response.text();
  let failure;
  try {
    const body = JSON.parse(raw);
    failure = { status: body.status, code: body.error, message: String(body.message) };
  } catch (_) {
    failure = { status: response.status, code: response.statusText, message: raw.slice(0, 500) };
  }
  failure.position = failure.code === "bad-query" ? syntaxPosition(failure.message) : null;
  failure.line = `${failure.status} ${failure.code}: ${failure.message}`;
  return failure;
}

/** Whether the server cut the answer at its row limit, and that limit. */
export function truncation(response) {
  const limit = Number(response.headers.get("NewsGraph-Row-Limit"));
  return {
    truncated: response.headers.get("NewsGraph-Truncated") === "true",
    limit: Number.isFinite(limit) && limit > 0 ? limit : null,
  };
}

/** SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword outside comments, strings, IRIs. */
export function queryForm(text) {
  const stripped = text
    .replace(/#[^\n]*/g, " ")
    .replace(/"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, " ")
    .replace(/<[^<>"{}|^`\\\s]*>/g, " ");
  const match = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(stripped);
  return match ? match[1].toUpperCase() : null;
}
