import Testing
import TraceModel

/// The arithmetic for values from input files stops at the bounds instead of trapping.
struct SaturatingTests {
    @Test func sumsDifferencesAndProductsStopAtTheBounds() {
        #expect(UInt64.max.saturatingAdding(1) == .max)
        #expect(UInt64(3).saturatingSubtracting(5) == 0)
        #expect(UInt64(1 << 40).saturatingMultiplied(by: 1 << 40) == .max)
        #expect(Int64.max.saturatingAdding(1) == .max)
        #expect(Int64.min.saturatingAdding(-1) == .min)
        #expect(Int64.min.saturatingSubtracting(1) == .min)
        #expect(Int64.max.saturatingSubtracting(-1) == .max)
        #expect(Int64(-3).saturatingMultiplied(by: .max) == .min)
        #expect(Int64(5).saturatingAdding(-7) == -2)
        #expect([UInt64.max, 1, 2].saturatingSum() == .max)
        #expect([1, 2, 3].saturatingSum() == 6)
    }

    @Test func doublesBecomeTheNearestWholeNumberThatFits() {
        #expect(UInt64(saturating: 1.9) == 1)
        #expect(UInt64(saturating: -4) == 0)
        #expect(UInt64(saturating: .nan) == 0)
        #expect(UInt64(saturating: 18_446_744_073_709_551_616.0) == .max)
        #expect(UInt64(saturating: .infinity) == .max)
        #expect(Int64(saturating: -.infinity) == .min)
        #expect(Int64(saturating: 9.3e18) == .max)
    }

    @Test func durationsAndOffsetsOfAnyValue() {
        #expect(DurationFormat.string(nanoseconds: .max) == "5124095 h 34 min")
        #expect(DurationFormat.string(nanoseconds: .max - 400_000_000) == "5124095 h 34 min")
        #expect(DurationFormat.offset(of: 7_000_000, from: 10_000_000) == "\u{2212}3 ms")
        #expect(DurationFormat.offset(of: 10_000_000, from: 10_000_000) == "+0 ns")
        #expect(DurationFormat.offset(of: .max, from: 0) == "+5124095 h 34 min")
        #expect(DurationFormat.offset(of: 0, from: .max) == "\u{2212}5124095 h 34 min")
    }

    @Test func histogramRangesUpToTheLargestDuration() {
        for (low, high) in [(UInt64(1), UInt64.max), (.max, .max), (.max - 1, .max), (0, 0), (1 << 63, .max)] {
            let edges = HistogramEdges(logFrom: low, to: high, count: 30)
            #expect(edges.count == 30)
            #expect(zip(edges.edges, edges.edges.dropFirst()).allSatisfy { $0 <= $1 })
            #expect(edges.range(of: high) == edges.count - 1 || edges.edges[edges.range(of: high) + 1] > high)
            #expect(edges.range(of: .max) == edges.count - 1)
        }
    }
}
