import Foundation

/// The duration ranges of a histogram: ascending edges, range `i` being `edges[i]..<edges[i + 1]`.
public struct HistogramEdges: Sendable, Equatable {
    public let edges: [UInt64]

    /// `count` ranges from `low` to just past `high`, evenly spaced on a log scale (at least 1 ns
    /// wide), so that every duration in `low...high` falls in one of them. Near 2^64−1 ns, where
    /// no more edges fit, the last ranges are empty (their edges equal).
    public init(logFrom low: UInt64, to high: UInt64, count: Int) {
        let count = max(1, count)
        let low = max(1, low)
        let high = max(high, low.saturatingAdding(1))
        let step = (log(Double(high)) - log(Double(low))) / Double(count)
        var edges = [low]
        for index in 1...count {
            let edge = index == count ? high.saturatingAdding(1) : UInt64(saturating: exp(log(Double(low)) + step * Double(index)))
            edges.append(max(edge, edges[edges.count - 1].saturatingAdding(1)))
        }
        self.edges = edges
    }

    /// How many ranges there are.
    public var count: Int { edges.count - 1 }

    /// The range `value` falls in: values below the first edge count in the first range, values
    /// from the last edge on in the last.
    public func range(of value: UInt64) -> Int {
        // The first edge above the value, by bisection.
        var low = 0
        var high = edges.count - 1
        while low < high {
            let middle = (low + high) / 2
            if edges[middle] > value { high = middle } else { low = middle + 1 }
        }
        return min(count - 1, max(0, low - 1))
    }
}
