/// How the assembler repairs what exporters got wrong.
public struct AssemblyOptions: Sendable {
    /// Shift spans whose clock disagrees with their parent's host (on by default).
    public var adjustClockSkew: Bool
    /// The largest shift clock-skew adjustment may make; a larger apparent skew is reported only.
    public var maximumClockSkewNano: UInt64
    /// A trace with more spans keeps only its earliest this many (by start time), with a
    /// warning: one runaway trace (a loop emitting spans) must not take the run down.
    public var maximumSpansPerTrace: Int

    /// Clock-skew adjustment on, capped at one minute; at most 2,000,000 spans a trace.
    public init(adjustClockSkew: Bool = true, maximumClockSkewNano: UInt64 = 60_000_000_000, maximumSpansPerTrace: Int = 2_000_000) {
        self.adjustClockSkew = adjustClockSkew
        self.maximumClockSkewNano = maximumClockSkewNano
        self.maximumSpansPerTrace = max(1, maximumSpansPerTrace)
    }
}
