import Foundation
public import TraceModel

/// A mergeable summary of latencies that answers percentiles: exact while it holds at most
/// `exactLimit` values, then a log-bucketed sketch (in the manner of DDSketch) whose answers are
/// within `relativeAccuracy` (1%) of the true value of the same rank.
///
/// Buckets are powers of γ = (1 + α) / (1 - α): a value v > 0 falls in bucket ⌈log_γ v⌉ and is
/// answered as 2γ^i / (γ + 1), which is within α of every value of the bucket. Merging adds bucket
/// counts, so shards can be summarised apart and combined.
public struct LatencySketch: Sendable, Equatable {
    /// The relative error bound of percentiles once the sketch stops being exact.
    public static let relativeAccuracy = 0.01
    /// How many values are kept exactly before switching to buckets.
    public static let exactLimit = 2_048

    private static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    private static let logGamma = log(gamma)

    private var exact: [UInt64]? = []
    /// The counts of buckets `firstBucket ..< firstBucket + buckets.count`: values span a few
    /// hundred buckets at most (2,218 from 1 ns to UInt64.max), so an array beats a dictionary.
    private var buckets: [UInt64] = []
    private var firstBucket: Int32 = 0
    private var zeros: UInt64 = 0
    public private(set) var count: UInt64 = 0
    public private(set) var maximum: UInt64 = 0
    public private(set) var minimum: UInt64 = .max

    public init() {}

    /// True while every percentile is exact.
    public var isExact: Bool { exact != nil }

    /// Adds one value (nanoseconds).
    public mutating func add(_ value: UInt64) {
        count = count.saturatingAdding(1)
        maximum = max(maximum, value)
        minimum = min(minimum, value)
        if exact != nil {
            exact!.append(value)
            if exact!.count > Self.exactLimit { spill() }
        } else {
            addToBuckets(value, count: 1)
        }
    }

    /// Adds everything another sketch holds.
    public mutating func merge(_ other: LatencySketch) {
        guard other.count > 0 else { return }
        count = count.saturatingAdding(other.count)
        maximum = max(maximum, other.maximum)
        minimum = min(minimum, other.minimum)
        if let values = other.exact, exact != nil, exact!.count + values.count <= Self.exactLimit {
            exact! += values
            return
        }
        if exact != nil { spill() }
        if let values = other.exact {
            for value in values { addToBuckets(value, count: 1) }
        } else {
            zeros = zeros.saturatingAdding(other.zeros)
            for (position, bucketCount) in other.buckets.enumerated() where bucketCount > 0 {
                addToBucket(other.firstBucket + Int32(position), count: bucketCount)
            }
        }
    }

    /// The value at quantile `q` in [0, 1] (nearest rank), or 0 when empty. The maximum is exact.
    public func quantile(_ q: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        if q >= 1 { return maximum }
        let rank = rank(of: q)
        if let values = exact {
            return values.sorted()[Int(rank)]
        }
        if rank < zeros { return 0 }
        var seen = zeros
        for (position, bucketCount) in buckets.enumerated() {
            seen = seen.saturatingAdding(bucketCount)
            if seen > rank { return estimate(ofBucket: firstBucket + Int32(position)) }
        }
        return maximum
    }

    /// `quantile(_:)` of each of `qs`, the exact values (if the sketch still holds them) sorted
    /// once rather than once a quantile.
    public func quantiles(_ qs: [Double]) -> [UInt64] {
        guard count > 0, let values = exact else { return qs.map { quantile($0) } }
        let sorted = values.sorted()
        return qs.map { q in q >= 1 ? maximum : sorted[Int(rank(of: q))] }
    }

    /// The nearest rank of quantile `q` in [0, 1) among `count` values.
    private func rank(of q: Double) -> UInt64 {
        UInt64(max(0, min(Double(count - 1), (q * Double(count - 1)).rounded())))
    }

    /// How many values fall in each range of `edges`. Exact while the sketch is; otherwise each
    /// bucket counts where its estimate falls, within the sketch's relative accuracy of the truth.
    public func histogram(edges: HistogramEdges) -> [UInt64] {
        var counts = [UInt64](repeating: 0, count: edges.count)
        if let values = exact {
            for value in values { counts[edges.range(of: value)] += 1 }
        } else {
            counts[edges.range(of: 0)] = counts[edges.range(of: 0)].saturatingAdding(zeros)
            for (position, count) in buckets.enumerated() where count > 0 {
                let range = edges.range(of: estimate(ofBucket: firstBucket + Int32(position)))
                counts[range] = counts[range].saturatingAdding(count)
            }
        }
        return counts
    }

    private mutating func spill() {
        let values = exact ?? []
        exact = nil
        for value in values { addToBuckets(value, count: 1) }
    }

    private mutating func addToBuckets(_ value: UInt64, count: UInt64) {
        guard value > 0 else {
            zeros = zeros.saturatingAdding(count)
            return
        }
        addToBucket(Int32((log(Double(value)) / Self.logGamma).rounded(.up)), count: count)
    }

    private mutating func addToBucket(_ index: Int32, count: UInt64) {
        if buckets.isEmpty {
            firstBucket = index
            buckets = [count]
            return
        }
        if index < firstBucket {
            buckets.insert(contentsOf: repeatElement(0, count: Int(firstBucket - index)), at: 0)
            firstBucket = index
        } else if Int(index - firstBucket) >= buckets.count {
            buckets.append(contentsOf: repeatElement(0, count: Int(index - firstBucket) - buckets.count + 1))
        }
        buckets[Int(index - firstBucket)] = buckets[Int(index - firstBucket)].saturatingAdding(count)
    }

    /// The value a bucket answers with: within the relative accuracy of every value it holds,
    /// and within the exact minimum and maximum.
    private func estimate(ofBucket index: Int32) -> UInt64 {
        let estimate = 2 * pow(Self.gamma, Double(index)) / (Self.gamma + 1)
        return min(maximum, max(minimum, UInt64(saturating: estimate)))
    }
}

extension LatencySketch: Codable {
    private enum Keys: String, CodingKey { case count, minimum, maximum, exact, zeros, firstBucket, buckets }

    /// Reads a sketch, checking that its parts agree (counts add up, buckets in range).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init()
        count = try container.decode(UInt64.self, forKey: .count)
        minimum = try container.decode(UInt64.self, forKey: .minimum)
        maximum = try container.decode(UInt64.self, forKey: .maximum)
        exact = try container.decodeIfPresent([UInt64].self, forKey: .exact)
        zeros = try container.decode(UInt64.self, forKey: .zeros)
        firstBucket = try container.decode(Int32.self, forKey: .firstBucket)
        buckets = try container.decode([UInt64].self, forKey: .buckets)
        let held: UInt64? =
            if let exact { exact.count <= Self.exactLimit && zeros == 0 && buckets.isEmpty ? UInt64(exact.count) : nil } else {
                buckets.reduce(zeros) { $0.saturatingAdding($1) }
            }
        let inRange = buckets.count <= 4_096 && abs(Int(firstBucket)) <= 4_096
        guard held == count, inRange, count == 0 || minimum <= maximum else {
            throw DecodingError.dataCorruptedError(forKey: .count, in: container, debugDescription: "a latency sketch whose parts disagree")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(count, forKey: .count)
        try container.encode(minimum, forKey: .minimum)
        try container.encode(maximum, forKey: .maximum)
        try container.encodeIfPresent(exact, forKey: .exact)
        try container.encode(zeros, forKey: .zeros)
        try container.encode(firstBucket, forKey: .firstBucket)
        try container.encode(buckets, forKey: .buckets)
    }
}
