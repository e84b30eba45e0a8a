import TraceModel

/// Values decoded from JSON objects (or arrays) that recur word for word across an input, such
/// as the resource and scope that every export batch of a service instance repeats, or the
/// attributes of the spans of one RPC method: each distinct text is decoded once more after it is
/// first seen, then every later occurrence shares the result (and its memory).
///
/// A text is looked for by a hash of its first bytes and then compared in full with the input
/// where it would begin, so a known text is recognised without scanning for its end: the kept
/// text is a whole JSON value, so the input holds the same value exactly when it begins with the
/// same bytes. Texts with the same first bytes share a set of a few places, each compared until
/// its first differing byte. A full set gives up its oldest text, so the cache stays small
/// however many different texts an input holds. Texts shorter than 16 bytes are not kept. A text seen for the first time leaves only its hash, in
/// a table of its own, so that texts that never recur cost a hash and push nothing out.
final class RecurringObjects<Value> {
    private static var setCount: Int { 1_024 }
    private static var ways: Int { 8 }
    private static var seenCount: Int { 16_384 }
    /// Longer texts are not kept.
    private static var longestText: Int { 4_096 }

    private struct Entry {
        var bytes: [UInt8]
        var value: Value
    }

    private let slots: UnsafeMutablePointer<Entry?>
    /// Per set, the way its next text goes to.
    private let nextWay: UnsafeMutablePointer<UInt8>
    private let seen: UnsafeMutablePointer<UInt64>

    init() {
        slots = .allocate(capacity: Self.setCount * Self.ways)
        slots.initialize(repeating: nil, count: Self.setCount * Self.ways)
        nextWay = .allocate(capacity: Self.setCount)
        nextWay.initialize(repeating: 0, count: Self.setCount)
        seen = .allocate(capacity: Self.seenCount)
        seen.initialize(repeating: 0, count: Self.seenCount)
    }

    deinit {
        slots.deinitialize(count: Self.setCount * Self.ways)
        slots.deallocate()
        nextWay.deallocate()
        seen.deallocate()
    }

    /// The value of a kept text that `input` begins with, and the text's length.
    func value(atStartOf input: UnsafeRawBufferPointer) -> (value: Value, length: Int)? {
        guard let start = input.baseAddress else { return nil }
        for keyLength in Self.keyLengths where keyLength <= input.count {
            let set = slots + set(of: input, keyLength: keyLength) * Self.ways
            for way in 0..<Self.ways {
                guard let entry = set[way] else { break }
                if entry.bytes.count <= input.count,
                    entry.bytes.withUnsafeBytes({ ByteRuns.same($0.baseAddress!, start, count: $0.count) })
                {
                    return (entry.value, entry.bytes.count)
                }
            }
        }
        return nil
    }

    /// Notes that `value` was decoded from `text`: kept if the text was seen before.
    func insert(_ value: Value, for text: UnsafeRawBufferPointer) {
        guard text.count <= Self.longestText, let keyLength = Self.keyLengths.first(where: { $0 <= text.count }) else { return }
        let hash = ByteRuns.hash(text)
        let seenSlot = seen + (Int(truncatingIfNeeded: hash) & (Self.seenCount - 1))
        guard seenSlot.pointee == hash else {
            seenSlot.pointee = hash
            return
        }
        let set = set(of: text, keyLength: keyLength)
        let way = Int(nextWay[set])
        nextWay[set] = UInt8((way + 1) % Self.ways)
        slots[set * Self.ways + way] = Entry(bytes: Array(text), value: value)
    }

    /// A text is filed under a hash of its first `keyLength` bytes, the longest of `keyLengths`
    /// it holds: looking it up, where its length is not known yet, tries each in turn.
    private static var keyLengths: [Int] { [128, 64, 32, 16] }

    private func set(of text: UnsafeRawBufferPointer, keyLength: Int) -> Int {
        let key = UnsafeRawBufferPointer(rebasing: text.prefix(keyLength))
        return Int(truncatingIfNeeded: ByteRuns.hash(key) ^ UInt64(keyLength)) & (Self.setCount - 1)
    }
}

/// A resource's attributes as decoded once, and the resources made of them (one per schema URL).
final class DecodedResource {
    private static let schemaURLsKept = 8

    let attributes: [Attribute]
    private var made: [Resource] = []

    init(attributes: [Attribute]) {
        self.attributes = attributes
    }

    /// The resource of these attributes and `schemaURL`, shared with the batches before.
    func resource(schemaURL: String) -> Resource {
        if let known = made.first(where: { $0.schemaURL == schemaURL }) { return known }
        let resource = Resource(attributes: attributes, schemaURL: schemaURL)
        if made.count < Self.schemaURLsKept { made.append(resource) }
        return resource
    }
}

/// What a decoder remembers between the pieces of one input.
final class DecodingCaches {
    let strings = StringInterner()
    let resources = RecurringObjects<DecodedResource>()
    let scopes = RecurringObjects<InstrumentationScope>()
    /// Spans' attribute lists (the attributes of one RPC method's spans recur word for word).
    let attributeLists = RecurringObjects<[Attribute]>()
    let attributes = AttributeStack()
}
