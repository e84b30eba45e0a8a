import Foundation
import TraceModel

/// The latencies of one time bucket of a timeline: counts in log-spaced ranges 30% wide, so a
/// percentile is answered within 13% of the true value of its rank (enough to draw and to find a
/// change by; `LatencySketch` gives the exact and 1% figures of the tables). Small whatever the
/// number of values (about 18 four-byte counts for latencies within two orders of magnitude), and
/// merged exactly: counts add. A night's timeline holds hundreds of thousands of these, where
/// `LatencySketch`, exact up to 2,048 values, would hold every value.
public struct CoarseLatency: Sendable, Equatable {
    /// Ranges are powers of γ: a value v > 0 falls in range ⌈log_γ v⌉.
    static let gamma = 1.3
    private static let logGamma = log(gamma)
    /// The highest range: that of 2^64 − 1.
    static let topRange = Int(log(Double(UInt64.max)) / logGamma) + 1

    /// The counts of ranges `firstRange ..< firstRange + length`: one byte each while every
    /// count fits in one (most buckets of most series), four bytes each once one does not.
    private var small: [UInt8] = []
    private var large: [UInt32]?
    private var first: Int16 = 0
    private var zeroCount: UInt32 = 0
    public private(set) var maximum: UInt64 = 0

    public init() {}

    var firstRange: Int { Int(first) }
    var zeros: UInt64 { UInt64(zeroCount) }
    /// The counts of ranges from `firstRange` on.
    var counts: [UInt32] { large ?? small.map(UInt32.init) }
    /// How many values were added.
    public var count: UInt64 { (large.map { $0.lazy.map(UInt64.init) } ?? small.lazy.map(UInt64.init)).reduce(zeros, +) }

    public mutating func add(_ value: UInt64) {
        maximum = max(maximum, value)
        guard value > 0 else {
            zeroCount = zeroCount.addingReportingOverflow(1).overflow ? .max : zeroCount + 1
            return
        }
        add(Int((log(Double(value)) / Self.logGamma).rounded(.up)), count: 1)
    }

    public mutating func merge(_ other: CoarseLatency) {
        maximum = max(maximum, other.maximum)
        let (sum, overflow) = zeroCount.addingReportingOverflow(other.zeroCount)
        zeroCount = overflow ? .max : sum
        for (offset, rangeCount) in other.counts.enumerated() where rangeCount > 0 { add(other.firstRange + offset, count: rangeCount) }
    }

    private mutating func add(_ range: Int, count added: UInt32) {
        let length = large?.count ?? small.count
        if length == 0 {
            first = Int16(range)
        } else if range < firstRange {
            let gap = firstRange - range
            if large != nil {
                large!.insert(contentsOf: repeatElement(0, count: gap), at: 0)
            } else {
                small.insert(contentsOf: repeatElement(0, count: gap), at: 0)
            }
            first = Int16(range)
        }
        let position = range - firstRange
        let needed = position + 1 - (large?.count ?? small.count)
        if needed > 0 {
            if large != nil {
                large!.append(contentsOf: repeatElement(0, count: needed))
            } else {
                small.append(contentsOf: repeatElement(0, count: needed))
            }
        }
        if large == nil {
            let (sum, overflow) = UInt32(small[position]).addingReportingOverflow(added)
            if !overflow, sum <= UInt32(UInt8.max) {
                small[position] = UInt8(sum)
                return
            }
            large = small.map(UInt32.init)
            small = []
        }
        let (sum, overflow) = large![position].addingReportingOverflow(added)
        large![position] = overflow ? .max : sum
    }

    /// The values at each of `qs` in [0, 1] (nearest rank; 1 is the exact maximum), 0 when empty.
    public func quantiles(_ qs: [Double]) -> [UInt64] {
        qs.map { q in
            guard count > 0 else { return 0 }
            if q >= 1 { return maximum }
            let rank = UInt64(max(0, min(Double(count - 1), (q * Double(count - 1)).rounded())))
            if rank < zeros { return 0 }
            var seen = zeros
            for (offset, rangeCount) in counts.enumerated() {
                seen = seen.saturatingAdding(UInt64(rangeCount))
                if seen > rank {
                    let estimate = 2 * pow(Self.gamma, Double(firstRange + offset)) / (Self.gamma + 1)
                    return min(maximum, UInt64(saturating: estimate))
                }
            }
            return maximum
        }
    }
}

extension CoarseLatency {
    /// Appends the latencies as plain numbers, for a part file: the maximum, the zeros, the first
    /// range, how many ranges, and their counts (the count is their sum).
    func flatten(into numbers: inout [UInt64]) {
        let counts = self.counts
        numbers += [maximum, zeros, UInt64(firstRange), UInt64(counts.count)]
        numbers += counts.lazy.map(UInt64.init)
    }

    /// Reads what `flatten(into:)` wrote from `numbers` at `position` (moved past it), checking
    /// its parts; nil when they disagree or run out.
    init?(reading numbers: [UInt64], at position: inout Int) {
        guard position + 4 <= numbers.count else { return nil }
        let (maximum, zeros, first, length) = (numbers[position], numbers[position + 1], numbers[position + 2], numbers[position + 3])
        guard first <= UInt64(Self.topRange), length <= UInt64(Self.topRange) + 1 - first, position + 4 + Int(length) <= numbers.count
        else { return nil }
        self.init()
        self.maximum = maximum
        let read = numbers[(position + 4)..<(position + 4 + Int(length))]
        guard zeros <= UInt32.max, read.allSatisfy({ $0 <= UInt32.max }) else { return nil }
        zeroCount = UInt32(zeros)
        self.first = Int16(first)
        if read.allSatisfy({ $0 <= UInt8.max }) { small = read.map { UInt8($0) } } else { large = read.map { UInt32($0) } }
        position += 4 + Int(length)
    }
}
