// Trace page interaction. The page is complete without it; with it, the waterfall's subtrees
// collapse and expand, spans can be searched and filtered, a click or a #span-<id> link opens a
// span's details, and the keyboard moves between rows.
(function () {
  "use strict";
  var svg = document.querySelector("svg.waterfall");
  if (!svg) return;
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

  function open(row) {
    var target = details(row);
    if (!target) return;
    if (target.tagName === "DETAILS") target.open = true;
    target.scrollIntoView({ block: "center" });
    rows.forEach(function (other) { other.classList.remove("selected"); });
    row.classList.add("selected");
  }

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

  // Controls, made here so that a page without script shows none that cannot work.
  var controls = document.createElement("div");
  controls.className = "controls";
  controls.innerHTML =
    '<input type="search" placeholder="Search service, operation, attributes" aria-label="Search spans">' +
    ' <span class="hits"></span>' +
    ' <label><input type="checkbox" name="errors"> errors only</label>' +
    ' <label><input type="checkbox" name="path"> critical path only</label>' +
    ' <button type="button" name="collapse">Collapse all</button> <button type="button" name="expand">Expand all</button>';
  svg.parentNode.parentNode.insertBefore(controls, svg.parentNode);
  var search = controls.querySelector("input[type=search]");
  var hits = controls.querySelector(".hits");
  var texts = null;
  search.addEventListener("input", function () {
    var query = search.value.trim().toLowerCase();
    if (texts === null) {
      texts = rows.map(function (row) {
        var target = details(row);
        // Attributes are searched through the span's details (in the text list of a large trace,
        // the row's own label and tooltip are searched).
        var extra = target && target.tagName === "DETAILS" ? target.textContent : "";
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
