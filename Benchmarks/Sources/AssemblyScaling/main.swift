// Times TraceAssembler.assembleTrace on one trace of n spans, for n = 10^4, 10^5, 10^6, in three
// shapes: a chain (each span the child of the one before), a fan-out (one root, n - 1 children)
// and a random tree (each span the child of a random earlier one), spread over 8 hosts with
// clock skew, so that every stage runs. Prints nanoseconds per span: flat or slowly rising
// figures mean O(n log n) or better.
// Run: swift run -c release --package-path Benchmarks AssemblyScaling
import Dispatch
import TestSupport
import TraceAssembly
import TraceModel

let hosts = (0..<8).map { index in
    Resource(attributes: [
        Attribute(key: "service.name", value: .string("service-\(index)")),
        Attribute(key: "host.name", value: .string("host-\(index)")),
    ])
}

func spans(_ count: Int, shape: String) -> [Span] {
    var random = SplitMix64(seed: 42)
    return (0..<count).map { index in
        let parent: Int? =
            switch shape {
            case "chain": index == 0 ? nil : index - 1
            case "fan-out": index == 0 ? nil : 0
            default: index == 0 ? nil : Int(random.next() % UInt64(index))
            }
        let start = 1_000_000_000 + UInt64(index) * 1_000 + random.next() % 5_000_000  // skewed clocks
        return Span(
            traceID: TraceID(high: 1, low: 1), spanID: SpanID(UInt64(index + 1)), parentSpanID: parent.map { SpanID(UInt64($0 + 1)) },
            name: "op-\(index % 50)", kind: index % 2 == 0 ? .server : .client, startTimeUnixNano: start,
            endTimeUnixNano: start + 1_000 + random.next() % 1_000_000, resource: hosts[index % hosts.count])
    }
}

/// `text` left-aligned in `width` characters.
func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }

print(pad("shape", 8), pad("spans", 9), pad("best of 3", 11), "ns/span")
for shape in ["chain", "fan-out", "random"] {
    for count in [10_000, 100_000, 1_000_000] {
        let input = spans(count, shape: shape)
        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            let trace = TraceAssembler().assembleTrace(TraceID(high: 1, low: 1), input)
            precondition(trace.spans.count == count)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
        }
        print(pad(shape, 8), pad(String(count), 9), pad("\(Int(best / 1e6)) ms", 11), Int(best / Double(count)))
    }
}
