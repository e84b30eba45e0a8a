// Times ingest without HTML: read and decode every span, assemble the traces (duplicates, clock
// skew, self time, critical path) and build the aggregates (service graph, per-operation and
// per-edge latency sketches): the work a nightly job does before it writes pages. Best of 3.
// Run: swift run -c release --package-path Benchmarks Ingest FILE...
import Dispatch
import Foundation
import TraceAnalysis
import TraceAssembly
import TraceImport
import TraceModel

let files = Array(CommandLine.arguments.dropFirst())
guard !files.isEmpty else {
    print("usage: Ingest FILE...")
    exit(64)
}

func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

var best = (decode: Double.infinity, assemble: Double.infinity, aggregate: Double.infinity)
var bytes = 0
var spanCount = 0
var traceCount = 0
for _ in 0..<3 {
    var start = DispatchTime.now().uptimeNanoseconds
    var inputs = InputSet(paths: files)
    best.decode = min(best.decode, seconds(since: start))
    bytes = inputs.outcomes.compactMap(\.summary).reduce(0) { $0 + $1.byteCount }
    let spans = inputs.takeSpans()
    spanCount = spans.count

    start = DispatchTime.now().uptimeNanoseconds
    let traces = TraceAssembler().assemble(spans)
    best.assemble = min(best.assemble, seconds(since: start))
    traceCount = traces.count

    start = DispatchTime.now().uptimeNanoseconds
    let graph = ServiceGraph(traces: traces)
    precondition(!graph.operations.isEmpty)
    best.aggregate = min(best.aggregate, seconds(since: start))
    // Traces are freed after the clock stops, as a real run keeps them for its pages.
    withExtendedLifetime(traces) {}
}
let megabytes = Double(bytes) / 1e6
let total = best.decode + best.assemble + best.aggregate
print("input: \(bytes) bytes, \(spanCount) spans, \(traceCount) traces")
for (stage, time) in [("decode", best.decode), ("assemble", best.assemble), ("aggregate", best.aggregate), ("ingest total", total)] {
    let rate = Double(spanCount) / time
    print(
        stage + String(repeating: " ", count: 14 - stage.count)
            + "\(Int(time * 1000)) ms  \(Int(megabytes / time)) MB/s  \(Int(rate)) spans/s")
}
