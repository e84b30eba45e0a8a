public import TraceAnalysis
import TraceCharts

/// A trace page's comparison with another trace: what was found, how the other trace is named,
/// and where its page is, if it has one.
public struct ComparisonSection: Sendable {
    public var comparison: TraceComparison
    /// "the typical request of checkout: POST /orders", "trace 4bf92f3577b34da6".
    public var label: String
    /// How the other trace is named beside its bar in the chart: "Typical request", "Trace 4bf9…".
    public var barLabel: String
    /// The other trace's page, relative to this one; nil when it has none (or on a page of its own).
    public var otherPath: String?

    public init(_ comparison: TraceComparison, label: String, barLabel: String, otherPath: String? = nil) {
        self.comparison = comparison
        self.label = label
        self.barLabel = barLabel
        self.otherPath = otherPath
    }

    /// The chart of the two critical paths, to be validated.
    var chart: String { ComparisonChart(comparison, otherLabel: barLabel).svg() }
}
