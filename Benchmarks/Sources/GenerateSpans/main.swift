// Writes a synthetic span export of about the given size, deterministic from the seed: an online
// shop's calls with fan-out, databases, queues, errors, events, skewed clocks and long values.
// Run: swift run -c release --package-path Benchmarks GenerateSpans FORMAT MEGABYTES OUT [SEED] [--unique]
// FORMAT: otlp-json (JSON lines, one batch per service and trace), otlp-proto, jaeger, zipkin.
// --unique: spans carry values of their own request (order ids, literals in statements, a few
// large bodies), as real exports do (`SyntheticTraces.Options.uniqueValues`).
import Foundation
import TestSupport
import TraceModel

let unique = CommandLine.arguments.contains("--unique")
let arguments = CommandLine.arguments.filter { $0 != "--unique" }
guard arguments.count >= 4, let megabytes = Double(arguments[2]), megabytes > 0 else {
    FileHandle.standardError.write(Data("usage: GenerateSpans otlp-json|otlp-proto|jaeger|zipkin MEGABYTES OUT [SEED] [--unique]\n".utf8))
    exit(64)
}
let format = arguments[1]
let seed = arguments.count > 4 ? UInt64(arguments[4]) ?? 1 : 1
guard ["otlp-json", "otlp-proto", "jaeger", "zipkin"].contains(format) else {
    FileHandle.standardError.write(Data("unknown format \(format)\n".utf8))
    exit(64)
}
guard FileManager.default.createFile(atPath: arguments[3], contents: nil), let output = FileHandle(forWritingAtPath: arguments[3]) else {
    FileHandle.standardError.write(Data("cannot write \(arguments[3])\n".utf8))
    exit(73)
}

let target = Int(megabytes * 1_000_000)
var generator = SyntheticTraces(options: .init(seed: seed, uniqueValues: unique))
var written = 0
var spanCount = 0
var traceCount = 0
var pending = Data()

@MainActor func emit(_ bytes: some Sequence<UInt8>) {
    pending.append(contentsOf: bytes)
    if pending.count > 4_000_000 {
        output.write(pending)
        written += pending.count
        pending.removeAll(keepingCapacity: true)
    }
}

if format == "jaeger" { emit("{\"data\":[".utf8) }
if format == "zipkin" { emit("[\n".utf8) }
while written + pending.count < target {
    let spans = generator.nextTrace()
    spanCount += spans.count
    traceCount += 1
    switch format {
    case "otlp-json":
        // One line per service instance and trace, as batching exporters send them.
        var byResource: [ObjectIdentifier: [Span]] = [:]
        var order: [ObjectIdentifier] = []
        for span in spans {
            let key = ObjectIdentifier(span.resource)
            if byResource[key] == nil { order.append(key) }
            byResource[key, default: []].append(span)
        }
        for key in order { emit((SpanEncoders.otlpJSON(byResource[key]!) + "\n").utf8) }
    case "otlp-proto":
        // Serialized messages concatenate into one message holding all their resource spans.
        emit(SpanEncoders.otlpProtobuf(spans))
    case "jaeger":
        emit(((traceCount > 1 ? ",\n" : "") + SpanEncoders.jaegerTrace(spans)).utf8)
    default:
        emit(((traceCount > 1 ? ",\n" : "") + SpanEncoders.zipkinRecords(spans).joined(separator: ",\n")).utf8)
    }
}
if format == "jaeger" { emit("],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}\n".utf8) }
if format == "zipkin" { emit("\n]\n".utf8) }
output.write(pending)
written += pending.count
try output.close()
print("\(arguments[3]): \(format), \(written) bytes, \(traceCount) traces, \(spanCount) spans, seed \(seed)\(unique ? ", unique values" : "")")
