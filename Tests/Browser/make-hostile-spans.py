#!/usr/bin/env python3
"""Writes an OTLP JSON export whose every text channel carries script-injection payloads: service,
operation, attribute keys and values, event names and attributes, status messages, resource and
scope attributes, link attributes, and (through the file name) the inputs table. A payload that
ever runs sets window.__xss and the page title to XSS, which Tests/Browser/xss-check.js detects.
Usage: python3 make-hostile-spans.py OUT_FOLDER   (writes one file there, with a hostile name)"""
import json
import pathlib
import sys

RUN = "window.__xss=1;document.title='XSS'"
PAYLOADS = [
    f"<script>{RUN}</script>",
    f"\"><img src=x onerror=\"{RUN}\">",
    f"'><svg onload=\"{RUN}\">",
    f"javascript:{RUN}",
    f"</style><script>{RUN}</script>",
    f"</script><script>{RUN}</script>",
    f"</title><script>{RUN}</script>",
    f"<svg><foreignObject><body onload=\"{RUN}\"></body></foreignObject></svg>",
    f"x{{background:url(javascript:{RUN})}} expression({RUN})",
    f"a\u2028b\u2029c<!--<script>{RUN}</script>-->",
    f"{{{{{{csp}}}}}} {{{{#x}}}}<b>",
    f"<a href=\"javascript:{RUN}\">click</a>",
    f"<iframe srcdoc=\"<script>{RUN}</script>\"></iframe>",
    f"<math><mtext></mtext><mglyph><style><img src=x onerror=\"{RUN}\">",
]


def kv(key, value):
    return {"key": key, "value": {"stringValue": value}}


spans, trace = [], "0af7651916cd43dd8448eb211c80319c"
for number, payload in enumerate(PAYLOADS, 1):
    span = {
        "traceId": trace, "spanId": "%016x" % number, "name": payload, "kind": 2 if number == 1 else 3,
        "startTimeUnixNano": str(1795478400000000000 + number * 1000000),
        "endTimeUnixNano": str(1795478400000000000 + number * 1000000 + 500000),
        "attributes": [kv(payload, payload), kv("url.full", payload), kv("peer.service", payload), kv("db.statement", payload)],
        "events": [{"timeUnixNano": str(1795478400000000000 + number * 1000000 + 1000), "name": payload,
                    "attributes": [kv(payload, payload)]}],
        "links": [{"traceId": trace, "spanId": "%016x" % 1, "attributes": [kv(payload, payload)]}],
        "status": {"code": 2, "message": payload},
    }
    if number > 1:
        span["parentSpanId"] = "%016x" % (number - 1)
    spans.append(span)
document = {"resourceSpans": [{
    "resource": {"attributes": [kv("service.name", PAYLOADS[0]), kv("host.name", PAYLOADS[1]), kv(PAYLOADS[2], PAYLOADS[3])]},
    "scopeSpans": [{"scope": {"name": PAYLOADS[4], "version": PAYLOADS[5]}, "spans": spans[:7]}]}, {
    "resource": {"attributes": [kv("service.name", PAYLOADS[6]), kv("host.name", "other")]},
    "scopeSpans": [{"scope": {"name": PAYLOADS[7]}, "spans": spans[7:]}]}]}
name = "spans <img src=x onerror=\"" + RUN + "\">.json"
out = pathlib.Path(sys.argv[1]) / name
out.write_text(json.dumps(document), encoding="utf-8")
# Broken UTF-8 in a value too: raw bytes JSON text cannot hold, patched in after encoding.
raw = out.read_bytes().replace(b"click</a>", b"click\xff\xfe</a>", 1)
out.write_bytes(raw)
print(out)
