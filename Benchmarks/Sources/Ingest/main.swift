// Times ingest without HTML: read and decode every span, assemble the traces (duplicates, clock
// skew, self time, critical path) and build the aggregates (service graph, per-operation and
// per-edge latency sketches): the work a nightly job does before it writes pages, on one core.
// Prints the best of `--repeat` passes (default 3) per stage, and apart from the total the
// instrumentation health checks a site adds.
// Run: swift run -c release --package-path Benchmarks Ingest [--repeat N] FILE...
import Dispatch
import Foundation
import TraceAnalysis
import TraceAssembly
import TraceImport
import TraceModel

var arguments = Array(CommandLine.arguments.dropFirst())
var repeats = 3
if arguments.first == "--repeat", arguments.count > 1, let count = Int(arguments[1]), count > 0 {
    repeats = count
    arguments.removeFirst(2)
}
let files = arguments
guard !files.isEmpty else {
    print("usage: Ingest [--repeat N] FILE...")
    exit(64)
}

func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

var best = (decode: Double.infinity, assemble: Double.infinity, aggregate: Double.infinity, total: Double.infinity)
var bestHealth = Double.infinity
var bytes = 0
var spanCount = 0
var traceCount = 0
for _ in 0..<repeats {
    var start = DispatchTime.now().uptimeNanoseconds
    var inputs = InputSet(paths: files)
    let decode = seconds(since: start)
    bytes = inputs.outcomes.compactMap(\.summary).reduce(0) { $0 + $1.byteCount }
    let spans = inputs.takeSpans()
    spanCount = spans.count

    start = DispatchTime.now().uptimeNanoseconds
    let traces = TraceAssembler().assemble(spans)
    let assemble = seconds(since: start)
    traceCount = traces.count

    start = DispatchTime.now().uptimeNanoseconds
    let graph = ServiceGraph(traces: traces)
    precondition(!graph.operations.isEmpty)
    let aggregate = seconds(since: start)
    // The health checks are extra work a site does (not in the total, which matches what the
    // reference script does).
    start = DispatchTime.now().uptimeNanoseconds
    let health = InstrumentationHealth(traces: traces)
    bestHealth = min(bestHealth, seconds(since: start))
    withExtendedLifetime(health) {}
    // Traces are freed after the clock stops, as a real run keeps them for its pages.
    withExtendedLifetime(traces) {}
    best = (
        min(best.decode, decode), min(best.assemble, assemble), min(best.aggregate, aggregate),
        min(best.total, decode + assemble + aggregate)
    )
}
let megabytes = Double(bytes) / 1e6
print("input: \(bytes) bytes, \(spanCount) spans, \(traceCount) traces (best of \(repeats))")
for (stage, time) in [
    ("decode", best.decode), ("assemble", best.assemble), ("aggregate", best.aggregate), ("ingest total", best.total),
    ("(health)", bestHealth),
] {
    let rate = Double(spanCount) / time
    print(
        stage + String(repeating: " ", count: 14 - stage.count)
            + "\(Int(time * 1000)) ms  \(Int(megabytes / time)) MB/s  \(Int(rate)) spans/s")
}
