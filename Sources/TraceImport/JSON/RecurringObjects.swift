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
    /// A text is filed under a hash of its first `keyLength` bytes, the longest of 16, 32, 64
    /// and 128 that it holds: looking it up, where its length is not known yet, tries each in
    /// turn, from one pass over the input's first bytes.
    private static var shortestKey: Int { 16 }
    private static var longestKey: Int { 128 }

    /// The kept texts, a copy each (an empty one for a free slot), apart from their values, so
    /// that comparing them costs no reference counting.
    private let texts: UnsafeMutablePointer<UnsafeMutableRawBufferPointer>
    private let values: UnsafeMutablePointer<Value?>
    /// Per set, the way its next text goes to.
    private let nextWay: UnsafeMutablePointer<UInt8>
    private let seen: UnsafeMutablePointer<UInt64>

    init() {
        let slotCount = Self.setCount * Self.ways
        texts = .allocate(capacity: slotCount)
        texts.initialize(repeating: UnsafeMutableRawBufferPointer(start: nil, count: 0), count: slotCount)
        values = .allocate(capacity: slotCount)
        values.initialize(repeating: nil, count: slotCount)
        nextWay = .allocate(capacity: Self.setCount)
        nextWay.initialize(repeating: 0, count: Self.setCount)
        seen = .allocate(capacity: Self.seenCount)
        seen.initialize(repeating: 0, count: Self.seenCount)
    }

    deinit {
        let slotCount = Self.setCount * Self.ways
        for slot in 0..<slotCount where texts[slot].baseAddress != nil { texts[slot].deallocate() }
        texts.deallocate()
        values.deinitialize(count: slotCount)
        values.deallocate()
        nextWay.deallocate()
        seen.deallocate()
    }

    /// The value of a kept text that `input` begins with, and the text's length.
    func value(atStartOf input: UnsafeRawBufferPointer) -> (value: Value, length: Int)? {
        guard let start = input.baseAddress else { return nil }
        // Kept texts are whole JSON values, none the start of another: the first match is the one.
        return Self.forEachSet(of: input, through: Self.longestKey) { set in
            let first = set * Self.ways
            for slot in first..<(first + Self.ways) {
                let text = texts[slot]
                guard let base = text.baseAddress else { break }
                if text.count <= input.count, ByteRuns.same(base, start, count: text.count) { return (values[slot]!, text.count) }
            }
            return nil
        }
    }

    /// Notes that `value` was decoded from `text`: kept if the text was seen before.
    func insert(_ value: Value, for text: UnsafeRawBufferPointer) {
        guard text.count <= Self.longestText, text.count >= Self.shortestKey else { return }
        let hash = ByteRuns.hash(text)
        let seenSlot = seen + (Int(truncatingIfNeeded: hash) & (Self.seenCount - 1))
        guard seenSlot.pointee == hash else {
            seenSlot.pointee = hash
            return
        }
        // The set of the longest key the text holds: the last one the pass comes to.
        var set = 0
        _ = Self.forEachSet(of: text, through: Self.longestKey) { keySet -> Void? in
            set = keySet
            return nil
        }
        let way = Int(nextWay[set])
        nextWay[set] = UInt8((way + 1) % Self.ways)
        let slot = set * Self.ways + way
        if texts[slot].baseAddress != nil { texts[slot].deallocate() }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: text.count, alignment: 8)
        copy.copyMemory(from: text)
        texts[slot] = copy
        values[slot] = value
    }

    /// Calls `body` with the set of each key length `bytes` holds (up to `longest`), shortest
    /// first, until `body` returns a result. The hash of each
    /// longer key goes on from the shorter one's, so the first bytes are read once.
    @inline(__always)
    private static func forEachSet<Result>(
        of bytes: UnsafeRawBufferPointer, through longest: Int, _ body: (_ set: Int) -> Result?
    ) -> Result? {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
        var offset = 0
        var keyLength = shortestKey
        while keyLength <= min(longest, bytes.count) {
            while offset < keyLength {
                hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                hash ^= hash >> 32
                offset += 8
            }
            var key = (hash ^ UInt64(keyLength)) &* 0xC4CE_B9FE_1A85_EC53
            key ^= key >> 29
            if let result = body(Int(truncatingIfNeeded: key) & (setCount - 1)) { return result }
            keyLength *= 2
        }
        return nil
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
