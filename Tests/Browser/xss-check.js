// Appended to a copy of a page whose Content-Security-Policy was removed: any injected payload
// that runs sets window.__xss (or changes the title). After the page has settled, the title says
// whether one ran: PASS or FAIL.
setTimeout(function () {
  document.title = window.__xss || document.title === "XSS" ? "FAIL" : "PASS";
}, 1000);
