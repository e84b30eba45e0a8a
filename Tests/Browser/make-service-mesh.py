"""Writes traffic through a mesh of SERVICES services as OTLP JSON lines, for the graph checks:
python3 Tests/Browser/make-service-mesh.py SERVICES TRACES OUT.jsonl

The services sit in about sqrt(SERVICES) tiers; each calls two or three services of deeper tiers
(some skipping tiers), a few call back up (cycles), one in eight publishes to a queue read by
another (asynchronous edges), one in five has a database the traces name but do not trace; its
namespace (service.namespace) is the second half of its name. Every
span carries values of its own (ids, URLs with ids, SQL with literals). Service s3 fails one call
in four, so its callers' edges and its node show errors."""
import json
import math
import random
import sys

services, count, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
random.seed(services * 7919 + count)
base = 1795478400_000_000_000
hour = 3_600_000_000_000
names = ["s%d-%s" % (i, random.choice(["api", "orders", "billing", "search", "catalog", "auth", "ledger", "notify"]))
         for i in range(services)]
tiers = max(2, round(math.sqrt(services)))
tier = [min(tiers - 1, i * tiers // services) for i in range(services)]
callees = []
for i in range(services):
    deeper = [j for j in range(services) if tier[j] > tier[i]]
    near = [j for j in deeper if tier[j] == tier[i] + 1] or deeper
    chosen = set(random.sample(near, min(len(near), random.choice([2, 2, 3])))) if near else set()
    if deeper and random.random() < 0.3:
        chosen.add(random.choice(deeper))
    if tier[i] > 1 and random.random() < 0.05:
        chosen.add(random.choice([j for j in range(services) if tier[j] < tier[i]]))
    callees.append(sorted(chosen))
queues = {i: random.choice([j for j in range(services) if j != i]) for i in range(services) if i % 8 == 5}
databases = {i: random.choice(["postgresql", "mysql", "redis", "mongodb"]) for i in range(services) if i % 5 == 2}


def attribute(key, value):
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": value}}


def span(trace, number, parent, name, kind, start, end, attributes, failed=False):
    record = {"traceId": trace, "spanId": "%016x" % number, "name": name, "kind": kind,
              "startTimeUnixNano": str(start), "endTimeUnixNano": str(end), "attributes": attributes}
    if parent:
        record["parentSpanId"] = "%016x" % parent
    if failed:
        record["status"] = {"code": 2, "message": "backend %d unavailable" % number}
    return record


next_id = 1
with open(out, "w", encoding="utf-8") as file:
    for number in range(count):
        trace = "%032x" % random.getrandbits(128)
        entries = [i for i in range(services) if tier[i] == 0]
        entry = entries[number % len(entries)] if number % 3 else number // 3 % services
        start = base + number * (8 * hour // count)
        by_service = {}
        # An explicit stack, not recursion: (service, parent span id, start, duration, depth).
        stack = [(entry, 0, start, int(1_000_000 * 10 ** random.uniform(1, 3)), 0)]
        while stack:
            service, parent, begin, duration, depth = stack.pop()
            order = random.randrange(10**9)
            next_id += 1
            server = next_id
            failed = service == 3 and random.random() < 0.25
            spans = by_service.setdefault(service, [])
            spans.append(span(trace, server, parent, "GET /%s/{id}" % names[service], 2,
                              begin, begin + duration,
                              [attribute("http.route", "/%s/{id}" % names[service]),
                               attribute("url.path", "/%s/%d" % (names[service], order)),
                               attribute("order.id", "ord-%d-%d" % (number, order))], failed))
            if depth >= 8:
                continue
            targets = random.sample(callees[service], min(len(callees[service]), 2 if depth < 2 else 1))
            slot = duration // (len(targets) + 2)
            for index, target in enumerate(targets):
                next_id += 1
                client = next_id
                call_start = begin + slot * (index + 1) // 2 + slot // 4
                spans.append(span(trace, client, server, "call " + names[target], 3, call_start, call_start + slot,
                                  [attribute("peer.service", names[target])]))
                stack.append((target, client, call_start + slot // 20, slot * 9 // 10, depth + 1))
            if service in databases:
                next_id += 1
                statement = "SELECT * FROM t%d WHERE id = %d" % (service, order)
                spans.append(span(trace, next_id, server, "SELECT t%d" % service, 3, begin + duration // 3,
                                  begin + duration // 2,
                                  [attribute("db.system", databases[service]), attribute("db.statement", statement),
                                   attribute("db.name", "db-%s" % names[service])]))
            if service in queues and depth < 5:
                next_id += 1
                producer = next_id
                spans.append(span(trace, producer, server, "publish q%d" % service, 4, begin + duration // 2,
                                  begin + duration // 2 + 50_000, [attribute("messaging.system", "kafka"),
                                                                   attribute("messaging.destination.name", "q%d" % service)]))
                next_id += 1
                consumer = queues[service]
                by_service.setdefault(consumer, []).append(
                    span(trace, next_id, producer, "process q%d" % service, 5, begin + duration, begin + duration + 2_000_000,
                         [attribute("messaging.system", "kafka"), attribute("messaging.destination.name", "q%d" % service)]))
        batch = {"resourceSpans": [{"resource": {"attributes": [attribute("service.name", names[s]),
                                                                attribute("service.namespace", names[s].split("-")[1])]},
                                    "scopeSpans": [{"spans": spans}]} for s, spans in sorted(by_service.items())]}
        file.write(json.dumps(batch, separators=(",", ":")) + "\n")
