// Appended to a copy of a page (its Content-Security-Policy removed): once the page has loaded,
// sets the title to "LOADED <ms>", navigation start to the end of the load event as Navigation
// Timing measures it (the page's own scripts, such as the index's finder, run before that).
window.addEventListener("load", function () {
  setTimeout(function () {
    var timing = performance.getEntriesByType("navigation")[0];
    document.title = "LOADED " + Math.round(timing.loadEventEnd);
  }, 0);
});
