"""Writes one trace of 50,000 spans (or SPANS; 8 services, random tree, a few errors) as OTLP JSON,
for the large-page benchmark and the browser checks:
python3 Benchmarks/make-large-trace.py OUT.json [SPANS]"""
import json
import random
import sys

random.seed(9)
services = ["frontend", "checkout", "cart", "inventory", "payments", "orders", "users", "search"]
operations = ["GET /api/items", "SELECT orders", "cache.get", "POST /checkout", "publish order.created", "render", "SELECT users", "INSERT audit"]
spans, ids = [], []
base = 1795485600_000_000_000
for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 50000):
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
with open(sys.argv[1], "w") as out:
    json.dump({"resourceSpans": batches}, out)
