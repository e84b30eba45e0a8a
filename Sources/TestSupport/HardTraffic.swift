public import TraceModel

/// Generated traffic with what makes reports in parts hard to get right: latencies past the
/// sketches' exact limit, errors, skewed clocks, span ids reused across traces, traces days away
/// from the rest, and spans exported twice.
public enum HardTraffic {
    public static func spans(traces: Int = 1_500, seed: UInt64 = 5) -> [Span] {
        var generator = SyntheticTraces(options: .init(seed: seed, errorRate: 0.05, slowRate: 0.02, skewedClocks: true))
        var spans = (0..<traces).flatMap { _ in generator.nextTrace() }
        for index in stride(from: 600, to: spans.count, by: 97) { spans[index].spanID = spans[index - 500].spanID }
        let farTraces = Set(stride(from: 3, to: spans.count, by: 4_001).map { spans[$0].traceID })
        for index in spans.indices where farTraces.contains(spans[index].traceID) {
            spans[index].startTimeUnixNano += 3 * 86_400_000_000_000
            spans[index].endTimeUnixNano += 3 * 86_400_000_000_000
        }
        spans += stride(from: 11, to: spans.count, by: 1_009).map { spans[$0] }
        return spans
    }
}
