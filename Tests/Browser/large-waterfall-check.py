#!/usr/bin/env python3
"""Checks the waterfall of large trace pages (drawn as it scrolls, Templates/trace-large.js) in
headless Chromium through selenium and chromium-driver:
- the page loads (navigation start to the end of the load event) within LIMIT_MS;
- "errors only", scrolled from top to bottom, shows every failed span of the data island, and
  nothing else; "critical path only" likewise every span on the critical path;
- the scrolled space has a row for every span, the bottom shows the last, and the document never
  holds more than a few hundred rows; scrolling 300 px a frame, no frame takes 100 ms;
- collapse all leaves the roots, expand all shows every span again;
- a search finds spans, and nonsense finds none;
- arrow keys move the focus between rows, Enter opens a span's details beside the waterfall;
- a deep link (#span-<id>) to the last span brings its row into view, selected, with its details;
- printing brings back the static drawing (a printout cannot scroll), and it goes again after;
- no message in the console.

Usage: large-waterfall-check.py LIMIT_MS PAGE...
"""
import pathlib
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.keys import Keys

# Decodes the data island's columns, as the page does, and counts the flagged spans.
FLAGGED = """
const data = JSON.parse(document.getElementById("waterfall-data").textContent);
const digits = {};
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach((c, i) => digits[c] = i);
const numbers = text => { const out = []; let value = 0, scale = 1;
  for (const c of text) { const d = digits[c]; if (d >= 32) { value += (d - 32) * scale; scale *= 32; } else { out.push(value + d * scale); value = 0; scale = 1; } }
  return out; };
const flags = numbers(data.f), depth = numbers(data.d);
return {count: flags.length, failed: flags.filter(f => f & 1).length, critical: flags.filter(f => f & 2).length,
        roots: depth.filter(d => d === 0).length, lastId: data.ids.split(",").pop()};
"""

# Scrolls the waterfall from top to bottom, collecting the rows drawn: [all, failed, critical, most at once].
SWEEP = """
const done = arguments[arguments.length - 1];
const scroller = document.querySelector(".vscroll");
const seen = new Set(), failed = new Set(), critical = new Set();
let most = 0;
scroller.scrollTop = 0;
function step() {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const rows = document.querySelectorAll("svg.vrows g.row");
    most = Math.max(most, rows.length);
    rows.forEach(row => { const i = row.getAttribute("data-i"); seen.add(i);
      if (row.classList.contains("err")) failed.add(i); if (row.querySelector("rect.cp")) critical.add(i); });
    if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) return done([seen.size, failed.size, critical.size, most]);
    scroller.scrollTop += scroller.clientHeight;
    step();
  }));
}
step();
"""

# Jumps to the middle and the bottom of the waterfall: [rows of room, last row drawn, most rows at once].
JUMPS = """
const done = arguments[arguments.length - 1];
const scroller = document.querySelector(".vscroll"), rows = document.querySelector("svg.vrows");
// A row's height on screen: the drawing is scaled to the width of its box.
const rowHeight = document.querySelector("svg.waterfall").getAttribute("data-rh") * rows.getBoundingClientRect().width / rows.getAttribute("width");
const room = Math.round(document.querySelector(".vspace").getBoundingClientRect().height / rowHeight);
let most = 0;
const spots = [scroller.scrollHeight / 2, scroller.scrollHeight];
function next() {
  if (!spots.length) {
    const rows = document.querySelectorAll("svg.vrows g.row");
    return done([room, Number(rows[rows.length - 1].getAttribute("data-i")), most]);
  }
  scroller.scrollTop = spots.shift();
  requestAnimationFrame(() => requestAnimationFrame(() => {
    most = Math.max(most, document.querySelectorAll("svg.vrows g.row").length);
    next();
  }));
}
next();
"""

# Scrolls 300 px a frame for 120 frames: the longest time between two frames, in ms.
SMOOTH = """
const done = arguments[arguments.length - 1];
const scroller = document.querySelector(".vscroll");
scroller.scrollTop = 0;
let last = null, longest = 0, frames = 0;
function frame(now) {
  if (last !== null) longest = Math.max(longest, now - last);
  last = now;
  if (++frames > 120) return done(longest);
  scroller.scrollTop += 300;
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
"""


