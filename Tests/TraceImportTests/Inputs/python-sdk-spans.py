"""Writes the same spans twice with the OpenTelemetry Python SDK: as its ConsoleSpanExporter
prints them (with a line of the program's own output between) and as OTLP protobuf (the SDK's
own encoder, what its OTLP exporters send). PythonConsoleTests compares the two readings.

    pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-common
    python3 python-sdk-spans.py OUT_FOLDER
"""
import sys
from pathlib import Path

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Link, Status, StatusCode


class Collecting(SpanExporter):
    def __init__(self):
        self.spans = []

    def export(self, spans):
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS


out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
console = open(out / "python-console.txt", "w")
collected = Collecting()
provider = TracerProvider(resource=Resource.create({"service.name": "checkout", "deployment.environment": "test"}))
provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=console)))
provider.add_span_processor(SimpleSpanProcessor(collected))
tracer = provider.get_tracer("shop.checkout", "1.2.3")

for order in range(3):
    attributes = {"http.request.method": "POST", "order.id": f"ord-{order:04}", "retries": order, "ratio": 0.25 * order,
                  "express": order % 2 == 0, "items": ["book", "lamp"], "counts": [1, 2, 3]}
    with tracer.start_as_current_span("POST /checkout", kind=trace.SpanKind.SERVER, attributes=attributes) as root:
        with tracer.start_as_current_span("SELECT orders", kind=trace.SpanKind.CLIENT,
                                          attributes={"db.query.text": f"SELECT * FROM orders WHERE id = {order}"}):
            pass
        with tracer.start_as_current_span("charge card", kind=trace.SpanKind.CLIENT) as charge:
            charge.add_event("retry", {"attempt": 2, "reason": "timeout"})
            if order == 1:
                charge.set_status(Status(StatusCode.ERROR, "card declined"))
        with tracer.start_as_current_span("publish order", kind=trace.SpanKind.PRODUCER):
            pass
        console.write(f"order {order} placed\n")
        context = root.get_span_context()
    with tracer.start_as_current_span("send receipt", kind=trace.SpanKind.CONSUMER, links=[Link(context, {"why": "receipt"})]) as job:
        job.set_status(Status(StatusCode.OK))
provider.shutdown()
console.close()
(out / "python-sdk.otlp.pb").write_bytes(encode_spans(collected.spans).SerializeToString())
