// The trace finder: filters every trace read (from the page's JSON data island, not only those
// with a page) by service, root operation, duration range, errors and free text, and sorts the
// matches. Without this script the page still lists the traces with a page; the finder stays hidden.
(function () {
  var island = document.getElementById("trace-data");
  var form = document.getElementById("finder");
  if (!island || !form) return;
  var data = JSON.parse(island.textContent);
  var table = document.getElementById("finder-results");
  var count = document.getElementById("finder-count");
  var shown = 200;
  var sortKey = 1, descending = false;

  function fill(select, names) {
    names.forEach(function (name, index) {
      var option = document.createElement("option");
      option.value = String(index);
      option.textContent = name;
      select.appendChild(option);
    });
  }
  fill(form.elements.service, data.services);
  fill(form.elements.operation, data.operations);

  function matches() {
    var service = form.elements.service.value, operation = form.elements.operation.value;
    var min = parseFloat(form.elements.min.value), max = parseFloat(form.elements.max.value);
    var errorsOnly = form.elements.errors.checked;
    var text = form.elements.text.value.trim().toLowerCase();
    return data.traces.filter(function (t) {
      // t: [id, start ms, duration µs, operation, errors, spans, has page, [services]]
      if (service !== "" && t[7].indexOf(Number(service)) < 0) return false;
      if (operation !== "" && t[3] !== Number(operation)) return false;
      if (!isNaN(min) && t[2] < min * 1000) return false;
      if (!isNaN(max) && t[2] > max * 1000) return false;
      if (errorsOnly && t[4] === 0) return false;
      if (text) {
        var haystack = t[0] + " " + data.operations[t[3]].toLowerCase() + " " +
          t[7].map(function (s) { return data.services[s].toLowerCase(); }).join(" ");
        if (haystack.indexOf(text) < 0) return false;
      }
      return true;
    });
  }

  function duration(micros) {
    if (micros >= 1e6) return (micros / 1e6).toPrecision(3) + " s";
    if (micros >= 1e3) return (micros / 1e3).toPrecision(3) + " ms";
    return micros + " µs";
  }

  function render() {
    var found = matches();
    found.sort(function (a, b) {
      var order = a[sortKey] - b[sortKey] || (a[0] < b[0] ? -1 : 1);
      return descending ? -order : order;
    });
    count.textContent = found.length + " of " + data.traces.length + " traces" +
      (found.length > shown ? " (the first " + shown + " shown)" : "");
    var body = table.tBodies[0];
    body.textContent = "";
    found.slice(0, shown).forEach(function (t) {
      var row = body.insertRow();
      if (t[4] > 0) row.className = "err";
      var start = new Date(data.start + t[1]).toISOString().replace("T", " ").replace("Z", "");
      var cells = [start, data.operations[t[3]], duration(t[2]), String(t[5]), String(t[4])];
      cells.forEach(function (text, index) {
        var cell = row.insertCell();
        if (index >= 2) cell.className = "num";
        if (index === 1 && t[6]) {
          var link = document.createElement("a");
          link.href = "traces/" + t[0] + ".html";
          link.textContent = text;
          cell.appendChild(link);
        } else {
          cell.textContent = text;
        }
      });
    });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (head) {
    var key = Number(head.dataset.key);
    if (!key) return;
    head.tabIndex = 0;
    head.classList.add("sortable-head");
    function sort() {
      descending = sortKey === key ? !descending : key === 2;
      sortKey = key;
      render();
    }
    head.addEventListener("click", sort);
    head.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
    });
  });
  form.addEventListener("input", render);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  table.hidden = false;
  render();
})();
