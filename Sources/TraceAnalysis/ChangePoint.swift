import Foundation
public import TraceModel

/// Where a series departs from its own level most: the run of buckets whose level differs most,
/// measured against the noise of the rest, from the rest of the series (a step that lasts to the
/// end, or an episode that starts and ends). Rates of errors are compared as proportions (a
/// two-proportion z score over the requests), request counts as Poisson counts, latency as the
/// logarithm of each bucket's p95 (a t score), so a score reads as "standard errors apart".
public struct ChangePoint: Sendable, Equatable {
    public enum Metric: String, Sendable, Equatable, CaseIterable {
        case requests, errors, latency
    }

    public let metric: Metric
    /// The buckets (indices into the series' points) that differ: `start..<end`.
    public let start: Int
    public let end: Int
    /// The level outside the run and inside it: requests a second, errors per request, or p95
    /// latency in nanoseconds (the median of the buckets' p95s).
    public let outside: Double
    public let inside: Double
    /// How many standard errors apart the two levels are.
    public let score: Double

    /// The bucket where the change happens: the run's start, or its end for a run at the start
    /// of the series (the series changed to the level it then kept).
    public var changeIndex: Int { start == 0 ? end : start }
    /// The level before and after `changeIndex`.
    public var before: Double { start == 0 ? inside : outside }
    public var after: Double { start == 0 ? outside : inside }

    /// Whether the change is worth naming: at least `minimumScore` standard errors, and a real
    /// difference (latency ×1.5, errors ×2 and one point, requests ×2).
    public var isNotable: Bool {
        guard score >= Self.minimumScore else { return false }
        let (low, high) = (min(inside, outside), max(inside, outside))
        switch metric {
        case .latency: return high >= 1.5 * low
        case .errors: return high >= 2 * low && high - low >= 0.01
        case .requests: return high >= 2 * low
        }
    }

    public static let minimumScore = 5.0
    /// Latency levels need this many requests in a bucket for its p95 to count, and this many
    /// such buckets in the series.
    static let minimumLatencyRequests: UInt64 = 3
    static let minimumLatencyBuckets = 10
    /// Error rates need this many requests in the series; request rates this many a bucket on
    /// average. Below them a series is too thin to have a level of its own.
    static let minimumErrorRequests: UInt64 = 50
    static let minimumRequestsPerBucket = 5.0

    /// The change point of each metric of `series`, where one can be told at all (nil otherwise).
    public static func find(in series: TimeSeries) -> [ChangePoint] {
        Metric.allCases.compactMap { find($0, in: series) }
    }

    /// The change point of `metric` in `series`.
    public static func find(_ metric: Metric, in series: TimeSeries) -> ChangePoint? {
        let points = series.points
        guard points.count >= 3 else { return nil }
        let requests = points.lazy.map(\.requests).saturatingSum()
        switch metric {
        case .errors where requests < minimumErrorRequests: return nil
        case .requests where Double(requests) < minimumRequestsPerBucket * Double(points.count): return nil
        case .latency where points.count { $0.requests >= minimumLatencyRequests } < minimumLatencyBuckets: return nil
        default: break
        }
        switch metric {
        case .errors:
            let runs = Runs(points.map { (Double($0.requests), Double($0.errors)) })
            return runs.best { inside, outside in
                guard inside.weight > 0, outside.weight > 0 else { return nil }
                let (p1, p2) = (inside.sum / inside.weight, outside.sum / outside.weight)
                let pooled = (inside.sum + outside.sum) / (inside.weight + outside.weight)
                let variance = max(pooled * (1 - pooled), 1e-4) * (1 / inside.weight + 1 / outside.weight)
                return (abs(p1 - p2) / variance.squareRoot(), p2, p1)
            }.map { ChangePoint(metric: metric, start: $0.start, end: $0.end, outside: $0.outside, inside: $0.inside, score: $0.score) }
        case .requests:
            let seconds = Double(series.bucketNano) / 1e9
            let runs = Runs(points.map { (1, Double($0.requests)) })
            return runs.best { inside, outside in
                guard inside.weight >= 2, outside.weight >= 2 else { return nil }
                let (m1, m2) = (inside.sum / inside.weight, outside.sum / outside.weight)
                let pooled = max((inside.sum + outside.sum) / (inside.weight + outside.weight), 1)
                let error = (pooled * (1 / inside.weight + 1 / outside.weight)).squareRoot()
                return (abs(m1 - m2) / error, m2 / seconds, m1 / seconds)
            }.map { ChangePoint(metric: metric, start: $0.start, end: $0.end, outside: $0.outside, inside: $0.inside, score: $0.score) }
        case .latency:
            // Buckets with too few requests for a p95 weigh nothing.
            let runs = Runs(
                points.map { point in
                    point.requests >= minimumLatencyRequests ? (1, log(Double(max(point.p95Nano, 1)))) : (0, 0)
                }, squares: true)
            return runs.best { inside, outside in
                guard inside.weight >= 1, outside.weight >= 2 else { return nil }
                let (m1, m2) = (inside.sum / inside.weight, outside.sum / outside.weight)
                // The spread of the buckets about their own level, at least 5% (jitter of a constant series).
                let residual = inside.squares - inside.sum * m1 + outside.squares - outside.sum * m2
                let variance = max(residual / max(inside.weight + outside.weight - 2, 1), 0.05 * 0.05)
                let error = (variance * (1 / inside.weight + 1 / outside.weight)).squareRoot()
                return (abs(m1 - m2) / error, 0, 0)
            }.map { run in
                let level = { (range: [Int]) -> Double in
                    let values = range.filter { points[$0].requests >= minimumLatencyRequests }.map { Double(points[$0].p95Nano) }.sorted()
                    return values.isEmpty ? 0 : values[values.count / 2]
                }
                let inside = Array(run.start..<run.end)
                let outside = Array(0..<run.start) + Array(run.end..<points.count)
                return ChangePoint(
                    metric: metric, start: run.start, end: run.end, outside: level(outside), inside: level(inside), score: run.score)
            }
        }
    }
}

