import TraceModel

/// A reusable stack that attribute lists are parsed onto, then moved off into arrays of exactly
/// their size: a span's list costs one allocation of the memory it needs, instead of an array
/// grown (or reserved) for the most a span might carry. Nested lists (key-value list values) are
/// pushed above the list that holds them and taken off first.
final class AttributeStack {
    private var storage: UnsafeMutablePointer<Attribute>
    private var capacity: Int
    /// How many attributes the stack holds.
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func push(_ attribute: consuming Attribute) {
        if count == capacity { grow() }
        (storage + count).initialize(to: attribute)
        count += 1
    }

    /// Moves the attributes above `base` (a `count` read before they were pushed) into an array.
    func take(from base: Int) -> [Attribute] {
        let taken = count - base
        guard taken > 0 else { return [] }
        count = base
        return [Attribute](unsafeUninitializedCapacity: taken) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: storage + base, count: taken)
            initialized = taken
        }
    }

    /// Drops the attributes above `base` (after a failed parse).
    func drop(from base: Int) {
        guard count > base else { return }
        (storage + base).deinitialize(count: count - base)
        count = base
    }

    private func grow() {
        let larger = UnsafeMutablePointer<Attribute>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = larger
        capacity *= 2
    }
}
