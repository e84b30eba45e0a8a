// Trace page interaction. The page is complete without it; with it, the waterfall's subtrees
// collapse and expand, spans can be searched and filtered, a click or a #span-<id> link opens a
// span's details, and the keyboard moves between rows.
(function () {
  "use strict";
  var svg = document.querySelector("svg.waterfall");
  // A large trace's rows are drawn as they scroll, by trace-large.js.
  if (!svg || document.getElementById("waterfall-data")) return;
  var rowHeight = Number(svg.getAttribute("data-rh")) || 20;
  var baseHeight = Number(svg.getAttribute("height"));
  var width = svg.getAttribute("width");
  var rows = Array.prototype.slice.call(svg.querySelectorAll("g.row"));
  var depth = rows.map(function (row) { return Number(row.getAttribute("data-d")); });
  var collapsed = rows.map(function () { return false; });
  var hasChildren = rows.map(function (row, index) { return index + 1 < rows.length && depth[index + 1] > depth[index]; });
  var errorsOnly = false, pathOnly = false;

  // Which rows show: none below a collapsed row; with a filter on, only the rows it keeps.
  function layout() {
    var hideDeeperThan = Infinity, slot = 0;
    rows.forEach(function (row, index) {
      if (depth[index] <= hideDeeperThan) hideDeeperThan = Infinity;
      var visible = hideDeeperThan === Infinity;
      if (visible && collapsed[index]) hideDeeperThan = depth[index];
      if (errorsOnly && !row.classList.contains("err")) visible = false;
      if (pathOnly && !row.querySelector("rect.cp")) visible = false;
      row.style.display = visible ? "" : "none";
      row.setAttribute("transform", "translate(0 " + (slot - index) * rowHeight + ")");
      row.classList.toggle("collapsed", collapsed[index]);
      if (visible) slot += 1;
    });
    var height = baseHeight - (rows.length - slot) * rowHeight;
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  }

  function details(row) {
    return document.getElementById("span-" + row.getAttribute("data-s"));
  }

  var showDetails = waterfallParts.detailsPanel(svg);
  // A row's span: its row selected, its details shown beside the waterfall.
  function open(row) {
    rows.forEach(function (other) { other.classList.remove("selected"); });
    row.classList.add("selected");
    showDetails("span-" + row.getAttribute("data-s"));
  }
  waterfallParts.keepSpanLinksBeside(svg, function (id) {
    var row = rows.filter(function (candidate) { return "span-" + candidate.getAttribute("data-s") === id; })[0];
    if (row) open(row); else showDetails(id);
  });

  rows.forEach(function (row, index) {
    row.setAttribute("tabindex", "0");
    row.querySelector("text.lbl").addEventListener("click", function (event) {
      if (!hasChildren[index]) return;
      event.stopPropagation();
      collapsed[index] = !collapsed[index];
      layout();
    });
    row.addEventListener("click", function () { open(row); });
    row.addEventListener("keydown", function (event) {
      var visible = rows.filter(function (other) { return other.style.display !== "none"; });
      var at = visible.indexOf(row);
      if (event.key === "ArrowDown" && at + 1 < visible.length) visible[at + 1].focus();
      else if (event.key === "ArrowUp" && at > 0) visible[at - 1].focus();
      else if (event.key === "ArrowLeft" && hasChildren[index]) { collapsed[index] = true; layout(); }
      else if (event.key === "ArrowRight") { collapsed[index] = false; layout(); }
      else if (event.key === "Enter") open(row);
      else return;
      event.preventDefault();
    });
  });

  var controls = waterfallParts.controls(svg);
  var search = controls.querySelector("input[type=search]");
  var hits = controls.querySelector(".hits");
  var texts = null;
  search.addEventListener("input", function () {
    var query = search.value.trim().toLowerCase();
    if (texts === null) {
      texts = rows.map(function (row) {
        var target = details(row);
        // Attributes are searched through the span's details: its <details>, or in the text list
        // of a large trace, the lines from its heading to the next one.
        var extra = "";
        if (target && target.tagName === "DETAILS") {
          extra = target.textContent;
        } else if (target) {
          for (var node = target.nextSibling; node && node.nodeName !== "B"; node = node.nextSibling) extra += node.textContent;
        }
        return (row.textContent + " " + extra).toLowerCase();
      });
    }
    var count = 0;
    rows.forEach(function (row, index) {
      var hit = query !== "" && texts[index].indexOf(query) >= 0;
      row.classList.toggle("hit", hit);
      if (hit) count += 1;
    });
    hits.textContent = query === "" ? "" : count + (count === 1 ? " match" : " matches");
  });
  controls.querySelector("input[name=errors]").addEventListener("change", function (event) { errorsOnly = event.target.checked; layout(); });
  controls.querySelector("input[name=path]").addEventListener("change", function (event) { pathOnly = event.target.checked; layout(); });
  controls.querySelector("button[name=collapse]").addEventListener("click", function () {
    collapsed = rows.map(function (row, index) { return hasChildren[index]; });
    layout();
  });
  controls.querySelector("button[name=expand]").addEventListener("click", function () {
    collapsed = rows.map(function () { return false; });
    layout();
  });

  // Time zoom: an overview strip above the waterfall; drag across it to zoom the time axis to
  // that window, drag the window to move it, double-click (or "Reset zoom") to see it all.
  var chartLeft = Number(svg.getAttribute("data-left"));
  var chartWidth = Number(svg.getAttribute("data-width"));
  var bars = null;  // found, with their drawn positions, on the first zoom
  var drawWindow = null;
  var window0 = 0, window1 = 1;

  function zoom(from, to) {
    window0 = Math.max(0, Math.min(from, to)); window1 = Math.min(1, Math.max(from, to));
    if (window1 - window0 < 1e-6) { window1 = Math.min(1, window0 + 1e-6); }
    if (bars === null) {
      bars = Array.prototype.slice.call(svg.querySelectorAll("g.row rect, g.row text.dur"));
      bars.forEach(function (element) {
        element.setAttribute("data-x", element.getAttribute("x"));
        if (element.tagName === "rect") element.setAttribute("data-w", element.getAttribute("width"));
      });
    }
    var span = window1 - window0, right = chartLeft + chartWidth, whole = window0 === 0 && window1 === 1;
    function place(x) { return chartLeft + (x - chartLeft - window0 * chartWidth) / span; }
    bars.forEach(function (element) {
      if (whole) {
        // Back to the whole trace: the drawing as written, exactly.
        element.style.display = "";
        element.setAttribute("x", element.getAttribute("data-x"));
        if (element.tagName === "rect") element.setAttribute("width", element.getAttribute("data-w"));
        return;
      }
      var x = place(Number(element.getAttribute("data-x")));
      if (element.tagName === "rect") {
        var end = x + Number(element.getAttribute("data-w")) / span;
        var left = Math.max(x, chartLeft), clipped = Math.min(end, right);
        element.style.display = clipped < left ? "none" : "";
        element.setAttribute("x", left);
        element.setAttribute("width", Math.max(clipped - left, 1));
      } else {
        element.style.display = x < chartLeft || x > right + 70 ? "none" : "";
        element.setAttribute("x", x);
      }
    });
    waterfallParts.drawRuler(svg, window0, window1);
    drawWindow(window0, window1);
  }

  // One thin bar per row, built as one string: thousands of rows cost one parse, not thousands of calls.
  var rowStep = 40 / Math.max(rows.length, 1), marks = [];
  rows.forEach(function (row, index) {
    var bar = row.querySelector("rect");
    marks.push('<rect class="' + bar.getAttribute("class") + '" x="' + bar.getAttribute("x") + '" width="' + bar.getAttribute("width") +
      '" y="' + (2 + index * rowStep) + '" height="' + Math.max(rowStep, 0.5) + '"/>');
  });
  drawWindow = waterfallParts.overview(svg, marks.join(""), controls, zoom);

  // Deep links: #span-<id> opens that span's details and selects its row.
  function followHash() {
    var match = /^#span-([0-9a-f]{16})/.exec(location.hash);
    if (!match) return;
    var row = rows.filter(function (candidate) { return candidate.getAttribute("data-s") === match[1]; })[0];
    var target = document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") target.open = true;
    if (row) row.classList.add("selected");
  }
  window.addEventListener("hashchange", followHash);
  followHash();

  // Printing shows every span's details.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (element) { element.open = true; });
  });
})();
