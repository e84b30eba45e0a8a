import TraceModel

/// The values of the `changes` partial: the "Changes since the baseline" section of the index
/// and services pages.
enum ChangesValues {
    static func values(_ comparison: BaselineComparison) -> [String: Any] {
        let lists = [
            ("New services", comparison.newServices), ("Services gone", comparison.vanishedServices),
            ("New operations and edges", comparison.newSubjects.map(\.name)),
            ("Operations and edges gone", comparison.vanishedSubjects.map(\.name)),
        ]
        return [
            "baselineTitle": comparison.baselineTitle,
            "unchanged": comparison.isEmpty,
            "hasLatency": !comparison.latency.isEmpty,
            "latency": comparison.latency.map { change -> [String: Any] in
                [
                    "regression": change.direction == .regression, "subject": change.subject.name, "percentile": change.percentile,
                    "word": change.direction == .regression ? "slower" : "faster",
                    "before": DurationFormat.string(nanoseconds: change.beforeNano),
                    "after": DurationFormat.string(nanoseconds: change.afterNano),
                    "ratio": change.ratio.isFinite ? "×" + DurationFormat.fixed(change.ratio, decimals: 2) : "new",
                ]
            },
            "hasErrorRates": !comparison.errorRates.isEmpty,
            "errorRates": comparison.errorRates.map { change -> [String: Any] in
                [
                    "regression": change.direction == .regression, "subject": change.subject.name, "before": percent(change.before),
                    "after": percent(change.after),
                ]
            },
            "lists": lists.filter { !$0.1.isEmpty }.map { ["heading": $0.0, "names": $0.1] as [String: Any] },
        ]
    }

    private static func percent(_ share: Double) -> String { DurationFormat.fixed(share * 100, decimals: 1) + "%" }
}
