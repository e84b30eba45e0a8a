#!/usr/bin/env bash
# Measures the page of one 50,000-span trace: bytes of HTML per span, and how long headless
# Chromium takes to open it and draw the first screen (three runs, beside a one-trace page for
# the browser's own start-up time). Needs python3 and Debian's chromium.
# Run from the repository root: bash Benchmarks/large-trace-page.sh
set -euo pipefail
work=$(mktemp -d)
python3 - "$work/trace.json" <<'PY'
import json, random, sys
random.seed(9)
services = ["frontend", "checkout", "cart", "inventory", "payments", "orders", "users", "search"]
operations = ["GET /api/items", "SELECT orders", "cache.get", "POST /checkout", "publish order.created", "render", "SELECT users", "INSERT audit"]
spans, ids = [], []
base = 1795485600_000_000_000
for i in range(50000):
    span_id = "%016x" % (i + 1)
    start, operation = base + i * 20_000, random.choice(operations)
    attributes = [{"key": "http.route", "value": {"stringValue": "/api/v1/items/{id}"}},
                  {"key": "http.response.status_code", "value": {"intValue": "200"}}]
    if "SELECT" in operation or "INSERT" in operation:
        attributes = [{"key": "db.system", "value": {"stringValue": "postgresql"}},
                      {"key": "db.statement", "value": {"stringValue": "SELECT id, total FROM orders WHERE customer_id = $1"}}]
    span = {"traceId": "%032x" % 0x50000, "spanId": span_id, "name": operation, "kind": random.randint(1, 3),
            "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + random.randint(10_000, 5_000_000)), "attributes": attributes}
    if i:
        span["parentSpanId"] = ids[random.randrange(max(0, i - 50), i)]
    if random.random() < 0.01:
        span["status"] = {"code": 2, "message": "boom"}
    spans.append(span)
    ids.append(span_id)
batches = [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": name}},
                                        {"key": "host.name", "value": {"stringValue": "host-%d" % k}}]},
            "scopeSpans": [{"spans": spans[k::8]}]} for k, name in enumerate(services)]
json.dump({"resourceSpans": batches}, open(sys.argv[1], "w"))
PY
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