def main():
    limit = float(sys.argv[1])
    pages = [pathlib.Path(page).resolve() for page in sys.argv[2:]]
    options = Options()
    for argument in ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1440,1000"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.set_script_timeout(300)
    problems = []
    try:
        for page in pages:
            def check(ok, what):
                if not ok:
                    problems.append(f"{page.name}: {what}")
            driver.get(page.as_uri())
            loaded = driver.execute_script("return performance.getEntriesByType('navigation')[0].loadEventEnd")
            check(loaded < limit, f"loaded in {loaded:.0f} ms, over {limit:.0f} ms")
            expected = driver.execute_script(FLAGGED)
            check(expected["failed"] > 0, "the trace has no failed span to look for")

            def click(name):
                driver.execute_script(f"document.querySelector('.controls [name={name}]').click()")

            click("errors")
            seen, failed, _, most = driver.execute_async_script(SWEEP)
            check(seen == expected["failed"] and failed == expected["failed"],
                  f"errors only showed {seen} rows, {failed} failed, of {expected['failed']} failed spans")
            click("errors")
            click("path")
            seen, _, critical, _ = driver.execute_async_script(SWEEP)
            check(seen == expected["critical"] and critical == expected["critical"],
                  f"critical path only showed {seen} rows, {critical} marked, of {expected['critical']} spans on it")
            click("path")
            # Every span: the scrolled space holds them all, the bottom shows the last, and the
            # document holds only the rows near the view.
            most = driver.execute_async_script(JUMPS)
            check(most[0] == expected["count"], f"the waterfall has room for {most[0]} of {expected['count']} rows")
            check(most[1] == expected["count"] - 1, f"scrolled to the bottom, the last row drawn is span {most[1]}")
            check(most[2] < 400, f"{most[2]} rows in the document at once")
            most = most[2]
            time.sleep(0.5)  # a moment for the collector after the sweeps above
            smooth = driver.execute_async_script(SMOOTH)
            check(smooth < 100, f"scrolling took {smooth:.0f} ms for one frame")
            click("collapse")
            seen, _, _, _ = driver.execute_async_script(SWEEP)
            check(seen == expected["roots"], f"collapse all left {seen} rows, not the {expected['roots']} roots")
            click("expand")
            search = driver.find_element("css selector", ".controls input[type=search]")
            search.send_keys("payments")
            hits = driver.execute_script("return document.querySelector('.controls .hits').textContent")
            check(hits.endswith("matches") and not hits.startswith("0 "), f"searching for payments: {hits!r}")
            check(len(driver.find_elements("css selector", "svg.vrows g.row.hit")) > 0, "no matching row drawn")
            search.clear()
            search.send_keys("no-such-text-anywhere")
            hits = driver.execute_script("return document.querySelector('.controls .hits').textContent")
            check(hits == "0 matches", f"nonsense found {hits!r}")
            search.clear()
            search.send_keys(Keys.BACKSPACE)
            # The keyboard: focus the first row, move down, open its details.
            driver.execute_script("document.querySelector('.vscroll').scrollTop = 0")
            time.sleep(0.2)
            first = driver.find_element("css selector", "svg.vrows g.row")
            first_index = first.get_attribute("data-i")
            driver.execute_script("arguments[0].focus()", first)
            driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
            focused = driver.switch_to.active_element.get_attribute("data-i")
            check(focused is not None and focused != first_index, f"ArrowDown left the focus on {focused}")
            driver.switch_to.active_element.send_keys(Keys.ENTER)
            check(driver.execute_script("const d = document.querySelector('.vdetail'); return !d.hidden && d.textContent.length > 20"),
                  "Enter opened no details beside the waterfall")
            # A deep link to the last span.
            driver.execute_script("location.hash = arguments[0]", "#span-" + expected["lastId"])
            time.sleep(0.5)
            selected = driver.execute_script(
                "const row = document.querySelector('svg.vrows g.row.selected'); return row && row.getAttribute('data-s');")
            check(selected == expected["lastId"], f"the deep link selected {selected!r}, not {expected['lastId']!r}")
            # Printing brings back the static drawing (a printout cannot scroll), and then goes away.
            printed = driver.execute_script(
                "window.dispatchEvent(new Event('beforeprint'));"
                "const rows = document.querySelectorAll('svg.waterfall:not(.vrows) g.row').length;"
                "const hidden = document.querySelector('.vscroll').hidden;"
                "window.dispatchEvent(new Event('afterprint'));"
                "return [rows, hidden, document.querySelectorAll('svg.waterfall:not(.vrows) g.row').length];")
            check(printed[0] > 0 and printed[1] and printed[2] == 0, f"printing: {printed}")
            for entry in driver.get_log("browser"):
                problems.append(f"{page.name}: console: {entry['message'][:200]}")
            print(f"{page.name}: {expected['count']} spans loaded in {loaded:.0f} ms; errors only reached "
                  f"{expected['failed']} failed spans; at most {most} rows in the document; longest frame while "
                  f"scrolling {smooth:.0f} ms")
    finally:
        driver.quit()
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(f"large waterfall check: {len(problems)} problems")


if __name__ == "__main__":
    main()
