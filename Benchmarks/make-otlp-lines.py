"""Writes OTLP JSON lines (one ExportTraceServiceRequest per line, the spans of each trace spread
over several lines as a Collector's file exporter writes them), deterministic from a seed, for the
ingest benchmark:  python3 Benchmarks/make-otlp-lines.py MEGABYTES OUT.jsonl [SEED]"""
import json
import random
import sys

megabytes, out_path = float(sys.argv[1]), sys.argv[2]
random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
services = ["gateway", "orders", "inventory", "payments", "users", "search", "cart", "shipping", "email", "recommend"]
hosts = {name: "host-%d" % index for index, name in enumerate(services)}
operations = {name: ["GET /%s/{id}" % name, "POST /%s" % name, "SELECT %s" % name, "cache.get %s" % name] for name in services}


def attributes(operation):
    if operation.startswith("SELECT"):
        return [{"key": "db.system", "value": {"stringValue": "postgresql"}},
                {"key": "db.statement", "value": {"stringValue": "SELECT * FROM %s WHERE id = $1 AND tenant = $2" % operation.split()[1]}}]
    return [{"key": "http.route", "value": {"stringValue": operation.split(" ", 1)[-1]}},
            {"key": "http.response.status_code", "value": {"intValue": str(random.choice([200, 200, 200, 201, 404, 500]))}},
            {"key": "user_agent.original", "value": {"stringValue": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0"}}]


written, trace_number = 0, 0
start = 1795485600_000_000_000
with open(out_path, "w") as out:
    while written < megabytes * 1e6:
        trace_number += 1
        trace_id = "%032x" % (trace_number * 0x9E3779B97F4A7C15 % (1 << 128))
        by_service = {}
        ids = []
        t0 = start + trace_number * 50_000_000
        for index in range(random.randint(20, 100)):
            service = random.choice(services)
            operation = random.choice(operations[service])
            span_start = t0 + index * 100_000
            span = {"traceId": trace_id, "spanId": "%016x" % (trace_number * 1000 + index + 1), "name": operation,
                    "kind": random.choice([2, 3, 1]), "startTimeUnixNano": str(span_start),
                    "endTimeUnixNano": str(span_start + random.randint(50_000, 20_000_000)), "attributes": attributes(operation)}
            if ids:
                span["parentSpanId"] = random.choice(ids[-5:])
            if random.random() < 0.02:
                span["status"] = {"code": 2, "message": "upstream timed out"}
            ids.append(span["spanId"])
            by_service.setdefault(service, []).append(span)
        for service, spans in by_service.items():
            line = json.dumps({"resourceSpans": [{"resource": {"attributes": [
                {"key": "service.name", "value": {"stringValue": service}},
                {"key": "host.name", "value": {"stringValue": hosts[service]}}]},
                "scopeSpans": [{"scope": {"name": "io.opentelemetry.auto", "version": "2.1.0"}, "spans": spans}]}]},
                separators=(",", ":"))
            out.write(line + "\n")
            written += len(line) + 1
