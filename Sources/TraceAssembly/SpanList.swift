public import TraceModel

/// The spans of one trace, in display order: a read-only window onto an array shared by the
/// traces assembled together, so that assembly never copies spans into an array per trace.
/// Spans are read in place: `spans[i].name` copies no span.
public struct SpanList: RandomAccessCollection, Sendable {
    @usableFromInline let storage: SpanStorage
    @usableFromInline let offset: Int
    public let count: Int

    /// A list of its own holding `spans`.
    public init(_ spans: [Span]) {
        self.init(SpanStorage(spans), 0..<spans.count)
    }

    init(_ storage: SpanStorage, _ range: Range<Int>) {
        self.storage = storage
        offset = range.lowerBound
        count = range.count
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable public subscript(position: Int) -> Span {
        _read {
            precondition(position >= 0 && position < count, "span index out of range")
            yield storage.spans[offset + position]
        }
    }

    /// The results of `transform` on each span, which it is lent in place rather than given a
    /// copy of (iterating would copy each span, a dozen reference counts).
    @inlinable
    public func map<Result>(_ transform: (Span) -> Result) -> [Result] {
        withUnsafeBufferPointer { spans in
            var results: [Result] = []
            results.reserveCapacity(spans.count)
            for index in spans.indices { results.append(transform(spans[index])) }
            return results
        }
    }

    /// Whether some span satisfies `predicate`, lent each span in place in turn (see `map`).
    @inlinable
    public func contains(where predicate: (Span) -> Bool) -> Bool {
        withUnsafeBufferPointer { spans in spans.indices.contains { predicate(spans[$0]) } }
    }

    /// Calls `body` with the spans as contiguous memory.
    @inlinable
    public func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Span>) throws -> Result) rethrows -> Result {
        try storage.spans.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[offset..<offset + count]))
        }
    }
}

extension SpanList: Equatable {
    public static func == (lhs: SpanList, rhs: SpanList) -> Bool { lhs.elementsEqual(rhs) }
}

/// The spans that several traces' lists look into.
@usableFromInline
final class SpanStorage: Sendable {
    @usableFromInline let spans: [Span]

    init(_ spans: consuming [Span]) {
        self.spans = spans
    }
}

/// The spans of one trace while assembly arranges them in place.
typealias SpanBuffer = UnsafeMutableBufferPointer<Span>
