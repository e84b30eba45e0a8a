// Sorts the rows of every table.sortable when a column heading is clicked (or activated with the
// keyboard), by the cells' data-v numbers where present, else by their text. The tables are
// complete and already sorted without this script: it only lets readers choose another order.
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (head, column) {
    head.tabIndex = 0;
    head.setAttribute("aria-sort", "none");
    head.classList.add("sortable-head");
    function sortByThisColumn() {
      var descending = head.getAttribute("aria-sort") !== "descending";
      Array.prototype.forEach.call(heads, function (other) { other.setAttribute("aria-sort", "none"); });
      head.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[column];
        return cell.dataset.v !== undefined ? Number(cell.dataset.v) : cell.textContent.trim().toLowerCase();
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    head.addEventListener("click", sortByThisColumn);
    head.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        sortByThisColumn();
      }
    });
  });
});
