public import TraceModel

/// Which partition a span goes to: by a hash of its trace id, so that every span of a trace
/// lands in one partition, and (for the check of span ids used in several traces) the place of
/// its span id by a hash of the span id. The hashes are fixed: any machine, any run, any release
/// reading the same version of the partition files files a span in the same partition.
public enum PartitionScheme {
    /// The partition of the spans of trace `id`, in `0..<count`.
    public static func partition(of id: TraceID, count: Int) -> Int {
        Int(mix(mix(id.high) ^ id.low) % UInt64(max(count, 1)))
    }

    /// The partition of the places of span id `id`, in `0..<count`.
    public static func partition(of id: SpanID, count: Int) -> Int {
        Int(mix(id.value ^ 0x5851_F42D_4C95_7F2D) % UInt64(max(count, 1)))
    }

    /// The name of partition `index` of `count`: `part-00003-of-00016.trspans`.
    public static func fileName(_ index: Int, of count: Int) -> String {
        "part-\(digits(index))-of-\(digits(count)).trspans"
    }

    /// The most partitions a run may ask for.
    public static let maximumCount = 65_536

    private static func digits(_ number: Int) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, 5 - text.count)) + text
    }

    /// SplitMix64's finaliser: every bit of the input moves about half the bits of the output.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
