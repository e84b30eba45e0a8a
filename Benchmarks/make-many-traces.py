"""Writes COUNT small traces over one day as OTLP JSON lines (a front end, a back end, a database
call; 12 services, 40 routes, one trace in 50 failing), for the large-index benchmark and the
browser checks: python3 Benchmarks/make-many-traces.py COUNT OUT.jsonl [CALLS]
With CALLS above 1, the back end makes that many database calls one after the other (traces of
CALLS + 2 spans, for the memory-budget check)."""
import json
import random
import sys

count, out = int(sys.argv[1]), sys.argv[2]
calls = int(sys.argv[3]) if len(sys.argv) > 3 else 1
random.seed(11)
base = 1795478400_000_000_000
day = 86_400_000_000_000
frontends = ["web", "mobile-api", "partner-api"]
backends = ["orders", "users", "search", "cart", "payments", "inventory", "shipping", "reviews", "ads"]


def attribute(key, value):
    return {"key": key, "value": {"stringValue": value}}


with open(out, "w", encoding="utf-8") as file:
    for number in range(count):
        trace = "%032x" % random.getrandbits(128)
        start = base + number * (day // count) + random.randrange(day // count)
        duration = int(1_000_000 * 10 ** random.uniform(0, 3.5))
        front, back = frontends[number % 3], backends[number % 9]
        route = "GET /api/v1/%s/%d" % (back, number % 40 // 3)
        failed = number % 50 == 0
        spans = {
            front: [{"traceId": trace, "spanId": "%016x" % (3 * number + 1), "name": route, "kind": 2,
                     "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + duration),
                     "attributes": [attribute("http.route", route)],
                     "status": {"code": 2, "message": "upstream failed"} if failed else {}}],
            back: [{"traceId": trace, "spanId": "%016x" % (3 * number + 2), "parentSpanId": "%016x" % (3 * number + 1),
                    "name": "handle " + back, "kind": 2, "startTimeUnixNano": str(start + duration // 10),
                    "endTimeUnixNano": str(start + duration * 9 // 10)},
                   {"traceId": trace, "spanId": "%016x" % (3 * number + 3), "parentSpanId": "%016x" % (3 * number + 2),
                    "name": "SELECT " + back, "kind": 3, "startTimeUnixNano": str(start + duration // 5),
                    "endTimeUnixNano": str(start + duration // 2),
                    "attributes": [attribute("db.system", "postgresql")]}],
        }
        for call in range(1, calls):
            step = duration * 3 // 10 // calls
            spans[back].append({"traceId": trace, "spanId": "%016x" % (1 << 48 | number << 12 | call),
                                "parentSpanId": "%016x" % (3 * number + 2), "name": "SELECT " + back, "kind": 3,
                                "startTimeUnixNano": str(start + duration // 2 + call * step),
                                "endTimeUnixNano": str(start + duration // 2 + call * step + step // 2),
                                "attributes": [attribute("db.system", "postgresql")]})
        batch = {"resourceSpans": [{"resource": {"attributes": [attribute("service.name", name)]},
                                    "scopeSpans": [{"spans": spans[name]}]} for name in (front, back)]}
        file.write(json.dumps(batch, separators=(",", ":")) + "\n")
