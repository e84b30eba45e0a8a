/// What the trace page's scripts (`Templates/trace.js`, `trace-large.js`, `waterfall-parts.js`)
/// read from a waterfall SVG to fold rows, zoom and follow links, written once: `WaterfallChart`
/// writes these attributes, `Schemas/svg-subset.rng` and `SVGGrammar` allow them, and the
/// scripts read them (`WaterfallContractTests` holds the four to this list).
public enum WaterfallContract {
    /// On `<svg class="waterfall">`: a row's height in px.
    public static let rowHeight = "data-rh"
    /// On `<svg class="waterfall">`: where the time axis begins, in px.
    public static let chartLeft = "data-left"
    /// On `<svg class="waterfall">`: the time axis's width, in px.
    public static let chartWidth = "data-width"
    /// On `<svg class="waterfall">`: the nanoseconds the time axis spans.
    public static let traceNanos = "data-ns"
    /// On each row's `<g id="wN">`: its depth in the tree (0 for a root).
    public static let depth = "data-d"
    /// On each row's `<g id="wN">`: the span id, 16 hex digits; its details are `#span-<id>`.
    public static let spanID = "data-s"

    /// Every attribute of the contract.
    public static let attributes = [rowHeight, chartLeft, chartWidth, traceNanos, depth, spanID]
}
