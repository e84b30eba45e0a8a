// The trace finder: filters every trace read (from the page's JSON data island, not only those
// with a page) by service, root operation, duration range, errors and free text, and sorts the
// matches. Without this script the finder stays hidden; the list pages (all-traces-N.html) hold every trace.
(function () {
  var island = document.getElementById("trace-data");
  var form = document.getElementById("finder");
  if (!island || !form) return;
  var table = document.getElementById("finder-results");
  var count = document.getElementById("finder-count");
  var shown = 200;
  var sortKey = 1, descending = false;

  // The island holds columns (see IndexPage.traceData in the sources); rows are rebuilt here as
  // [position, start ms since the epoch, duration µs, operation, errors, spans, has page, [services]]
  // and ids are decoded only when shown or searched (idOf).
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT = {};
  for (var d = 0; d < 64; d++) DIGIT[ALPHABET.charCodeAt(d)] = d;

  // Base64 variable-length quantities: five bits a character, least significant first, 32 set on
  // every character but a number's last.
  function numbers(text) {
    var out = [], value = 0, scale = 1;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT[text.charCodeAt(i)];
      value += (digit & 31) * scale;
      if (digit & 32) { scale *= 32; } else { out.push(value); value = 0; scale = 1; }
    }
    return out;
  }

  // Positions written as steps from the previous one (the first from -1).
  function positions(text) {
    var at = -1;
    return numbers(text).map(function (step) { at += step; return at; });
  }

  var ids = [];
  function idOf(t) {
    var id = ids[t[0]];
    if (id === undefined) {
      var bytes = atob(data.ids.substr(22 * t[0], 22).replace(/-/g, "+").replace(/_/g, "/") + "==");
      id = "";
      for (var b = 0; b < bytes.length; b++) id += (bytes.charCodeAt(b) + 256).toString(16).slice(1);
      ids[t[0]] = id;
    }
    return id;
  }

  function decode(island) {
    var dt = numbers(island.dt), us = numbers(island.us), op = numbers(island.op);
    var spans = numbers(island.n), sets = numbers(island.ss);
    var errors = new Array(us.length).fill(0), counts = numbers(island.errors);
    positions(island.failed).forEach(function (at, k) { errors[at] = counts[k]; });
    var paged = new Array(us.length).fill(island.paged === true);
    if (island.paged !== true) positions(island.paged).forEach(function (at) { paged[at] = true; });
    var traces = [], start = island.t0;
    for (var i = 0; i < us.length; i++) {
      start += dt[i];
      traces.push([i, start, us[i], op[i], errors[i], spans[i], paged[i],
        island.serviceSets[sets[i]], sets[i]]);
    }
    return { services: island.services, operations: island.operations, serviceSets: island.serviceSets, ids: island.ids, traces: traces };
  }

  var data = decode(JSON.parse(island.textContent));
  // Lower-cased names for the text filter, worked out once.
  var operationText = data.operations.map(function (name) { return name.toLowerCase(); });
  var setText = data.serviceSets.map(function (set) {
    return set.map(function (s) { return data.services[s].toLowerCase(); }).join(" ");
  });

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
      // t: [position, start ms, duration µs, operation, errors, spans, has page, [services], service set]
      if (service !== "" && t[7].indexOf(Number(service)) < 0) return false;
      if (operation !== "" && t[3] !== Number(operation)) return false;
      if (!isNaN(min) && t[2] < min * 1000) return false;
      if (!isNaN(max) && t[2] > max * 1000) return false;
      if (errorsOnly && t[4] === 0) return false;
      if (text) {
        if (operationText[t[3]].indexOf(text) < 0 && setText[t[8]].indexOf(text) < 0 && idOf(t).indexOf(text) < 0) return false;
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
      var order = a[sortKey] - b[sortKey] || a[0] - b[0];
      return descending ? -order : order;
    });
    count.textContent = found.length + " of " + data.traces.length + " traces" +
      (found.length > shown ? " (the first " + shown + " shown)" : "");
    var body = table.tBodies[0];
    body.textContent = "";
    found.slice(0, shown).forEach(function (t) {
      var row = body.insertRow();
      if (t[4] > 0) row.className = "err";
      var start = new Date(t[1]).toISOString().replace("T", " ").replace("Z", "");
      var cells = [start, data.operations[t[3]], duration(t[2]), String(t[5]), String(t[4])];
      cells.forEach(function (text, index) {
        var cell = row.insertCell();
        if (index >= 2) cell.className = "num";
        if (index === 1 && t[6]) {
          var link = document.createElement("a");
          link.href = "traces/" + idOf(t) + ".html";
          link.textContent = text;
          cell.appendChild(link);
        } else if (index === 1) {
          // No page: the id, to hand to `tracereport trace`.
          cell.textContent = text + " ";
          var id = document.createElement("span");
          id.className = "mono";
          id.textContent = idOf(t);
          id.title = "No page was written for this trace: tracereport trace --trace-id " + idOf(t) + " INPUT... writes one";
          cell.appendChild(id);
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
