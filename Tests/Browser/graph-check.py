#!/usr/bin/env python3
"""Checks the dependency graphs of sites as Chromium draws them (through selenium and
chromium-driver), from the geometry of what is on screen at 1,440 px wide:
- no text smaller than 11 px, as drawn;
- no edge label overlapping another label or a node, no two nodes overlapping, every node's text
  inside its box;
- choosing a service with the keyboard (Tab to it, Enter) brings forward it, its callers and its
  callees, and Escape shows all again; the search box finds a service by name;
and at 390 px wide, that no page scrolls sideways (wide tables and charts scroll in their boxes).

Usage: graph-check.py SITE...   (each SITE a folder tracereport wrote)
"""
import pathlib
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

GEOMETRY = """
const problems = [];
const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
let smallest = Infinity, labels = 0, nodes = 0;
document.querySelectorAll("svg.graph").forEach((svg, number) => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  svg.querySelectorAll("text").forEach(text => {
    const size = parseFloat(getComputedStyle(text).fontSize) * scale;
    smallest = Math.min(smallest, size);
    if (size < 10.99) problems.push(`graph ${number}: text "${text.textContent}" drawn at ${size.toFixed(1)} px`);
  });
  const boxes = [...svg.querySelectorAll("g.node")].map(node => ({
    name: node.querySelector("text").textContent, rect: node.querySelector("rect").getBoundingClientRect(),
    texts: [...node.querySelectorAll("text")].filter(text => text.textContent !== "").map(text => text.getBoundingClientRect())}));
  const placed = [...svg.querySelectorAll("text.elabel")].map(text => ({name: text.textContent, rect: text.getBoundingClientRect()}));
  nodes += boxes.length;
  labels += placed.length;
  boxes.forEach((box, index) => {
    box.texts.forEach(text => {
      if (text.left < box.rect.left - 0.5 || text.right > box.rect.right + 0.5)
        problems.push(`graph ${number}: the text of node ${box.name} spills out of its box`);
    });
    boxes.slice(index + 1).forEach(other => {
      if (overlap(box.rect, other.rect)) problems.push(`graph ${number}: nodes ${box.name} and ${other.name} overlap`);
    });
  });
  placed.forEach((label, index) => {
    boxes.forEach(box => {
      if (overlap(label.rect, box.rect)) problems.push(`graph ${number}: label "${label.name}" overlaps node ${box.name}`);
    });
    placed.slice(index + 1).forEach(other => {
      if (overlap(label.rect, other.rect)) problems.push(`graph ${number}: labels "${label.name}" and "${other.name}" overlap`);
    });
  });
});
return {problems, smallest, labels, nodes, graphs: document.querySelectorAll("svg.graph").length};
"""

SIDEWAYS = "return [document.documentElement.scrollWidth, 390];"


def driver_at(width, height):
    options = Options()
    for argument in ["--headless", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def check_choosing(driver, page, problems):
    """On `page` (a services page), Tab to a node with callers or callees, Enter, Escape, search."""
    driver.get(page.as_uri())
    edges = driver.find_elements(By.CSS_SELECTOR, "svg.graph g.edge")
    if not edges:
        return
    target = driver.execute_script(
        "const edge = document.querySelector('svg.graph g.edge');"
        "const to = /(?:^| )to-(\\d+)/.exec(edge.getAttribute('class'))[1];"
        "return document.querySelector('svg.graph g.node-' + to);")
    driver.execute_script("arguments[0].focus()", target)
    if driver.switch_to.active_element != target:
        problems.append(f"{page}: a service in the graph cannot take the keyboard focus")
        return
    target.send_keys(Keys.ENTER)
    state = driver.execute_script(
        "const svg = document.querySelector('svg.graph');"
        "return [svg.classList.contains('focused'), svg.querySelectorAll('g.node.near').length,"
        " document.querySelector('.graphtools .note').textContent, arguments[0].getAttribute('aria-pressed')];", target)
    if not state[0] or state[1] < 2 or "call" not in state[2] or state[3] != "true":
        problems.append(f"{page}: Enter on a service did not bring it and its neighbours forward: {state}")
    target.send_keys(Keys.ESCAPE)
    if driver.execute_script("return document.querySelector('svg.graph').classList.contains('focused')"):
        problems.append(f"{page}: Escape did not show the whole graph again")
    searches = driver.find_elements(By.CSS_SELECTOR, ".graphtools input[type=search]")
    if searches:
        name = driver.execute_script(
            "const nodes = document.querySelectorAll('svg.graph g.node');"
            "return nodes[nodes.length - 1].querySelector('title').textContent.split('\\n')[0];")
        searches[0].send_keys(name + Keys.ENTER)
        found = driver.execute_script(
            "const node = document.querySelector('svg.graph g.node[aria-pressed=true]');"
            "return node && node.querySelector('title').textContent.split('\\n')[0];")
        if found != name:
            problems.append(f"{page}: searching for {name!r} chose {found!r}")


def main():
    sites = [pathlib.Path(site).resolve() for site in sys.argv[1:]]
    problems = []
    wide = driver_at(1440, 900)
    narrow = driver_at(500, 844)
    # A phone's screen: headless Chromium keeps windows at least 500 px wide.
    narrow.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        for site in sites:
            services = sorted(site.glob("services/*.html"))[:20]
            traces = sorted(site.glob("traces/*.html"))[:20]
            pages = [site / "services.html"] + services + traces
            drawn = {"labels": 0, "nodes": 0, "graphs": 0, "smallest": float("inf")}
            for page in pages:
                wide.get(page.as_uri())
                result = wide.execute_script(GEOMETRY)
                problems += [f"{page.relative_to(site.parent)}: {problem}" for problem in result["problems"]]
                for key in ["labels", "nodes", "graphs"]:
                    drawn[key] += result[key]
                drawn["smallest"] = min(drawn["smallest"], result["smallest"])
            check_choosing(wide, site / "services.html", problems)
            lists = sorted(site.glob("*-traces-1.html"))[:1]
            for page in [site / "index.html", site / "services.html", site / "health.html"] + services[:3] + traces[:3] + lists:
                narrow.get(page.as_uri())
                scroll, width = narrow.execute_script(SIDEWAYS)
                if scroll > width:
                    problems.append(f"{page.relative_to(site.parent)}: at 390 px the page is {scroll} px wide")
            print(f"{site.name}: {len(pages)} pages, {drawn['graphs']} graphs, {drawn['nodes']} nodes, "
                  f"{drawn['labels']} edge labels, smallest text {drawn['smallest']:.1f} px")
    finally:
        wide.quit()
        narrow.quit()
    for problem in problems[:40]:
        print(problem)
    if problems:
        sys.exit(f"graph check: {len(problems)} problems")
    print("graph check: no overlap, no text under 11 px, keyboard and search work, nothing wider than 390 px")


if __name__ == "__main__":
    main()
