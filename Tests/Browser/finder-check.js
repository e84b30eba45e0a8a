// Appended to a copy of an index page (its Content-Security-Policy removed): drives the trace
// finder and checks each filter against the data island, then sets the title to PASS or
// "FAIL: <what>".
setTimeout(function () {
  var failures = [];
  function check(what, ok) { if (!ok) failures.push(what); }
  // Decodes the island's columns on its own (not with the page's decoder): rows
  // [hex id, start ms, duration µs, operation, errors, spans, has page, [services]].
  var island = JSON.parse(document.getElementById("trace-data").textContent);
  var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  function hexOf(text) {
    var bits = "", hex = "";
    for (var c = 0; c < text.length; c++) bits += (alphabet.indexOf(text[c]) + 64).toString(2).slice(1);
    for (var h = 0; h < 32; h++) hex += parseInt(bits.substr(4 * h, 4), 2).toString(16);
    return hex;
  }
  function column(text) {
    var values = [], digits = [];
    text.split("").forEach(function (character) {
      var digit = alphabet.indexOf(character);
      digits.push(digit % 32);
      if (digit < 32) {
        values.push(digits.reduceRight(function (sum, d) { return sum * 32 + d; }, 0));
        digits = [];
      }
    });
    return values;
  }
  function atPositions(text) {
    var set = {}, at = -1;
    column(text).forEach(function (step) { at += step; set[at] = true; });
    return set;
  }
  var us = column(island.us), dt = column(island.dt), op = column(island.op), n = column(island.n), ss = column(island.ss);
  var pagedAt = island.paged === true ? null : atPositions(island.paged);
  var errorsAt = {}, failedSteps = column(island.failed), counts = column(island.errors), at = -1;
  failedSteps.forEach(function (step, k) { at += step; errorsAt[at] = counts[k]; });
  var data = { services: island.services, operations: island.operations, traces: [] };
  var start = island.t0;
  for (var i = 0; i < us.length; i++) {
    start += dt[i];
    data.traces.push([hexOf(island.ids.substr(22 * i, 22)), start, us[i], op[i], errorsAt[i] || 0, n[i],
      pagedAt === null || pagedAt[i] === true, island.serviceSets[ss[i]]]);
  }
  check("one id per trace", island.ids.length === 22 * us.length);
  check("columns complete", [dt, op, n, ss].every(function (c) { return c.length === us.length; }));
  check("an error count per failed trace", failedSteps.length === counts.length);
  var form = document.getElementById("finder");
  var count = document.getElementById("finder-count");
  function shown() { return parseInt(count.textContent, 10); }
  function set(name, value) {
    var field = form.elements[name];
    if (field.type === "checkbox") field.checked = value; else field.value = value;
    form.dispatchEvent(new Event("input"));
  }
  function reset() { ["service", "operation", "min", "max", "text"].forEach(function (n) { form.elements[n].value = ""; }); set("errors", false); }

  check("the finder is shown", !form.hidden && !document.getElementById("finder-results").hidden);
  check("all traces at first", shown() === data.traces.length);
  set("errors", true);
  check("errors only", shown() === data.traces.filter(function (t) { return t[4] > 0; }).length);
  reset();
  set("service", "0");
  check("by service", shown() === data.traces.filter(function (t) { return t[7].indexOf(0) >= 0; }).length);
  reset();
  set("operation", String(data.operations.length - 1));
  check("by root operation", shown() === data.traces.filter(function (t) { return t[3] === data.operations.length - 1; }).length);
  reset();
  var durations = data.traces.map(function (t) { return t[2]; }).sort(function (a, b) { return a - b; });
  var middle = durations[Math.floor(durations.length / 2)] / 1000;
  set("min", String(middle));
  check("from a duration", shown() === data.traces.filter(function (t) { return t[2] >= middle * 1000; }).length);
  set("max", String(middle));
  check("a duration range", shown() === data.traces.filter(function (t) { return t[2] === middle * 1000 || (t[2] >= middle * 1000 && t[2] <= middle * 1000); }).length);
  reset();
  set("text", data.traces[0][0].slice(0, 12));
  check("by id text", shown() === data.traces.filter(function (t) { return t[0].indexOf(data.traces[0][0].slice(0, 12)) >= 0; }).length && shown() >= 1);
  var rows = document.getElementById("finder-results").tBodies[0].rows;
  check("rows match the count", rows.length === Math.min(shown(), 200));
  // The first match links to its page exactly when the data says it has one.
  var firstMatch = data.traces.filter(function (t) { return t[0].indexOf(data.traces[0][0].slice(0, 12)) >= 0; })[0];
  var link = rows[0].querySelector("a");
  check("page link as the data says", firstMatch[6] ? (link && link.getAttribute("href") === "traces/" + firstMatch[0] + ".html") : !link);
  reset();
  set("text", "no trace has this text");
  check("nothing found", shown() === 0 && rows.length === 0);
  document.title = failures.length ? "FAIL: " + failures.join(", ") : "PASS";
}, 500);
