// The interactive co-occurrence network (api/templates/network.html). The page carries its data
// as JSON; with the graph library (cytoscape, installed from npm at set-up) it draws the network,
// otherwise the table in the page is the whole story.
//
// Labels never overlap: after the layout (and after a node is dragged) the names are placed
// greedily — the entity the network is about, then the one pointed at or selected, then by
// PageRank — and a name whose box would overlap one already placed is hidden (class
// "label-hidden"); pointing at an entity or selecting it places its name first. Boxes are in
// the graph's own coordinates, so zooming keeps the placement right. Tested in
// tests/test_network_page.py (bounding boxes in Chromium).
(function () {
  "use strict";

  var PALETTE = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3",
    "#8C8C8C", "#CCB974", "#64B5CD"];
  var data = JSON.parse(document.getElementById("network-data").textContent);
  var container = document.getElementById("network");
  var details = document.getElementById("details");

  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  function pageUrl(entity) {
    var params = new URLSearchParams(window.location.search);
    params.set("entity", entity);
    return "/network?" + params.toString();
  }

  function windowParams() {
    var params = new URLSearchParams();
    ["since", "until", "topic"].forEach(function (key) {
      if (data.window[key]) { params.set(key, data.window[key]); }
    });
    return params;
  }

  function facts(rows) {
    var list = element("dl");
    rows.forEach(function (row) {
      list.appendChild(element("dt", row[0]));
      list.appendChild(element("dd", row[1]));
    });
    return list;
  }

  function showMonths(source, target) {
    var params = windowParams();
    params.set("source", source);
    params.set("target", target);
    var holder = element("div", "Loading months…", { "class": "months-holder" });
    details.appendChild(holder);
    fetch("/api/cooccurrence/pair?" + params.toString())
      .then(function (response) { return response.json(); })
      .then(function (pair) {
        holder.textContent = "";
        holder.appendChild(element("h3", "Articles together, per month"));
        var most = Math.max.apply(null, pair.months.map(function (m) { return m.count; }).concat([1]));
        var table = element("table", null, { "class": "months", id: "months" });
        pair.months.forEach(function (month) {
          var row = element("tr");
          row.appendChild(element("td", month.month));
          row.appendChild(element("td", month.count));
          var bar = element("td");
          bar.appendChild(element("span", null, {
            "class": "bar", style: "width:" + (6 * month.count / most) + "rem"
          }));
          row.appendChild(bar);
          table.appendChild(row);
        });
        holder.appendChild(table);
      })
      .catch(function () { holder.textContent = "The months could not be loaded."; });
  }

  function showNode(node) {
    details.hidden = false;
    details.textContent = "";
    details.appendChild(element("h2", node.data("label")));
    details.appendChild(facts([
      ["type", node.data("type") || "–"],
      ["articles", node.data("articles")],
      ["neighbours here", node.degree()],
      ["PageRank", Number(node.data("pagerank")).toFixed(4)],
      ["community", node.data("community")]
    ]));
    var links = element("p");
    var centre = element("a", "Centre the network here", { href: pageUrl(node.id()), id: "recentre" });
    links.appendChild(centre);
    details.appendChild(links);
    if (data.entity && node.id() !== data.entity) { showMonths(data.entity, node.id()); }
  }

  function showEdge(edge) {
    details.hidden = false;
    details.textContent = "";
    details.appendChild(element("h2", edge.source().data("label") + " and " + edge.target().data("label")));
    details.appendChild(facts([
      ["articles together", edge.data("count")],
      ["npmi", Number(edge.data("npmi")).toFixed(3)],
      ["jaccard", Number(edge.data("jaccard")).toFixed(3)]
    ]));
    showMonths(edge.data("source"), edge.data("target"));
  }

  var LABEL_GAP = 2;  // graph units between two names

  function overlaps(a, b) {
    return a.x1 < b.x2 + LABEL_GAP && b.x1 < a.x2 + LABEL_GAP &&
      a.y1 < b.y2 + LABEL_GAP && b.y1 < a.y2 + LABEL_GAP;
  }

  function labelBox(node) {
    return node.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true,
      includeOverlays: false });
  }

  function priority(cy) {
    return cy.nodes().sort(function (a, b) {
      return (b.hasClass("label-focus") - a.hasClass("label-focus")) ||
        (b.data("ego") - a.data("ego")) ||
        ((b.data("pagerank") || 0) - (a.data("pagerank") || 0)) ||
        (b.data("articles") - a.data("articles")) ||
        (a.id() < b.id() ? -1 : 1);
    });
  }

  function placeLabels(cy) {
    var nodes = cy.nodes();
    nodes.removeClass("label-hidden");  // measure every name where it would be drawn
    var boxes = {};
    nodes.forEach(function (node) { boxes[node.id()] = labelBox(node); });
    var placed = [];
    var hidden = cy.collection();
    priority(cy).forEach(function (node) {
      var box = boxes[node.id()];
      if (box.w > 0 && placed.some(function (other) { return overlaps(box, other); })) {
        hidden = hidden.union(node);
      } else {
        placed.push(box);
      }
    });
    hidden.addClass("label-hidden");
    container.dataset.labelsShown = String(nodes.length - hidden.length);
    container.dataset.labelsHidden = String(hidden.length);
    document.getElementById("label-hint").hidden = hidden.length === 0;
  }

  if (typeof window.cytoscape !== "function" || data.nodes.length === 0) { return; }

  var maxRank = Math.max.apply(null, data.nodes.map(function (n) { return n.pagerank || 0; })) || 1;
  var weights = data.edges.map(function (e) { return Math.max(0, e[data.weight]); });
  var maxWeight = Math.max.apply(null, weights.concat([1e-9]));
  var elements = [];
  data.nodes.forEach(function (n) {
    elements.push({ group: "nodes", data: {
      id: n.entity, label: n.name, type: n.type, articles: n.articles, pagerank: n.pagerank,
      community: n.community, size: 14 + 36 * Math.sqrt((n.pagerank || 0) / maxRank),
      colour: PALETTE[(n.community || 0) % PALETTE.length], ego: n.entity === data.entity ? 1 : 0
    } });
  });
  data.edges.forEach(function (e, index) {
    elements.push({ group: "edges", data: {
      id: "edge-" + index, source: e.source, target: e.target, count: e.count, npmi: e.npmi,
      jaccard: e.jaccard, width: 1 + 7 * weights[index] / maxWeight
    } });
  });

  container.hidden = false;
  var cy = window.cytoscape({
    container: container,
    elements: elements,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", width: "data(size)", height: "data(size)",
        label: "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 3,
        color: "#1d2330", "text-outline-color": "#fff", "text-outline-width": 2 } },
      { selector: "node[ego = 1]", style: { "border-width": 3, "border-color": "#1d2330" } },
      { selector: "edge", style: {
        width: "data(width)", "line-color": "#9aa3b5", opacity: 0.6, "curve-style": "haystack" } },
      { selector: ":selected", style: { "line-color": "#2f5fb3", "border-color": "#2f5fb3",
        "border-width": 3, opacity: 1 } },
      { selector: "node.label-hidden", style: { "text-opacity": 0 } },
      { selector: "node.label-focus", style: { "font-weight": "bold" } }
    ],
    layout: { name: "cose", animate: false, randomize: true, nodeRepulsion: 9000,
      idealEdgeLength: 90, numIter: 1500 }
  });
  // Placing waits for the event that asked for it to finish (outside cytoscape's own handling
  // of it), and many requests in one turn place once; data-labels-pending says one is due.
  var placing = null;
  function placeSoon() {
    if (placing !== null) { return; }
    container.dataset.labelsPending = "1";
    placing = window.setTimeout(function () {
      placing = null;
      placeLabels(cy);
      delete container.dataset.labelsPending;
    }, 0);
  }
  function focus(node, on) {
    node.toggleClass("label-focus", on || node.selected());
    placeSoon();
  }
  placeLabels(cy);
  cy.on("layoutstop free", placeSoon);
  cy.on("mouseover", "node", function (event) { focus(event.target, true); });
  cy.on("mouseout", "node", function (event) { focus(event.target, false); });
  cy.on("select", "node", function (event) { focus(event.target, true); });
  cy.on("unselect", "node", function (event) { focus(event.target, false); });
  cy.on("tap", "node", function (event) { showNode(event.target); });
  cy.on("tap", "edge", function (event) { showEdge(event.target); });
  cy.on("dbltap", "node", function (event) { window.location.href = pageUrl(event.target.id()); });
  // The period slider (with ?period=): 0 is the whole window; position i shows period i's edges,
  // as wide as their count in it, and hides the edges and entities absent from it.
  var slider = document.getElementById("period-slider");
  if (slider && data.periods) {
    var maxCount = Math.max.apply(null, data.edges.map(function (e) { return e.count; }).concat([1]));
    slider.addEventListener("input", function () {
      var position = Number(slider.value);
      var label = document.getElementById("period-label");
      if (position === 0) {
        label.textContent = "whole window";
        cy.elements().style("display", "element");
        cy.edges().forEach(function (edge) { edge.removeStyle("width"); });
        return;
      }
      var slice = data.periods[position - 1];
      label.textContent = slice.period + " · " + slice.articles + " articles · " + slice.edges.length + " edges";
      var counts = {};
      slice.edges.forEach(function (e) { counts[e[0] + " " + e[1]] = e[2]; });
      cy.edges().forEach(function (edge) {
        var count = counts[edge.data("source") + " " + edge.data("target")] ||
          counts[edge.data("target") + " " + edge.data("source")] || 0;
        edge.style("display", count ? "element" : "none");
        if (count) { edge.style("width", 1 + 7 * count / maxCount); }
      });
      cy.nodes().forEach(function (node) {
        node.style("display", slice.nodes[node.id()] ? "element" : "none");
      });
      container.dataset.period = slice.period;
      container.dataset.edgesShown = String(cy.edges().filter(function (e) { return e.style("display") !== "none"; }).length);
    });
  }
  window.newsgraphNetwork = cy;
  document.body.classList.add("has-graph");
}());
