// Parts both waterfall scripts use (trace.js for a trace drawn whole, trace-large.js for one drawn
// as it scrolls): the controls, durations in words, the ruler, and the overview strip that zooms
// the time axis.
var waterfallParts = {
  svgNS: "http://www.w3.org/2000/svg",

  // The search box, filters and buttons, made here so that a page without script shows none
  // that cannot work; put above the chart holding `svg`.
  controls: function (svg) {
    var controls = document.createElement("div");
    controls.className = "controls";
    controls.innerHTML =
      '<input type="search" placeholder="Search service, operation, attributes" aria-label="Search spans">' +
      ' <span class="hits" aria-live="polite"></span>' +
      ' <label><input type="checkbox" name="errors"> errors only</label>' +
      ' <label><input type="checkbox" name="path"> critical path only</label>' +
      ' <button type="button" name="collapse">Collapse all</button> <button type="button" name="expand">Expand all</button>';
    svg.parentNode.parentNode.insertBefore(controls, svg.parentNode);
    return controls;
  },

  formatNanos: function (value) {
    if (value === 0) return "0";
    var units = [[1e9, " s"], [1e6, " ms"], [1e3, " µs"], [1, " ns"]];
    for (var i = 0; i < units.length; i++) {
      if (value >= units[i][0]) return Number((value / units[i][0]).toPrecision(3)) + units[i][1];
    }
    return value + " ns";
  },

  // Redraws the ruler of `svg` for the window from `window0` to `window1` of the trace (fractions).
  drawRuler: function (svg, window0, window1) {
    var ruler = svg.querySelector("g.ruler");
    if (!ruler.hasAttribute("data-top")) {
      var line = ruler.querySelector("line"), text = ruler.querySelector("text");
      ruler.setAttribute("data-top", line.getAttribute("y1"));
      ruler.setAttribute("data-bottom", line.getAttribute("y2"));
      ruler.setAttribute("data-label", text.getAttribute("y"));
    }
    var chartLeft = Number(svg.getAttribute("data-left")), chartWidth = Number(svg.getAttribute("data-width"));
    var traceNanos = Number(svg.getAttribute("data-ns"));
    Array.prototype.slice.call(ruler.childNodes).forEach(function (node) { ruler.removeChild(node); });
    var from = window0 * traceNanos, span = (window1 - window0) * traceNanos;
    var raw = Math.max(span / 8, 1), magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * magnitude; }).filter(function (s) { return s >= raw; })[0];
    for (var tick = Math.ceil(from / step) * step; tick <= from + span + 1e-6; tick += step) {
      var x = chartLeft + (tick - from) / span * chartWidth;
      var line = document.createElementNS(waterfallParts.svgNS, "line");
      line.setAttribute("x1", x); line.setAttribute("x2", x);
      line.setAttribute("y1", ruler.getAttribute("data-top")); line.setAttribute("y2", ruler.getAttribute("data-bottom"));
      var label = document.createElementNS(waterfallParts.svgNS, "text");
      label.setAttribute("x", x); label.setAttribute("y", ruler.getAttribute("data-label"));
      label.textContent = waterfallParts.formatNanos(Math.round(tick));
      ruler.appendChild(line); ruler.appendChild(label);
    }
  },

  // The overview strip above the chart holding `svg`: `marks` (SVG markup of thin bars) drawn
  // in it; dragging across it calls `zoom(from, to)` with fractions of the trace, dragging the
  // window moves it, double-clicking or the "Reset zoom" button (added to `controls`) zooms out.
  // Returns a function that draws the window for (from, to).
  overview: function (svg, marks, controls, zoom) {
    var width = svg.getAttribute("width");
    var chartLeft = Number(svg.getAttribute("data-left")), chartWidth = Number(svg.getAttribute("data-width"));
    var overview = document.createElementNS(waterfallParts.svgNS, "svg");
    overview.setAttribute("class", "overview");
    overview.setAttribute("width", width);
    overview.setAttribute("height", 44);
    overview.setAttribute("viewBox", "0 0 " + width + " 44");
    overview.innerHTML = marks;
    var frame = document.createElementNS(waterfallParts.svgNS, "rect");
    frame.setAttribute("class", "window");
    frame.setAttribute("y", 1);
    frame.setAttribute("height", 42);
    overview.appendChild(frame);
    var shown = [0, 1];
    function drawWindow(from, to) {
      shown = [from, to];
      frame.setAttribute("x", chartLeft + from * chartWidth);
      frame.setAttribute("width", Math.max((to - from) * chartWidth, 1));
    }
    drawWindow(0, 1);
    svg.parentNode.parentNode.insertBefore(overview, svg.parentNode);
    function fraction(event) {
      var box = overview.getBoundingClientRect();
      var x = (event.clientX - box.left) / box.width * Number(width);
      return Math.max(0, Math.min(1, (x - chartLeft) / chartWidth));
    }
    var dragStart = null, moving = null;
    overview.addEventListener("mousedown", function (event) {
      var at = fraction(event);
      if (at > shown[0] && at < shown[1] && (shown[1] - shown[0]) < 1) moving = { at: at, from: shown[0], to: shown[1] };
      else dragStart = at;
      event.preventDefault();
    });
    window.addEventListener("mousemove", function (event) {
      if (moving) {
        var delta = fraction(event) - moving.at;
        delta = Math.max(-moving.from, Math.min(1 - moving.to, delta));
        zoom(moving.from + delta, moving.to + delta);
      } else if (dragStart !== null) {
        var at = fraction(event);
        frame.setAttribute("x", chartLeft + Math.min(dragStart, at) * chartWidth);
        frame.setAttribute("width", Math.max(Math.abs(at - dragStart) * chartWidth, 1));
      }
    });
    window.addEventListener("mouseup", function (event) {
      if (dragStart !== null) {
        var at = fraction(event);
        if (Math.abs(at - dragStart) > 0.002) zoom(dragStart, at); else drawWindow(shown[0], shown[1]);
      }
      dragStart = null;
      moving = null;
    });
    overview.addEventListener("dblclick", function () { zoom(0, 1); });
    // The keyboard: + and - (or arrows up and down) zoom about the window's middle, arrows left
    // and right move it by a tenth of its width, 0 or Escape shows the whole trace.
    overview.setAttribute("tabindex", "0");
    overview.setAttribute("role", "group");
    overview.setAttribute("aria-label", "Overview of the time axis: drag across to zoom, or use + and - to zoom, " +
      "arrow keys to move, 0 to see the whole trace");
    overview.addEventListener("keydown", function (event) {
      var from = shown[0], to = shown[1], middle = (from + to) / 2, half = (to - from) / 2, step = (to - from) / 10;
      if (event.key === "+" || event.key === "=" || event.key === "ArrowUp") { half /= 2; from = middle - half; to = middle + half; }
      else if (event.key === "-" || event.key === "ArrowDown") { half = Math.min(0.5, half * 2); from = middle - half; to = middle + half; }
      else if (event.key === "ArrowLeft") { step = Math.min(step, from); from -= step; to -= step; }
      else if (event.key === "ArrowRight") { step = Math.min(step, 1 - to); from += step; to += step; }
      else if (event.key === "0" || event.key === "Escape") { from = 0; to = 1; }
      else return;
      event.preventDefault();
      if (from < 0) { to -= from; from = 0; }
      if (to > 1) { from -= to - 1; to = 1; }
      zoom(Math.max(0, from), Math.min(1, to));
    });
    var reset = document.createElement("button");
    reset.type = "button";
    reset.name = "reset";
    reset.textContent = "Reset zoom";
    reset.addEventListener("click", function () { zoom(0, 1); });
    controls.appendChild(document.createTextNode(" "));
    controls.appendChild(reset);
    return drawWindow;
  },

  // A panel below the chart holding `svg`, where a span's details are shown beside the
  // waterfall rather than by scrolling away to the span list. Returns a function that shows the
  // details of the span whose anchor is `id` ("span-…"): a copy of its <details> in the list, or
  // in the text list of a large trace its lines from its heading to the next one.
  detailsPanel: function (svg) {
    var panel = document.createElement("div");
    panel.className = "vdetail";
    panel.hidden = true;
    svg.parentNode.parentNode.insertBefore(panel, svg.parentNode.nextSibling);
    return function (id) {
      var target = document.getElementById(id);
      if (!target) return;
      if (target.tagName === "DETAILS") target.open = true;
      panel.innerHTML = "";
      var heading = document.createElement("p");
      heading.className = "note";
      heading.appendChild(document.createTextNode("Details of the selected span ("));
      var link = document.createElement("a");
      link.href = "#" + id;
      link.textContent = "in the span list";
      link.setAttribute("data-list", "");
      heading.appendChild(link);
      heading.appendChild(document.createTextNode("):"));
      panel.appendChild(heading);
      var body = document.createElement(target.tagName === "DETAILS" ? "div" : "pre");
      var node = target.tagName === "DETAILS" ? target.firstChild : target;
      for (; node && !(node !== target && node.nodeName === "B"); node = node.nextSibling) {
        var copy = node.cloneNode(true);
        if (copy.removeAttribute) copy.removeAttribute("id");
        body.appendChild(copy);
      }
      panel.appendChild(body);
      panel.hidden = false;
    };
  },

  // Links to a span (#span-…) outside the span list, such as the failure summary's, call
  // `show(id)` and bring the waterfall into view instead of leaving it.
  keepSpanLinksBeside: function (svg, show) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest('a[href^="#span-"]') : null;
      if (!link || link.hasAttribute("data-list") || link.closest(".spans, .spantext, .vdetail")) return;
      event.preventDefault();
      show(link.getAttribute("href").slice(1));
      svg.parentNode.scrollIntoView({ block: "start" });
    });
  }
};