/// Prefix sums over a series of (weight, value) pairs, for scoring every run of buckets against
/// the rest in O(1) each. Series longer than `searchLimit` are searched on pairs of buckets (and so
/// on), then the run's ends are placed to the bucket near where the coarse search put them.
private struct Runs {
    struct Totals {
        var weight = 0.0
        var sum = 0.0
        var squares = 0.0
    }

    /// Above this many buckets, runs are looked for among coarser ones first (the search costs the
    /// square of the count).
    static let searchLimit = 64

    /// A run of buckets, its score and the levels outside and inside it.
    typealias Run = (start: Int, end: Int, score: Double, outside: Double, inside: Double)

    let count: Int
    private let prefix: [Totals]

    init(_ values: [(weight: Double, value: Double)], squares: Bool = false) {
        count = values.count
        var prefix = [Totals()]
        prefix.reserveCapacity(values.count + 1)
        for (weight, value) in values {
            var next = prefix[prefix.count - 1]
            next.weight += weight
            next.sum += value
            if squares { next.squares += value * value }
            prefix.append(next)
        }
        self.prefix = prefix
    }

    func totals(_ range: Range<Int>) -> Totals {
        let (a, b) = (prefix[range.lowerBound], prefix[range.upperBound])
        return Totals(weight: b.weight - a.weight, sum: b.sum - a.sum, squares: b.squares - a.squares)
    }

    /// The run (not the whole series) with the highest score, by `score(inside, outside)`, which
    /// returns nil for a run it cannot score, or the score and the levels outside and inside.
    func best(
        _ score: (Totals, Totals) -> (score: Double, outside: Double, inside: Double)?
    ) -> Run? {
        let all = totals(0..<count)
        func scored(_ start: Int, _ end: Int) -> Run? {
            guard start < end, end - start < count else { return nil }
            let inside = totals(start..<end)
            let outside = Totals(weight: all.weight - inside.weight, sum: all.sum - inside.sum, squares: all.squares - inside.squares)
            guard let result = score(inside, outside), result.score.isFinite else { return nil }
            return (start, end, result.score, result.outside, result.inside)
        }
        func better(_ a: Run?, _ b: Run?) -> Run? {
            guard let b else { return a }
            guard let a else { return b }
            return b.score > a.score ? b : a
        }
        // Candidate ends every `step` buckets, then each end moved within a step of where it was.
        var step = 1
        while (count + step - 1) / step > Self.searchLimit { step *= 2 }
        var found: Run?
        for start in stride(from: 0, to: count, by: step) {
            for end in stride(from: start + step, through: count + step - 1, by: step) {
                found = better(found, scored(start, min(end, count)))
            }
        }
        guard step > 1, let coarse = found else { return found }
        var refined = coarse
        for start in max(0, coarse.start - step)...min(count - 1, coarse.start + step) {
            refined = better(refined, scored(start, coarse.end)) ?? refined
        }
        let start = refined.start
        for end in max(start + 1, coarse.end - step)..<max(start + 1, min(count, coarse.end + step) + 1) {
            refined = better(refined, scored(start, end)) ?? refined
        }
        return refined
    }
}

extension ChangePoint {
    /// The level written for a reader: "12/s", "14%", "2.1s".
    public func level(_ value: Double) -> String {
        switch metric {
        case .requests: "\(DurationFormat.significant(value))/s"
        case .errors: "\(DurationFormat.significant(value * 100))%"
        case .latency: DurationFormat.string(nanoseconds: UInt64(saturating: value))
        }
    }

    /// What changed and when: "errors 0.2% → 14% from 03:10 until 03:40" (`time` writes a
    /// bucket's start; the run's end is named when the series came back).
    public func sentence(in series: TimeSeries, time: (UInt64) -> String) -> String {
        let what =
            switch metric {
            case .requests: "requests"
            case .errors: "errors"
            case .latency: "p95"
            }
        let at = series.points[min(changeIndex, series.points.count - 1)].startUnixNano
        var text = "\(what) \(level(before)) → \(level(after)) from \(time(at))"
        if start > 0, end < series.points.count {
            text += " until \(time(series.points[end].startUnixNano))"
        }
        return text
    }
}
