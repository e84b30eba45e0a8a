// Times ingest without HTML: read and decode every span, assemble the traces (duplicates, clock
// skew, self time, critical path) and build the aggregates (service graph, per-operation and
// per-edge latency sketches): the work a nightly job does before it writes pages, on one core.
// Prints the best of `--repeat` passes (default 3) per stage, the page faults of the first pass
// (memory touched for the first time, which a single run pays for), and apart from the total the
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

/// The best time of a stage over the passes, and its page faults in the first pass.
struct StageFigures {
    var seconds = Double.infinity
    var firstPassFaults: Int?
}

/// Minor page faults so far.
func pageFaults() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_minflt
}

/// Runs `body`, noting its time and page faults in `figures`.
func measure<Result>(_ figures: inout StageFigures, _ body: () -> Result) -> Result {
    let faults = pageFaults()
    let start = DispatchTime.now().uptimeNanoseconds
    let result = body()
    figures.seconds = min(figures.seconds, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    if figures.firstPassFaults == nil { figures.firstPassFaults = pageFaults() - faults }
    return result
}

var decode = StageFigures()
var assemble = StageFigures()
var aggregate = StageFigures()
var health = StageFigures()
var total = StageFigures()
var bytes = 0
var spanCount = 0
var traceCount = 0
for _ in 0..<repeats {
    var passTotal = StageFigures()
    let traces = measure(&passTotal) { () -> [Trace] in
        var inputs = measure(&decode) { InputSet(paths: files) }
        bytes = inputs.outcomes.compactMap(\.summary).reduce(0) { $0 + $1.byteCount }
        spanCount = inputs.spans.count
        // The spans are handed over, not shared: assembly rearranges them without a copy.
        let traces = measure(&assemble) { TraceAssembler().assemble(inputs.takeSpans()) }
        let graph = measure(&aggregate) { ServiceGraph(traces: traces) }
        precondition(!graph.operations.isEmpty)
        return traces
    }
    traceCount = traces.count
    total.seconds = min(total.seconds, passTotal.seconds)
    if total.firstPassFaults == nil { total.firstPassFaults = passTotal.firstPassFaults }
    // The health checks are extra work a site does (not in the total, which matches what the
    // reference script does).
    let findings = measure(&health) { InstrumentationHealth(traces: traces) }
    withExtendedLifetime(findings) {}
    // Traces are freed after the clock stops, as a real run keeps them for its pages.
    withExtendedLifetime(traces) {}
}
let megabytes = Double(bytes) / 1e6
print("input: \(bytes) bytes, \(spanCount) spans, \(traceCount) traces (best of \(repeats); page faults of the first pass)")
for (stage, figures) in [
    ("decode", decode), ("assemble", assemble), ("aggregate", aggregate), ("ingest total", total), ("(health)", health),
] {
    let time = figures.seconds
    print(
        stage + String(repeating: " ", count: 14 - stage.count)
            + "\(Int(time * 1000)) ms  \(Int(megabytes / time)) MB/s  \(Int(Double(spanCount) / time)) spans/s  "
            + "\(figures.firstPassFaults ?? 0) faults")
}
