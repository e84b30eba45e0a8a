public import TraceModel

/// Decodes AWS X-Ray: the JSON `aws xray batch-get-traces` prints (`Traces`, each with
/// `Segments` whose `Document` holds a segment document as a JSON string), and segment documents
/// one after another (what the X-Ray daemon receives, its `{"format": "json", "version": 1}`
/// headers skipped; subsegments sent on their own, `"type": "subsegment"`, included).
///
/// A segment becomes a SERVER span of the service the segment names; a subsegment a span under
/// its enclosing (sub)segment in that service, a CLIENT span calling `peer.service` (the
/// subsegment's name) when its `namespace` is `remote` or `aws`; an inferred segment (X-Ray's
/// stand-in for an AWS service called) a SERVER span of that service. Trace ids
/// `1-5f84c7a4-a9e7cb6a2d1e2c1f0b3c4d5e` become the W3C id of their time and random parts
/// (`5f84c7a4a9e7cb6a2d1e2c1f0b3c4d5e`), as OpenTelemetry's X-Ray propagator does; `parent_id`
/// joins segments across services; epoch-second times with fractions are read from their
/// digits to the nanosecond. `fault` (and `error` on a CLIENT span) is the error status,
/// with the first exception's message; `fault`, `error`, `throttle` are also kept as
/// `aws.xray.*` attributes; `http` as the semantic conventions' HTTP attributes, `sql` as `db.*`,
/// `aws` as `aws.*` (and `cloud.region`, `rpc.method`), `annotations` as attributes of their
/// names, `metadata` as `metadata.<namespace>.<key>` with its JSON text; `cause` exceptions
/// become `exception` events. A segment still `in_progress` ends where it starts.
///
/// Subsegments nest to any depth: they are read with a stack, never by recursion. A (sub)segment
/// that cannot be read costs itself (its subsegments join its parent), with a warning.
public struct XRayDecoder: Sendable {
    public init() {}

    /// Decodes every segment in `bytes`, appending their spans to `spans`.
    /// - Parameter strict: the first record that cannot be read as written fails the input.
    /// - Returns: what was dropped or repaired.
    /// - Throws: `ImportError` with the line and column of the fault when nothing could be read
    ///   (or, with `strict`, of the first record that could not); then no span is appended.
    @discardableResult
    public func decode(
        _ bytes: UnsafeRawBufferPointer, file: String, strict: Bool = false, into spans: inout [Span]
    ) throws(ImportError) -> RecordIssues {
        var parser = XRayParser(reader: JSONReader(bytes: bytes, strings: StringInterner()))
        return try parser.parse(bytes, file: file, textual: true, strict: strict, into: &spans)
    }

    /// The W3C trace id of an X-Ray trace id (`1-` 8 hex digits `-` 24 hex digits); nil otherwise.
    public static func traceID(_ text: some StringProtocol) -> TraceID? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "1", parts[1].count == 8, parts[2].count == 24 else { return nil }
        guard let id = TraceID(hex: String(parts[1]) + String(parts[2])), !id.isZero else { return nil }
        return id
    }

    /// Nanoseconds since 1970 of an epoch-seconds number written in `digits` (`1478293361.271`),
    /// read from its digits (a double would lose the microseconds); nil if negative, malformed or
    /// beyond 64 bits of nanoseconds.
    static func nanoseconds(epochSeconds digits: UnsafeRawBufferPointer) -> UInt64? {
        var (whole, fraction, fractionDigits, index) = (UInt64(0), UInt64(0), 0, 0)
        var sawDigit = false
        while index < digits.count, (0x30...0x39).contains(digits[index]) {
            let (times, overflow) = whole.multipliedReportingOverflow(by: 10)
            guard !overflow, times <= UInt64.max - UInt64(digits[index] - 0x30) else { return nil }
            whole = times + UInt64(digits[index] - 0x30)
            (index, sawDigit) = (index + 1, true)
        }
        if index < digits.count, digits[index] == UInt8(ascii: ".") {
            index += 1
            while index < digits.count, (0x30...0x39).contains(digits[index]) {
                if fractionDigits < 9 { (fraction, fractionDigits) = (fraction * 10 + UInt64(digits[index] - 0x30), fractionDigits + 1) }
                (index, sawDigit) = (index + 1, true)
            }
        }
        guard sawDigit, index == digits.count else { return nil }
        for _ in fractionDigits..<9 { fraction *= 10 }
        let (nanos, overflow) = whole.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (total, carry) = nanos.addingReportingOverflow(fraction)
        return carry ? nil : total
    }
}
