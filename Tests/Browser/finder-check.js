// Appended to a copy of an index page (its Content-Security-Policy removed): drives the trace
// finder and checks each filter against the data island, then sets the title to PASS or
// "FAIL: <what>".
setTimeout(function () {
  var failures = [];
  function check(what, ok) { if (!ok) failures.push(what); }
  var data = JSON.parse(document.getElementById("trace-data").textContent);
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
  reset();
  set("text", "no trace has this text");
  check("nothing found", shown() === 0 && rows.length === 0);
  document.title = failures.length ? "FAIL: " + failures.join(", ") : "PASS";
}, 500);
