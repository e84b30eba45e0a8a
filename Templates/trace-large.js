// The waterfall of a large trace, drawn as it scrolls. The page carries every span in a data
// island (#waterfall-data, see WaterfallData.swift); this script keeps in the document only the
// rows in view, so that collapse, search, "errors only" and "critical path only" reach every
// span of a trace of 100,000. The static drawing (which summarises) keeps its legend and ruler;
// it is what a reader without script sees. A row's details open beside the waterfall.
(function () {
  "use strict";
  var island = document.getElementById("waterfall-data");
  var svg = document.querySelector("svg.waterfall");
  if (!island || !svg) return;
  var data = JSON.parse(island.textContent);
  var digits = {};
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach(function (c, i) { digits[c] = i; });
  // Base64url variable-length quantities: five bits a character, least significant first.
  function numbers(text) {
    var out = [], value = 0, scale = 1;
    for (var i = 0; i < text.length; i++) {
      var digit = digits[text[i]];
      if (digit >= 32) { value += (digit - 32) * scale; scale *= 32; } else { out.push(value + digit * scale); value = 0; scale = 1; }
    }
    return out;
  }
  var depth = numbers(data.d), start = numbers(data.t), length = numbers(data.w);
  var service = numbers(data.s), operation = numbers(data.o), flags = numbers(data.f);
  var ids = data.ids.split(","), count = depth.length;
  var FAILED = 1, CRITICAL = 2, FOLLOWS = 4, SHIFTED = 8;
  // Where each span's subtree ends: spans come parents first, depth first.
  var end = new Array(count), open = [];
  for (var i = 0; i < count; i++) {
    while (open.length && depth[open[open.length - 1]] >= depth[i]) end[open.pop()] = i;
    open.push(i);
  }
  while (open.length) end[open.pop()] = count;

  var rowHeight = Number(svg.getAttribute("data-rh")) || 20;
  var chartLeft = Number(svg.getAttribute("data-left")), chartWidth = Number(svg.getAttribute("data-width"));
  var traceNanos = Number(svg.getAttribute("data-ns")) || 1, width = Number(svg.getAttribute("width"));
  var labelWidth = chartLeft - 10;

  // The static drawing keeps its legend and ruler; its summarised rows go, and come back to be
  // printed (a printout cannot scroll).
  var staticRows = Array.prototype.slice.call(svg.querySelectorAll("g.row"));
  var staticHeight = svg.getAttribute("height");
  function showStaticRows(shown) {
    var height = shown ? staticHeight : data.top;
    staticRows.forEach(function (row) { if (shown) svg.appendChild(row); else if (row.parentNode) row.parentNode.removeChild(row); });
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    Array.prototype.forEach.call(svg.querySelectorAll("g.ruler line"), function (line) { line.setAttribute("y2", height); });
    if (scroller) scroller.hidden = shown;
  }
  var scroller = null;
  showStaticRows(false);
  window.addEventListener("beforeprint", function () { waterfallParts.drawRuler(svg, 0, 1); showStaticRows(true); });
  window.addEventListener("afterprint", function () { showStaticRows(false); waterfallParts.drawRuler(svg, window0, window1); });
  var note = document.getElementById("waterfall-note");
  if (note) {
    note.textContent = count + " spans, every one drawn as you scroll: collapse, search, errors only and critical path only " +
      "reach them all. Click a row (or press Enter on it) for its details below the waterfall; arrow keys move between rows.";
  }

  scroller = document.createElement("div");
  scroller.className = "vscroll";
  var space = document.createElement("div");
  space.className = "vspace";
  var rowsSvg = document.createElementNS(waterfallParts.svgNS, "svg");
  rowsSvg.setAttribute("class", "waterfall vrows");
  rowsSvg.setAttribute("width", width);
  rowsSvg.setAttribute("role", "list");
  rowsSvg.setAttribute("aria-label", "Spans of the waterfall");
  space.appendChild(rowsSvg);
  scroller.appendChild(space);
  svg.parentNode.appendChild(scroller);
  var showDetails = waterfallParts.detailsPanel(svg);

  var collapsed = new Array(count).fill(false);
  var errorsOnly = false, pathOnly = false, hits = null, selected = -1, window0 = 0, window1 = 1;
  // The spans shown, in order, and each span's place among them (-1 when not shown).
  var visible = [], placeOf = new Int32Array(count);

  // A row's height on screen: the drawing is scaled to the width of its box.
  function step() { return rowHeight * ((space.clientWidth || width) / width); }

  // Which spans show: none below a collapsed one; with a filter on, only those it keeps.
  function layout() {
    visible = [];
    placeOf.fill(-1);
    for (var i = 0; i < count;) {
      var kept = !(errorsOnly && !(flags[i] & FAILED)) && !(pathOnly && !(flags[i] & CRITICAL));
      if (kept) { placeOf[i] = visible.length; visible.push(i); }
      i = kept && collapsed[i] ? end[i] : i + 1;
    }
    render();
  }

  function escape(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function x(nanos) { return chartLeft + (nanos / traceNanos - window0) / (window1 - window0) * chartWidth; }

  // The rows in view, and thirty either side.
  function render() {
    var onScreen = step();
    space.style.height = visible.length * onScreen + "px";
    var first = Math.max(0, Math.floor(scroller.scrollTop / onScreen) - 30);
    var last = Math.min(visible.length, Math.ceil((scroller.scrollTop + (scroller.clientHeight || 800)) / onScreen) + 30);
    var out = [];
    for (var place = first; place < last; place++) {
      var i = visible[place], top = (place - first) * rowHeight, f = flags[i];
      var name = data.services[service[i]] + " " + data.names[operation[i]];
      var indent = Math.min(depth[i] * 12, 180);
      // Past fifteen levels the indent stops growing and the label says the depth.
      var label = (f & FAILED ? "\u26a0 " : "") + (depth[i] > 15 ? "\u2937" + depth[i] + " " : "") + name;
      var room = Math.max(4, Math.floor((labelWidth - 6 - indent) / 6.2));
      if (label.length > room) label = label.slice(0, room - 1) + "\u2026";
      var classes = "row" + (f & FAILED ? " err" : "") + (f & FOLLOWS ? " ff" : "") + (f & SHIFTED ? " skew" : "") +
        (collapsed[i] ? " collapsed" : "") + (hits && hits[i] ? " hit" : "") + (i === selected ? " selected" : "");
      var barStart = x(start[i]), barEnd = x(start[i] + length[i]);
      var left = Math.max(barStart, chartLeft), right = Math.min(Math.max(barEnd, barStart + 1), chartLeft + chartWidth);
      var tooltip = name + "\n" + waterfallParts.formatNanos(length[i]) + (f & FAILED ? "\nerror" : "") +
        (f & CRITICAL ? "\non the critical path" : "") + (f & FOLLOWS ? "\nfollows from its parent (not awaited)" : "") +
        (f & SHIFTED ? "\nshifted for clock skew" : "");
      out.push('<g class="' + classes + '" role="listitem" tabindex="0" data-i="' + i + '" data-s="' + ids[i] + '" data-d="' + depth[i] +
        '"><title>' + escape(tooltip) + '</title><text class="lbl" x="' + (4 + indent) + '" y="' + (top + 14) + '">' + escape(label) + "</text>");
      if (right >= left) {
        out.push('<rect class="' + data.classes[service[i]] + '" x="' + left + '" y="' + (top + 4) + '" width="' + Math.max(right - left, 1) +
          '" height="' + (rowHeight - 8) + '"/>');
        if (f & CRITICAL) out.push('<rect class="cp" x="' + left + '" y="' + (top + 8) + '" width="' + Math.max(right - left, 1) + '" height="' + (rowHeight - 16) + '"/>');
        out.push('<text class="dur" x="' + (right + 4) + '" y="' + (top + 14) + '">' + waterfallParts.formatNanos(length[i]) + "</text>");
      }
      out.push("</g>");
    }
    rowsSvg.setAttribute("height", Math.max((last - first) * rowHeight, 1));
    rowsSvg.setAttribute("viewBox", "0 0 " + width + " " + Math.max((last - first) * rowHeight, 1));
    rowsSvg.style.top = first * onScreen + "px";
    rowsSvg.innerHTML = out.join("");
  }
  var pending = false;
  scroller.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; render(); });
  });

  // Brings span `i` into view (opening collapsed spans above it), and focuses its row.
  function reveal(i, focus) {
    for (var above = 0; above < i; above++) { if (collapsed[above] && end[above] > i) collapsed[above] = false; }
    layout();
    if (placeOf[i] < 0) {
      // Filtered out: the filters give way.
      errorsOnly = pathOnly = false;
      controls.querySelector("input[name=errors]").checked = false;
      controls.querySelector("input[name=path]").checked = false;
      layout();
    }
    var place = placeOf[i];
    if (place < 0) return;
    var top = place * step();
    if (top < scroller.scrollTop || top + step() > scroller.scrollTop + scroller.clientHeight) {
      scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 2);
    }
    render();
    var row = rowsSvg.querySelector('g[data-i="' + i + '"]');
    if (row && focus) row.focus({ preventScroll: true });
  }

  // A span: its row selected, its details shown beside the waterfall.
  function openDetails(i) {
    selected = i;
    render();
    showDetails("span-" + ids[i]);
  }

  function rowOf(event) {
    for (var node = event.target; node && node !== rowsSvg; node = node.parentNode) {
      if (node.getAttribute && node.getAttribute("data-i") !== null) return node;
    }
    return null;
  }
  rowsSvg.addEventListener("click", function (event) {
    var row = rowOf(event);
    if (!row) return;
    var i = Number(row.getAttribute("data-i"));
    if (event.target.classList.contains("lbl") && end[i] > i + 1) {
      collapsed[i] = !collapsed[i];
      layout();
      return;
    }
    openDetails(i);
  });
  rowsSvg.addEventListener("keydown", function (event) {
    var row = rowOf(event);
    if (!row) return;
    var i = Number(row.getAttribute("data-i")), place = placeOf[i];
    if (event.key === "ArrowDown" && place + 1 < visible.length) reveal(visible[place + 1], true);
    else if (event.key === "ArrowUp" && place > 0) reveal(visible[place - 1], true);
    else if (event.key === "ArrowLeft" && end[i] > i + 1) { collapsed[i] = true; reveal(i, true); }
    else if (event.key === "ArrowRight") { collapsed[i] = false; reveal(i, true); }
    else if (event.key === "Enter") openDetails(i);
    else return;
    event.preventDefault();
  });

  var controls = waterfallParts.controls(svg);
  var search = controls.querySelector("input[type=search]");
  var hitCount = controls.querySelector(".hits");
  // Search covers each span's service, operation and id (attributes are in the list below).
  search.addEventListener("input", function () {
    var query = search.value.trim().toLowerCase(), found = 0, firstHit = -1;
    hits = null;
    if (query !== "") {
      hits = new Array(count);
      var names = data.names.map(function (name) { return name.toLowerCase(); });
      var services = data.services.map(function (name) { return name.toLowerCase(); });
      for (var i = 0; i < count; i++) {
        hits[i] = services[service[i]].indexOf(query) >= 0 || names[operation[i]].indexOf(query) >= 0 || ids[i].indexOf(query) === 0;
        if (hits[i]) { found += 1; if (firstHit < 0) firstHit = i; }
      }
    }
    hitCount.textContent = query === "" ? "" : found + (found === 1 ? " match" : " matches");
    if (firstHit >= 0) reveal(firstHit, false); else render();
  });
  controls.querySelector("input[name=errors]").addEventListener("change", function (event) { errorsOnly = event.target.checked; layout(); });
  controls.querySelector("input[name=path]").addEventListener("change", function (event) { pathOnly = event.target.checked; layout(); });
  controls.querySelector("button[name=collapse]").addEventListener("click", function () {
    for (var i = 0; i < count; i++) collapsed[i] = end[i] > i + 1;
    layout();
  });
  controls.querySelector("button[name=expand]").addEventListener("click", function () {
    collapsed.fill(false);
    layout();
  });

  // The overview: at most 4,000 thin bars, one for every so many spans.
  var every = Math.max(1, Math.ceil(count / 4000)), marks = [], rowStep = 40 / Math.ceil(count / every);
  for (var mark = 0; mark * every < count; mark++) {
    var span = mark * every;
    marks.push('<rect class="' + data.classes[service[span]] + '" x="' + x(start[span]) + '" width="' + Math.max(length[span] / traceNanos * chartWidth, 0.5) +
      '" y="' + (2 + mark * rowStep) + '" height="' + Math.max(rowStep, 0.5) + '"/>');
  }
  var drawWindow = waterfallParts.overview(svg, marks.join(""), controls, function (from, to) {
    window0 = Math.max(0, Math.min(from, to));
    window1 = Math.min(1, Math.max(from, to));
    if (window1 - window0 < 1e-6) window1 = Math.min(1, window0 + 1e-6);
    waterfallParts.drawRuler(svg, window0, window1);
    drawWindow(window0, window1);
    render();
  });

  // Deep links: #span-<id> brings that span's row into view, selects it and shows its details.
  function followHash() {
    var match = /^#span-(.+)$/.exec(location.hash);
    if (!match) return;
    var i = ids.indexOf(match[1]);
    if (i < 0) return;
    reveal(i, false);
    openDetails(i);
  }
  window.addEventListener("hashchange", followHash);
  waterfallParts.keepSpanLinksBeside(svg, function (id) {
    var i = ids.indexOf(id.slice(5));
    if (i >= 0) { reveal(i, false); openDetails(i); } else showDetails(id);
  });
  layout();
  followHash();
})();
