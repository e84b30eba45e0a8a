#!/usr/bin/env python3
"""Every link on every page of a site must resolve: relative links to files that exist (and to
ids that exist in them), in-page links to ids on the page; nothing may point off the site.
Usage: python3 check-links.py SITE_FOLDER..."""
import html
import pathlib
import re
import sys
from urllib.parse import unquote

broken, checked = [], 0
ids_of = {}


def ids(page):
    if page not in ids_of:
        ids_of[page] = set(re.findall(r'\sid="([^"]*)"', page.read_text(encoding="utf-8")))
    return ids_of[page]


for site in map(pathlib.Path, sys.argv[1:]):
    for page in sorted(site.rglob("*.html")):
        for link in re.findall(r'\s(?:href|src)="([^"]*)"', page.read_text(encoding="utf-8")):
            link = html.unescape(link)
            checked += 1
            if re.match(r"^[a-z][a-z0-9+.-]*:|^//", link, re.I):
                broken.append(f"{page}: points off the site: {link}")
                continue
            path, _, fragment = link.partition("#")
            target = (page.parent / unquote(path)).resolve() if path else page.resolve()
            if not target.is_file():
                broken.append(f"{page}: no such file: {link}")
            elif fragment and target.suffix == ".html" and unquote(fragment) not in ids(target):
                broken.append(f"{page}: no id {fragment!r} in {target.name}")
            elif site.resolve() not in target.parents and target != site.resolve():
                broken.append(f"{page}: leaves the site: {link}")
print(f"{checked} links checked")
for line in broken[:50]:
    print(line)
sys.exit(1 if broken else 0)
