// Appended by .ci/run to a copy of a trace page (its Content-Security-Policy removed) and run in
// headless Chromium: exercises the page's script and writes PASS or FAIL: … into the title.
window.addEventListener("load", function () {
  var failures = [];
  function check(ok, what) { if (!ok) failures.push(what); }
  var rows = Array.prototype.slice.call(document.querySelectorAll("svg.waterfall g.row"));
  var controls = document.querySelector(".controls");
  check(rows.length > 0, "no waterfall rows");
  check(controls !== null, "no controls");
  function hiddenRows() { return rows.filter(function (row) { return row.style.display === "none"; }).length; }
  function click(element) { element.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true })); }

  // Collapse and expand the first row that has children.
  for (var index = 0; index + 1 < rows.length; index++) {
    if (Number(rows[index + 1].getAttribute("data-d")) > Number(rows[index].getAttribute("data-d"))) {
      click(rows[index].querySelector("text.lbl"));
      check(hiddenRows() > 0, "collapsing a row hid nothing");
      check(rows[index].classList.contains("collapsed"), "collapsed row not marked");
      click(rows[index].querySelector("text.lbl"));
      check(hiddenRows() === 0, "expanding did not show the rows again");
      break;
    }
  }
  // A click on a row shows its span's details beside the waterfall, and the failure summary's
  // links (on a failed trace) do the same instead of leaving it.
  click(rows[rows.length - 1]);
  var panel = document.querySelector(".vdetail");
  check(panel !== null && !panel.hidden && panel.textContent.length > 20, "a click on a row showed no details beside the waterfall");
  check(rows[rows.length - 1].classList.contains("selected"), "a clicked row is not selected");
  var failureLink = document.querySelector("table.failures a");
  if (failureLink) {
    click(failureLink);
    check(location.hash === "" && document.querySelector("svg.waterfall g.row.selected[data-s='" + failureLink.getAttribute("href").slice(6) + "']") !== null,
      "the failure summary's link did not select its span's row in place");
  }
  if (controls) {
    controls.querySelector("button[name=collapse]").click();
    check(rows.length < 2 || hiddenRows() > 0 || rows.every(function (row) { return row.getAttribute("data-d") === "0"; }), "collapse all hid nothing");
    controls.querySelector("button[name=expand]").click();
    check(hiddenRows() === 0, "expand all left rows hidden");

    // Search for the first row's service.
    var service = rows[0].getAttribute("data-s") ? rows[0].querySelector("text.lbl").textContent.replace("⚠ ", "").split(" ")[0] : "";
    var search = controls.querySelector("input[type=search]");
    search.value = service;
    search.dispatchEvent(new Event("input"));
    check(document.querySelectorAll("g.row.hit").length > 0, "search found nothing for " + service);
    // An attribute value (not shown in any row label) is found too.
    var attribute = document.body.innerHTML.indexOf("postgresql") >= 0 ? "postgresql" : null;
    if (attribute) {
      search.value = attribute;
      search.dispatchEvent(new Event("input"));
      check(document.querySelectorAll("g.row.hit").length > 0, "search found no span by its attributes");
    }
    search.value = "no-such-text-anywhere";
    search.dispatchEvent(new Event("input"));
    check(document.querySelectorAll("g.row.hit").length === 0, "search matched nonsense");
  }

  // Zoom: drag across the right half of the overview; bars move or widen, the ruler is redrawn,
  // and Reset zoom puts every bar back.
  var overview = document.querySelector("svg.overview");
  check(overview !== null, "no overview");
  if (overview) {
    function bars() {
      return rows.map(function (row) { var bar = row.querySelector("rect"); return bar.getAttribute("x") + "/" + bar.getAttribute("width"); }).join(" ");
    }
    var before = bars();
    var box = overview.getBoundingClientRect();
    var svg = document.querySelector("svg.waterfall");
    var left = Number(svg.getAttribute("data-left")) / Number(svg.getAttribute("width")) * box.width + box.left;
    var right = box.right - 10;
    var middle = (left + right) / 2;
    overview.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, clientX: middle, clientY: box.top + 10 }));
    window.dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: right, clientY: box.top + 10 }));
    window.dispatchEvent(new MouseEvent("mouseup", { bubbles: true, clientX: right, clientY: box.top + 10 }));
    check(bars() !== before, "zooming moved no bar");
    check(document.querySelectorAll("svg.waterfall g.ruler text").length > 1, "ruler not redrawn");
    controls.querySelector("button[name=reset]").click();
    check(bars() === before, "reset zoom did not restore the bars");
    // The same with the keyboard: + zooms in, 0 shows the whole trace again.
    overview.dispatchEvent(new KeyboardEvent("keydown", { key: "+", bubbles: true, cancelable: true }));
    check(bars() !== before, "+ on the overview zoomed nothing");
    overview.dispatchEvent(new KeyboardEvent("keydown", { key: "0", bubbles: true, cancelable: true }));
    check(bars() === before, "0 on the overview did not restore the bars");
  }

  // A deep link opens the last row's span and selects its row.
  var last = rows[rows.length - 1];
  var id = "span-" + last.getAttribute("data-s");
  location.hash = "#" + id;
  setTimeout(function () {
    var target = document.getElementById(id);
    check(target !== null, "no element " + id);
    check(target === null || target.tagName !== "DETAILS" || target.open, "deep link did not open " + id);
    check(last.classList.contains("selected"), "deep link did not select its row");
    document.title = failures.length ? "FAIL: " + failures.join("; ") : "PASS";
  }, 100);
});
