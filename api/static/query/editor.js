/*
 * The query editor: YASGUI's editor (Yasqe, from the npm package @zazuko/yasgui: highlighting,
 * prefix and variable completion, its own syntax check) when `make setup` installed it, else the
 * page's text area. Either way the page's own Run button, links, downloads and results panel
 * serve it, so there is one set of controls. Completion stays on this machine: no Linked Open
 * Vocabularies, no prefix.cc.
 */

/** The plain text area: Ctrl+Enter runs, Tab indents (Shift+Tab still leaves the field). */
function plainEditor(textarea, run) {
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    } else if (event.key === "Tab" && !event.shiftKey && !event.ctrlKey && !event.altKey) {
      event.preventDefault();
      textarea.setRangeText("  ", textarea.selectionStart, textarea.selectionEnd, "end");
    }
  });
  return {
    kind: "plain",
    getValue: () => textarea.value,
    onChange: (listener) => textarea.addEventListener("input", () => listener(textarea.value)),
    markError(position) {
      const lines = textarea.value.split("\n");
      let offset = 0;
      for (let index = 0; index < position.line - 1 && index < lines.length; index += 1) {
        offset += lines[index].length + 1;
      }
      textarea.setSelectionRange(offset, offset + (lines[position.line - 1] || "").length);
    },
    clearError() {},
  };
}

function yasqeEditor(textarea, element, run) {
  const Yasqe = window.Yasgui && window.Yasgui.Yasqe;
  if (typeof Yasqe !== "function") return null;
  try {
    const defaults = Yasqe.defaults;
    defaults.autocompleters = defaults.autocompleters.filter((n) => ["prefixes", "variables"].includes(n));
    defaults.prefixCcApi = null;
    const yasqe = new Yasqe(element, {
      value: textarea.value,
      persistenceId: null,
      consumeShareLink: null,
      createShareableLink: null,
      showQueryButton: false,
      resizeable: true,
      editorHeight: "22rem",
    });
    yasqe.setValue(textarea.value);
    // Its Ctrl+Enter and Cmd+Enter would send the query itself: run it through the page instead.
    yasqe.setOption("extraKeys", Object.assign({}, yasqe.getOption("extraKeys"),
      { "Ctrl-Enter": () => run(), "Cmd-Enter": () => run() }));
    textarea.hidden = true;
    document.querySelector('label[for="query-text"]').htmlFor = "";
    let marked = null;
    return {
      kind: "yasgui",
      getValue: () => yasqe.getValue(),
      onChange: (listener) => yasqe.on("change", () => listener(yasqe.getValue())),
      markError(position) {
        const line = position.line - 1;
        marked = yasqe.addLineClass(line, "background", "query-error-line");
        yasqe.setCursor({ line, ch: Math.max(0, position.column - 1) });
      },
      clearError() {
        if (marked) yasqe.removeLineClass(marked, "background", "query-error-line");
        marked = null;
      },
    };
  } catch (error) {
    console.error("YASGUI's editor could not start; using the plain editor", error);
    element.replaceChildren();
    textarea.hidden = false;
    return null;
  }
}

/** YASGUI's editor where installed, else the text area; `run` runs the query it holds. */
export function createEditor(run) {
  const textarea = document.getElementById("query-text");
  const element = document.getElementById("editor");
  const editor = yasqeEditor(textarea, element, run) || plainEditor(textarea, run);
  document.documentElement.dataset.editor = editor.kind;
  return editor;
}
