/// How the assembler repairs what exporters got wrong.
public struct AssemblyOptions: Sendable {
    /// Shift spans whose clock disagrees with their parent's host (on by default).
    public var adjustClockSkew: Bool
    /// The largest shift clock-skew adjustment may make; a larger apparent skew is reported only.
    public var maximumClockSkewNano: UInt64

    /// Clock-skew adjustment on, capped at one minute.
    public init(adjustClockSkew: Bool = true, maximumClockSkewNano: UInt64 = 60_000_000_000) {
        self.adjustClockSkew = adjustClockSkew
        self.maximumClockSkewNano = maximumClockSkewNano
    }
}
