// Times two ways of turning OTLP protobuf into tracereport's spans, on the same bytes:
//   1. OTLPProtobufDecoder, the project's own wire-format reader;
//   2. swift-protobuf's generated messages (Otlp_TracesData), then a conversion to spans.
// Input: OTLP files given as arguments (any format tracereport reads), or by default
// ../samples/checkout.jsonl copied under fresh trace ids 7,000 times (182,000 spans).
// Run: swift run -c release --package-path Benchmarks ProtobufComparison [FILE...]
import Foundation
import SwiftProtobuf
import TraceImport
import TraceModel

let arguments = Array(CommandLine.arguments.dropFirst())
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let inputSet = InputSet(paths: arguments.isEmpty ? [packageRoot.appendingPathComponent("samples/checkout.jsonl").path] : arguments)
var spans = inputSet.spans
if arguments.isEmpty {
    let base = spans
    spans = (0..<7_000).flatMap { copy in
        base.map { span in
            var moved = span
            moved.traceID = TraceID(high: UInt64(copy + 1), low: span.traceID.low)
            return moved
        }
    }
}

/// The spans as one TracesData message per 200 spans, concatenated (a valid TracesData).
func encode(_ spans: [Span]) throws -> Data {
    func anyValue(_ value: AttributeValue) -> Otlp_AnyValue {
        var out = Otlp_AnyValue()
        switch value {
        case .string(let text): out.stringValue = text
        case .bool(let flag): out.boolValue = flag
        case .int(let number): out.intValue = number
        case .double(let number): out.doubleValue = number
        case .bytes(let bytes): out.bytesValue = Data(bytes)
        case .array(let values): out.arrayValue = .with { $0.values = values.map(anyValue) }
        case .keyValueList(let pairs): out.kvlistValue = .with { $0.values = pairs.map(keyValue) }
        case .empty: break
        }
        return out
    }
    func keyValue(_ attribute: Attribute) -> Otlp_KeyValue {
        .with {
            $0.key = attribute.key
            $0.value = anyValue(attribute.value)
        }
    }
    func bytes(_ id: TraceID) -> Data {
        Data(
            (0..<8).map { UInt8(truncatingIfNeeded: id.high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: id.low >> (56 - 8 * $0)) })
    }
    func bytes(_ id: SpanID) -> Data { Data((0..<8).map { UInt8(truncatingIfNeeded: id.value >> (56 - 8 * $0)) }) }
    var data = Data()
    for start in stride(from: 0, to: spans.count, by: 200) {
        let chunk = spans[start..<min(start + 200, spans.count)]
        let message = Otlp_TracesData.with { traces in
            traces.resourceSpans = chunk.map { span in
                .with { resourceSpans in
                    resourceSpans.resource = .with { $0.attributes = span.resource.attributes.map(keyValue) }
                    resourceSpans.scopeSpans = [
                        .with { scopeSpans in
                            scopeSpans.scope = .with {
                                $0.name = span.scope.name; $0.version = span.scope.version
                            }
                            scopeSpans.spans = [
                                .with {
                                    $0.traceID = bytes(span.traceID)
                                    $0.spanID = bytes(span.spanID)
                                    if let parent = span.parentSpanID { $0.parentSpanID = bytes(parent) }
                                    $0.name = span.name
                                    $0.kind = Int32(span.kind.rawValue)
                                    $0.startTimeUnixNano = span.startTimeUnixNano
                                    $0.endTimeUnixNano = span.endTimeUnixNano
                                    $0.attributes = span.attributes.map(keyValue)
                                    $0.events = span.events.map { event in
                                        .with {
                                            $0.timeUnixNano = event.timeUnixNano
                                            $0.name = event.name
                                            $0.attributes = event.attributes.map(keyValue)
                                        }
                                    }
                                    $0.status = .with {
                                        $0.code = Int32(span.status.code.rawValue); $0.message = span.status.message
                                    }
                                }
                            ]
                        }
                    ]
                }
            }
        }
        data += try message.serializedBytes() as Data
    }
    return data
}

/// swift-protobuf's messages turned into tracereport's spans, so both paths end in the same place.
func convert(_ traces: Otlp_TracesData) -> [Span] {
    func value(_ any: Otlp_AnyValue) -> AttributeValue {
        switch any.value {
        case .stringValue(let text)?: .string(text)
        case .boolValue(let flag)?: .bool(flag)
        case .intValue(let number)?: .int(number)
        case .doubleValue(let number)?: .double(number)
        case .bytesValue(let bytes)?: .bytes([UInt8](bytes))
        case .arrayValue(let array)?: .array(array.values.map(value))
        case .kvlistValue(let list)?: .keyValueList(attributes(list.values))
        case nil: .empty
        }
    }
    func attributes(_ pairs: [Otlp_KeyValue]) -> [Attribute] { pairs.map { Attribute(key: $0.key, value: value($0.value)) } }
    var out: [Span] = []
    for resourceSpans in traces.resourceSpans {
        let resource = Resource(attributes: attributes(resourceSpans.resource.attributes), schemaURL: resourceSpans.schemaURL)
        for scopeSpans in resourceSpans.scopeSpans {
            let scope = InstrumentationScope(name: scopeSpans.scope.name, version: scopeSpans.scope.version)
            for span in scopeSpans.spans {
                out.append(
                    Span(
                        traceID: TraceID(bytes: [UInt8](span.traceID)), spanID: SpanID(bytes: [UInt8](span.spanID)),
                        parentSpanID: span.parentSpanID.isEmpty ? nil : SpanID(bytes: [UInt8](span.parentSpanID)), name: span.name,
                        kind: SpanKind(rawValue: UInt8(clamping: span.kind)) ?? .unspecified,
                        startTimeUnixNano: span.startTimeUnixNano, endTimeUnixNano: span.endTimeUnixNano,
                        status: SpanStatus(
                            code: SpanStatus.Code(rawValue: UInt8(clamping: span.status.code)) ?? .unset, message: span.status.message),
                        attributes: attributes(span.attributes),
                        events: span.events.map {
                            SpanEvent(timeUnixNano: $0.timeUnixNano, name: $0.name, attributes: attributes($0.attributes))
                        },
                        resource: resource, scope: scope))
            }
        }
    }
    return out
}

let data = try encode(spans)
print("input: \(data.count) bytes of OTLP protobuf, \(spans.count) spans")

/// Runs `body` five times and prints the best time.
func measure(_ label: String, _ body: () throws -> Int) rethrows {
    var best = Double.infinity
    var count = 0
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        count = try body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    print(
        String(
            format: "%-44@ best of 5: %.3f s, %6.1f MB/s, %9.0f spans/s", label as NSString, best, Double(data.count) / 1e6 / best,
            Double(count) / best))
}

try measure("own reader (OTLPProtobufDecoder) -> spans") {
    var out: [Span] = []
    try data.withUnsafeBytes { raw in try OTLPProtobufDecoder().decode(raw, file: "benchmark", into: &out) }
    return out.count
}
try measure("swift-protobuf parse only") {
    let parsed = try Otlp_TracesData(serializedBytes: data)
    return parsed.resourceSpans.reduce(0) { $0 + $1.scopeSpans.reduce(0) { $0 + $1.spans.count } }
}
try measure("swift-protobuf parse -> spans") {
    convert(try Otlp_TracesData(serializedBytes: data)).count
}
