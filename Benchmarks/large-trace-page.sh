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
rm -rf "$work"
