import Foundation
import Testing
import TraceAnalysis

/// A deterministic source of skewed latencies: log-normal, median about 20 ms, long tail.
struct LogNormalSamples: Sequence, IteratorProtocol {
    var state: UInt64 = 7
    var remaining: Int

    init(count: Int) { remaining = count }

    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 0.5) / Double(1 << 53)
    }

    mutating func next() -> UInt64? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        let normal = (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
        return UInt64(exp(log(20e6) + 1.2 * normal))
    }
}

struct LatencySketchTests {
    @Test func exactForSmallCounts() {
        var sketch = LatencySketch()
        for value in [5, 1, 4, 2, 3] as [UInt64] { sketch.add(value) }
        #expect(sketch.isExact)
        #expect(sketch.quantile(0.5) == 3 && sketch.quantile(0) == 1 && sketch.quantile(1) == 5)
        #expect(LatencySketch().quantile(0.5) == 0)
    }

    @Test(arguments: [0, 1, 7, 2_048, 2_049, 20_000])
    func quantilesTogetherAreEachQuantile(count: Int) {
        var sketch = LatencySketch()
        for value in LogNormalSamples(count: count) { sketch.add(value) }
        let qs = [0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1, 2]
        #expect(sketch.quantiles(qs) == qs.map { sketch.quantile($0) })
    }

    @Test func withinTheStatedErrorOnAMillionSkewedSamples() {
        let values = Array(LogNormalSamples(count: 1_000_000))
        var sketch = LatencySketch()
        for value in values { sketch.add(value) }
        #expect(!sketch.isExact)
        let sorted = values.sorted()
        for q in [0.5, 0.9, 0.95, 0.99, 0.999] {
            let exact = Double(sorted[Int((q * Double(sorted.count - 1)).rounded())])
            let estimate = Double(sketch.quantile(q))
            #expect(abs(estimate - exact) / exact <= LatencySketch.relativeAccuracy, "q \(q): \(estimate) vs \(exact)")
        }
        #expect(sketch.quantile(1) == sorted.last)
        #expect(sketch.count == 1_000_000)
    }

    @Test func mergingShardsGivesTheSameAnswers() {
        let values = Array(LogNormalSamples(count: 50_000))
        var whole = LatencySketch()
        var left = LatencySketch()
        var right = LatencySketch()
        for (index, value) in values.enumerated() {
            whole.add(value)
            if index % 2 == 0 { left.add(value) } else { right.add(value) }
        }
        left.merge(right)
        for q in [0.5, 0.95, 0.99] { #expect(left.quantile(q) == whole.quantile(q)) }
        #expect(left.count == whole.count && left.maximum == whole.maximum)
    }
}
