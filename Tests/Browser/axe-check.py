#!/usr/bin/env python3
"""Runs axe-core's WCAG 2.x A and AA rules on pages in headless Chromium (through selenium and
chromium-driver), in the light and the dark colour scheme, and fails on any violation.

Usage: axe-check.py AXE_MIN_JS PAGE...
AXE_MIN_JS is axe-core's script (.ci/run takes it from the axe-playwright-python wheel).
"""
import pathlib
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def main():
    axe = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")
    pages = [pathlib.Path(page).resolve() for page in sys.argv[2:]]
    options = Options()
    for argument in ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1440,900"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.set_script_timeout(300)
    violations = 0
    try:
        for scheme in ["light", "dark"]:
            driver.execute_cdp_cmd(
                "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            for page in pages:
                driver.get(page.as_uri())
                # The page's CSP does not apply to a script the driver injects.
                driver.execute_script(axe)
                # A large trace's span list (plain text in <pre> blocks, 100,000 spans of it) would
                # take axe minutes: it is left out there, the rest of the page is checked.
                result = driver.execute_async_script(
                    "const done = arguments[arguments.length - 1];"
                    "const context = document.getElementById('waterfall-data') ?"
                    " {include: [['header'], ['main > :not(.spantext)'], ['footer']]} : document;"
                    "axe.run(context, {runOnly: {type: 'tag', values: arguments[0]}})"
                    ".then(r => done({violations: r.violations, passes: r.passes.length}))"
                    ".catch(e => done({error: String(e)}));",
                    RULES)
                if "error" in result:
                    sys.exit(f"{page} ({scheme}): axe failed: {result['error']}")
                if result["passes"] == 0:
                    sys.exit(f"{page} ({scheme}): axe checked nothing")
                for violation in result["violations"]:
                    violations += 1
                    node = violation["nodes"][0]
                    print(f"{page.name} ({scheme}): {violation['id']} ({violation['impact']}), "
                          f"{len(violation['nodes'])} elements, first {node['target']}: "
                          + node.get("failureSummary", "").replace("\n", " ")[:300])
    finally:
        driver.quit()
    print(f"axe-core: {len(pages)} pages, light and dark, {violations} violations")
    if violations:
        sys.exit(1)


if __name__ == "__main__":
    main()
