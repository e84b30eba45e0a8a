// Lets readers work with a dependency graph however large: choosing a service (a click, or Tab
// to it and Enter) fades all but the service, its callers and its callees, and says how many;
// Escape or choosing it again shows all. Above eight nodes a box finds a service by name and
// scrolls to it, and buttons zoom the drawing (100% keeps its text at its own size). Without
// this script the graph is the same picture, scrolled inside its box.
document.querySelectorAll("svg.graph").forEach(function (svg, graphNumber) {
  var nodes = Array.prototype.slice.call(svg.querySelectorAll("g.node"));
  var edges = Array.prototype.slice.call(svg.querySelectorAll("g.edge"));
  var naturalWidth = svg.width.baseVal.value, naturalHeight = svg.height.baseVal.value;
  var status = document.createElement("span");
  status.className = "note";
  status.setAttribute("aria-live", "polite");
  function numberIn(element, prefix) {
    var match = new RegExp("(?:^| )" + prefix + "(\\d+)(?: |$)").exec(element.getAttribute("class"));
    return match ? Number(match[1]) : -1;
  }
  function nameOf(node) {
    return node.querySelector("title").textContent.split("\n")[0].replace(/ \(not instrumented: named by its callers\)$/, "");
  }
  var chosen = -1;
  function choose(number) {
    chosen = number;
    svg.classList.toggle("focused", number >= 0);
    var near = {}, callers = 0, callees = 0;
    near[number] = true;
    edges.forEach(function (edge) {
      var from = numberIn(edge, "from-"), to = numberIn(edge, "to-");
      var touches = number >= 0 && (from === number || to === number);
      edge.classList.toggle("near", touches);
      if (touches && edge.querySelector("path")) {
        if (to === number && !near[from]) callers++;
        if (from === number && !near[to]) callees++;
        near[from] = near[to] = true;
      }
    });
    nodes.forEach(function (node) {
      var number = numberIn(node, "node-");
      node.classList.toggle("near", near[number] === true);
      node.setAttribute("aria-pressed", number === chosen ? "true" : "false");
    });
    status.textContent = number < 0 ? "" : nameOf(nodes.filter(function (node) { return numberIn(node, "node-") === number; })[0]) +
      ": " + callers + (callers === 1 ? " caller, " : " callers, ") + callees + (callees === 1 ? " callee" : " callees") + " (Escape shows all)";
  }
  nodes.forEach(function (node) {
    var number = numberIn(node, "node-");
    var figures = node.querySelectorAll("text");
    node.tabIndex = 0;
    node.setAttribute("role", "button");
    node.setAttribute("aria-pressed", "false");
    node.setAttribute("aria-label", nameOf(node) + (figures.length > 1 ? ": " + figures[1].textContent : ""));
    node.addEventListener("click", function () { choose(chosen === number ? -1 : number); });
    node.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose(chosen === number ? -1 : number);
      }
    });
  });
  svg.addEventListener("keydown", function (event) {
    if (event.key === "Escape") choose(-1);
  });
  var tools = document.createElement("div");
  tools.className = "graphtools";
  if (nodes.length > 8) {
    var label = document.createElement("label");
    label.textContent = "Find a service ";
    var search = document.createElement("input");
    search.type = "search";
    search.setAttribute("list", "graph-names-" + graphNumber);
    var names = document.createElement("datalist");
    names.id = "graph-names-" + graphNumber;
    nodes.map(nameOf).sort().forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      names.appendChild(option);
    });
    function find() {
      var wanted = search.value.trim().toLowerCase();
      if (!wanted) return choose(-1);
      var match = nodes.filter(function (node) { return nameOf(node).toLowerCase() === wanted; })[0] ||
        nodes.filter(function (node) { return nameOf(node).toLowerCase().indexOf(wanted) >= 0; })[0];
      if (!match) {
        status.textContent = "No service named like \u201c" + search.value.trim() + "\u201d";
        return;
      }
      choose(numberIn(match, "node-"));
      match.scrollIntoView({ block: "center", inline: "center" });
    }
    search.addEventListener("change", find);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") find();
    });
    label.appendChild(search);
    tools.appendChild(label);
    tools.appendChild(names);
    var scale = 1;
    [["\u2212", "Zoom out", 1 / 1.5], ["+", "Zoom in", 1.5], ["100%", "Drawing at its own size", 0]].forEach(function (button) {
      var element = document.createElement("button");
      element.type = "button";
      element.textContent = button[0];
      element.setAttribute("aria-label", button[1]);
      element.addEventListener("click", function () {
        scale = button[2] === 0 ? 1 : Math.min(2, Math.max(0.2, scale * button[2]));
        svg.setAttribute("width", naturalWidth * scale);
        svg.setAttribute("height", naturalHeight * scale);
      });
      tools.appendChild(element);
    });
  }
  tools.appendChild(status);
  svg.parentNode.parentNode.insertBefore(tools, svg.parentNode);
});
