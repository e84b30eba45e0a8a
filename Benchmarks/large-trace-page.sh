#!/usr/bin/env bash
# Measures the page of one 50,000-span trace: bytes of HTML per span, and how long headless
# Chromium takes to open it and draw the first screen (three runs, beside a one-trace page for
# the browser's own start-up time). Needs python3 and Debian's chromium.
# Run from the repository root: bash Benchmarks/large-trace-page.sh
set -euo pipefail
work=$(mktemp -d)
python3 Benchmarks/make-large-trace.py "$work/trace.json"
swift build -c release --product tracereport >/dev/null
.build/release/tracereport "$work/trace.json" --output "$work/site" --quiet
page=$(ls "$work"/site/traces/*.html)
bytes=$(stat -c %s "$page")
echo "page: $bytes bytes, $((bytes / 50000)) bytes per span"
.build/release/tracereport samples/checkout.jsonl --output "$work/small" --quiet
small=$(ls "$work"/small/traces/*.html | head -1)
for run in 1 2 3; do
  for target in "$small" "$page"; do
    start=$(date +%s.%N)
    timeout 120 chromium --headless --no-sandbox --disable-gpu --window-size=1280,900 --screenshot="$work/shot.png" "file://$target" >/dev/null 2>&1
    end=$(date +%s.%N)
    label=$([ "$target" = "$page" ] && echo "50,000-span page" || echo "one small page  ")
    echo "run $run  $label  $(python3 -c "print('%.2f s' % ($end - $start))")"
  done
done
# The page's own load time, without the browser's start-up: a copy (without its CSP) reports
# navigation start to the end of the load event, as the browser's Navigation Timing measures it.
python3 - "$page" "$work/timed.html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html, count=1)
probe = ('<script>window.addEventListener("load", function () { setTimeout(function () {'
         ' var t = performance.getEntriesByType("navigation")[0];'
         ' document.title = "LOADED " + Math.round(t.loadEventEnd) + " ms"; }, 0); });</script>')
open(sys.argv[2], "w", encoding="utf-8").write(html.replace("</body>", probe + "</body>"))
PY
for run in 1 2 3; do
  echo "run $run  50,000-span page load (navigation start to load end): $(timeout 120 chromium --headless --no-sandbox --disable-gpu \
    --window-size=1280,900 --virtual-time-budget=3000 --dump-dom "file://$work/timed.html" 2>/dev/null | grep -o 'LOADED [0-9]* ms' | head -1)"
done
rm -rf "$work"
