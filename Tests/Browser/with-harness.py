#!/usr/bin/env python3
"""Copies pages for a browser check: drops each page's Content-Security-Policy (so that the check
script may run beside the page's own) and appends the check script before </body>.
Usage: python3 with-harness.py HARNESS.js OUT_FOLDER PAGE...  (writes OUT_FOLDER/0.html, 1.html, ...)"""
import pathlib
import re
import sys

harness = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")
out = pathlib.Path(sys.argv[2])
for number, page in enumerate(sys.argv[3:]):
    html = pathlib.Path(page).read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html, count=1)
    (out / f"{number}.html").write_text(html.replace("</body>", "<script>" + harness + "</script></body>"), encoding="utf-8")
