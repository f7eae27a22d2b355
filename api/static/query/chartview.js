/*
 * The chart view (Chart.js from npm, api/vendor.py): a numeric column over a date column as a
 * line, or over a label column (names, IRIs shown by their labels) as bars. The reader picks the
 * columns and the kind; the first date column, else the first other column, is the default axis.
 */

import { isNumeric, isTemporal, termText, timeOf } from "./terms.js";

export const MOST_POINTS = 5000;

/** A date literal, or a plain one written like a date (`2026-01`: a month, as the named queries
 * give them). */
function dateLike(term) {
  return isTemporal(term) || (term.type === "literal" && !term.datatype && !term["xml:lang"] &&
    /^\d{4}(-\d{2}(-\d{2})?)?$/.test(term.value));
}

function columnKinds(vars, rows) {
  const kinds = {};
  for (const name of vars) {
    const bound = rows.map((row) => row[name]).filter((term) => term !== undefined);
    kinds[name] = !bound.length ? "empty"
      : bound.every(isNumeric) ? "number"
      : bound.every(dateLike) ? "date" : "label";
  }
  return kinds;
}

/** The columns a chart can use, or null when there is no numeric column to plot. */
export function chartColumns(vars, rows) {
  const kinds = columnKinds(vars, rows);
  const numbers = vars.filter((name) => kinds[name] === "number");
  if (!numbers.length || !rows.length) return null;
  const axes = vars.filter((name) => kinds[name] === "date")
    .concat(vars.filter((name) => kinds[name] === "label"));
  return { kinds, numbers, axes };
}

/** The points of `y` over `x` (`null`: over the row number), in date order for a date axis. */
export function chartPoints(rows, x, y, kinds, names, labels) {
  let chosen = rows.filter((row) => row[y] !== undefined && (x === null || row[x] !== undefined));
  if (x !== null && kinds[x] === "date") {
    chosen = chosen.slice().sort((a, b) => timeOf(a[x]) - timeOf(b[x]));
  }
  chosen = chosen.slice(0, MOST_POINTS);
  const label = (term) => (term.type === "uri" && labels.has(term.value)
    ? labels.get(term.value) : termText(term, names));
  return {
    labels: chosen.map((row, index) => (x === null ? String(index + 1) : label(row[x]))),
    values: chosen.map((row) => Number(row[y].value)),
  };
}

function select(name, options, chosen) {
  const element = document.createElement("select");
  element.name = name;
  for (const [value, text] of options) {
    const option = new Option(text, value, false, value === chosen);
    element.append(option);
  }
  return element;
}

/** Draw the chart view into `container`; answers a function that redraws it (labels changed). */
export function drawChart(container, vars, rows, names, labels) {
  const Chart = window.Chart;
  const columns = chartColumns(vars, rows);
  if (typeof Chart !== "function" || !columns) {
    const note = document.createElement("p");
    note.className = "note";
    note.textContent = typeof Chart !== "function"
      ? "The chart needs the front-end package chart.js (make setup with npm)."
      : "A chart needs a column of numbers.";
    container.replaceChildren(note);
    return () => {};
  }
  const { kinds, numbers, axes } = columns;
  const xChoice = select("x", axes.map((n) => [n, "?" + n]).concat([["", "row number"]]),
    axes[0] || "");
  const yChoice = select("y", numbers.map((n) => [n, "?" + n]), numbers[0]);
  const kindChoice = select("kind", [["line", "line"], ["bar", "bars"]],
    axes.length && kinds[axes[0]] === "date" ? "line" : "bar");
  const controls = document.createElement("div");
  controls.className = "toolbar chart-controls";
  controls.append("Plot ", yChoice, " over ", xChoice, " as ", kindChoice);
  const frame = document.createElement("div");
  frame.className = "result-chart";
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  frame.append(canvas);
  const note = document.createElement("p");
  note.className = "note";
  container.replaceChildren(controls, frame, note);

  let chart = null;
  function draw() {
    const x = xChoice.value || null;
    const y = yChoice.value;
    const points = chartPoints(rows, x, y, kinds, names, labels);
    if (chart) chart.destroy();
    chart = new Chart(canvas, {
      type: kindChoice.value,
      data: {
        labels: points.labels,
        datasets: [{ label: "?" + y, data: points.values, borderColor: "#1f5fa8",
          backgroundColor: "rgba(31, 95, 168, 0.6)", pointRadius: points.values.length > 200 ? 0 : 3 }],
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { title: { display: true, text: x ? "?" + x : "row" } },
          y: { title: { display: true, text: "?" + y } } },
      },
    });
    frame.dataset.points = String(points.values.length);
    canvas.setAttribute("aria-label", `?${y} over ${x ? "?" + x : "the row number"}: ` +
      `${points.values.length} points`);
    note.textContent = rows.length > MOST_POINTS ? `The first ${MOST_POINTS} rows are plotted.` : "";
  }
  for (const choice of [xChoice, yChoice, kindChoice]) choice.addEventListener("change", draw);
  draw();
  return draw;
}
