/*
 * newsgraph's query page. The editor is YASGUI when `make setup` installed it from npm
 * (api/static/vendor/), else the page's own text area with a results table drawn here.
 * Either way queries go to this server's /sparql; nothing is requested from anywhere else.
 * Text from results is only ever set as text (textContent), never parsed as HTML.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("newsgraph-config").textContent);
  const endpoint = new URL(config.endpoint, location.href).href;
  const textarea = document.getElementById("query-text");
  const statusLine = document.getElementById("status");
  const results = document.getElementById("results");
  const shareLink = document.getElementById("share-link");
  const MAX_ROWS_SHOWN = 2000;

  const ACCEPT = {
    run: "application/sparql-results+json, text/turtle;q=0.9",
    csv: "text/csv",
    tsv: "text/tab-separated-values",
    json: "application/sparql-results+json",
    turtle: "text/turtle",
    jsonld: "application/ld+json",
  };
  const EXTENSION = { csv: "csv", tsv: "tsv", json: "json", turtle: "ttl", jsonld: "jsonld" };
  const GRAPH_DOWNLOADS = ["turtle", "jsonld"];

  /* ---- links and names ------------------------------------------------------------------ */

  /** Where a result IRI links: its local page when minted under the base, else itself. */
  function localHref(iri) {
    if (iri.startsWith(config.base)) return config.basePath + iri.slice(config.base.length);
    return /^https?:\/\//i.test(iri) ? iri : null;
  }

  /** `prefix:local` for an IRI under a known namespace (the longest one), else the IRI. */
  function compact(iri) {
    let best = null;
    for (const [prefix, namespace] of Object.entries(config.prefixes)) {
      if (iri.startsWith(namespace) && iri.length > namespace.length &&
          (best === null || namespace.length > config.prefixes[best].length)) best = prefix;
    }
    return best === null ? iri : best + ":" + iri.slice(config.prefixes[best].length);
  }

  function shareUrl(text) {
    const url = new URL(location.pathname, location.href);
    url.search = new URLSearchParams({ query: text }).toString();
    return url.href;
  }

  /** Put the query in the address bar and the share link, so that the page can be shared. */
  function remember(text) {
    const url = shareUrl(text);
    shareLink.href = url;
    history.replaceState(null, "", url);
  }

  /** SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword outside comments, strings, IRIs. */
  function queryForm(text) {
    const stripped = text
      .replace(/#[^\n]*/g, " ")
      .replace(/"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, " ")
      .replace(/<[^<>"{}|^`\\\s]*>/g, " ");
    const match = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(stripped);
    return match ? match[1].toUpperCase() : null;
  }

  function setStatus(text, failed) {
    statusLine.textContent = text;
    statusLine.classList.toggle("failed", Boolean(failed));
  }

  /* ---- requests ------------------------------------------------------------------------- */

  function post(text, accept) {
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
      body: new URLSearchParams({ query: text }),
    });
  }

  /** The one error body of the server as a line of text. */
  async function failure(response) {
    const raw = await response.text();
    try {
      const body = JSON.parse(raw);
      return `${body.status} ${body.error}: ${body.message}`;
    } catch (_) {
      return `${response.status} ${response.statusText}: ${raw.slice(0, 500)}`;
    }
  }

  async function download(kind, text) {
    setStatus(`Preparing ${kind.toUpperCase()}…`);
    const response = await post(text, ACCEPT[kind]);
    if (!response.ok) {
      setStatus(await failure(response), true);
      return;
    }
    const blob = await response.blob();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `newsgraph-results.${EXTENSION[kind]}`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    setStatus(`Downloaded ${link.download} (${blob.size.toLocaleString()} bytes).`);
  }

  function updateDownloads(text) {
    const graph = ["CONSTRUCT", "DESCRIBE"].includes(queryForm(text));
    for (const button of document.querySelectorAll("[data-download]")) {
      button.disabled = GRAPH_DOWNLOADS.includes(button.dataset.download) !== graph;
    }
  }

  /* ---- the plain editor's results ------------------------------------------------------- */

  function termNode(term) {
    if (term === undefined) return document.createTextNode("");
    if (term.type === "uri") {
      const href = localHref(term.value);
      const node = document.createElement(href ? "a" : "span");
      if (href) node.href = href;
      node.className = "term-iri";
      node.title = term.value;
      node.textContent = compact(term.value);
      return node;
    }
    if (term.type === "bnode") {
      const node = document.createElement("span");
      node.className = "term-bnode";
      node.textContent = "_:" + term.value;
      return node;
    }
    if (term.type === "triple") {
      const node = document.createElement("span");
      node.append("<< ", termNode(term.value.subject), " ", termNode(term.value.predicate), " ",
        termNode(term.value.object), " >>");
      return node;
    }
    const node = document.createElement("span");
    node.className = "term-literal";
    node.textContent = term.value;
    const meta = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype ? "^^" + compact(term.datatype) : "";
    if (meta) {
      const tag = document.createElement("span");
      tag.className = "term-literal-meta";
      tag.textContent = " " + meta;
      node.append(tag);
    }
    return node;
  }

  function solutionsTable(data) {
    const table = document.createElement("table");
    table.className = "results";
    const head = table.createTHead().insertRow();
    for (const name of data.head.vars) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = "?" + name;
      head.append(th);
    }
    const body = table.createTBody();
    for (const binding of data.results.bindings.slice(0, MAX_ROWS_SHOWN)) {
      const row = body.insertRow();
      for (const name of data.head.vars) row.insertCell().append(termNode(binding[name]));
    }
    return table;
  }

  async function runPlain(text) {
    remember(text);
    updateDownloads(text);
    setStatus("Running…");
    results.replaceChildren();
    const started = performance.now();
    let response;
    try {
      response = await post(text, ACCEPT.run);
    } catch (error) {
      setStatus(`The server did not answer: ${error}`, true);
      return;
    }
    const millis = Math.round(performance.now() - started);
    if (!response.ok) {
      setStatus(await failure(response), true);
      return;
    }
    const truncated = response.headers.get("NewsGraph-Truncated") === "true"
      ? ` (cut at the endpoint's limit of ${response.headers.get("NewsGraph-Row-Limit")} rows)` : "";
    const type = (response.headers.get("Content-Type") || "").split(";")[0];
    if (type === "text/turtle") {
      const pre = document.createElement("pre");
      pre.textContent = await response.text();
      results.append(pre);
      setStatus(`Graph result in ${millis} ms${truncated}.`);
      return;
    }
    const data = await response.json();
    if ("boolean" in data) {
      const answer = document.createElement("p");
      answer.className = "boolean-result";
      answer.textContent = String(data.boolean);
      results.append(answer);
      setStatus(`ASK answered in ${millis} ms.`);
      return;
    }
    const count = data.results.bindings.length;
    results.append(solutionsTable(data));
    const shown = count > MAX_ROWS_SHOWN ? `; the first ${MAX_ROWS_SHOWN} shown, download for all` : "";
    setStatus(`${count.toLocaleString()} row${count === 1 ? "" : "s"} in ${millis} ms${truncated}${shown}.`);
  }

  function plainEditor() {
    const editor = {
      kind: "plain",
      getValue: () => textarea.value,
      run: () => runPlain(textarea.value),
    };
    document.getElementById("query-form").addEventListener("submit", (event) => {
      event.preventDefault();
      editor.run();
    });
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        editor.run();
      } else if (event.key === "Tab" && !event.shiftKey && !event.ctrlKey && !event.altKey) {
        event.preventDefault(); // indent instead of leaving the editor (Shift+Tab still leaves)
        textarea.setRangeText("  ", textarea.selectionStart, textarea.selectionEnd, "end");
      }
    });
    textarea.addEventListener("input", () => updateDownloads(textarea.value));
    return editor;
  }

  /* ---- YASGUI ----------------------------------------------------------------------------- */

  /** Point links to IRIs minted here at their local pages, in the same tab. */
  function localiseLinks(root) {
    for (const link of root.querySelectorAll("a[href]")) {
      const href = link.getAttribute("href");
      if (href.startsWith(config.base)) {
        link.setAttribute("href", localHref(href));
        link.removeAttribute("target");
      }
    }
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  }

  /**
   * YASR's table hands DataTables sanitised-but-live HTML of each value for filtering and
   * sorting, and DataTables parses it in the page (so an <img> in a headline would load), and
   * sizes columns the same way. Give it escaped text instead, and no automatic column sizing.
   * The page's Content-Security-Policy stays the backstop.
   */
  function keepCellsAsText(Table) {
    if (!Table || !Table.prototype || typeof Table.prototype.getColumns !== "function") return;
    if (Table.defaults && Table.defaults.tableConfig) Table.defaults.tableConfig.autoWidth = false;
    const getColumns = Table.prototype.getColumns;
    Table.prototype.getColumns = function () {
      return getColumns.call(this).map((column) => {
        const render = column.render;
        if (typeof render !== "function") return column;
        return Object.assign({}, column, {
          render: (data, type, row, meta) =>
            (type === "filter" || type === "sort") && data && typeof data === "object"
              ? escapeHtml(data.value) : render(data, type, row, meta),
        });
      });
    };
  }

  function yasguiEditor() {
    const Yasgui = window.Yasgui;
    if (typeof Yasgui !== "function") return null;
    try {
      // Autocompletion stays on this machine: no Linked Open Vocabularies, no prefix.cc.
      const defaults = Yasgui.Yasqe.defaults;
      defaults.autocompleters = defaults.autocompleters.filter((name) => ["prefixes", "variables"].includes(name));
      defaults.prefixCcApi = null;
      keepCellsAsText(Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table);
      const element = document.getElementById("yasgui");
      element.hidden = false;
      const yasgui = new Yasgui(element, {
        requestConfig: { endpoint, method: "POST" },
        endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
        copyEndpointOnNewTab: true,
        populateFromUrl: false,
        autofocus: false,
        persistenceId: "newsgraph-" + location.host,
        yasqe: { value: textarea.value },
        yasr: { prefixes: config.prefixes },
      });
      const tab = () => yasgui.getTab();
      tab().setEndpoint(endpoint);
      if (config.opened) tab().setQuery(textarea.value);
      Yasgui.Tab.prototype.getShareableLink = function () { return shareUrl(this.getQuery()); };
      new MutationObserver(() => localiseLinks(element)).observe(element, { childList: true, subtree: true });
      yasgui.on("query", (_yasgui, current) => {
        remember(current.getQuery());
        updateDownloads(current.getQuery());
      });
      yasgui.on("tabSelect", () => setTimeout(() => updateDownloads(tab().getQuery()), 0));
      document.body.classList.add("yasgui-ready");
      return {
        kind: "yasgui",
        getValue: () => tab().getQuery(),
        run: () => tab().query(),
      };
    } catch (error) {
      console.error("YASGUI could not start; using the plain editor", error);
      document.getElementById("yasgui").hidden = true;
      return null;
    }
  }

  /* ---- parameter suggestions ------------------------------------------------------------ */

  async function suggest(input) {
    const kind = input.dataset.suggest;
    const source = config.suggestions[kind];
    if (!source || input.getAttribute("list")) return;
    const list = document.createElement("datalist");
    list.id = "suggest-" + kind + "-" + Math.random().toString(36).slice(2);
    document.body.append(list);
    input.setAttribute("list", list.id);
    const named = await (await fetch(source)).json();
    const response = await post(named.text, ACCEPT.json);
    if (!response.ok) return;
    const data = await response.json();
    const variable = data.head.vars[0];
    for (const row of data.results.bindings) {
      const option = document.createElement("option");
      option.value = row[variable].value;
      option.label = `${row.name ? row.name.value : row[variable].value} (${row.articles ? row.articles.value : ""})`;
      list.append(option);
    }
  }

  /* ---- start ---------------------------------------------------------------------------- */

  config.opened = config.autorun || new URLSearchParams(location.search).has("name");
  const editor = yasguiEditor() || plainEditor();
  document.documentElement.dataset.editor = editor.kind;

  document.getElementById("copy-link").addEventListener("click", async () => {
    const url = shareUrl(editor.getValue());
    shareLink.href = url;
    try {
      await navigator.clipboard.writeText(url);
      setStatus("Link copied.");
    } catch (_) {
      setStatus("Copy this link: " + url);
    }
  });
  for (const button of document.querySelectorAll("[data-download]")) {
    button.addEventListener("click", () => download(button.dataset.download, editor.getValue()));
  }
  for (const input of document.querySelectorAll("input[data-suggest]")) {
    input.addEventListener("focus", () => suggest(input), { once: true });
  }
  updateDownloads(editor.getValue());
  if (config.autorun) editor.run();
})();
