/// Temporary storage for plain values, freed when it goes out of scope.
///
/// Working arrays of a few dozen numbers are made for every trace; on Linux each new `Array`
/// also looks up its storage type in the runtime's metadata cache, which costs more than the
/// allocation itself. A scratch buffer is only the allocation.
public struct Scratch<Element: BitwiseCopyable>: ~Copyable {
    @usableFromInline let buffer: UnsafeMutableBufferPointer<Element>

    /// `count` copies of `value`.
    @inlinable
    public init(repeating value: Element, count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: value)
    }

    /// `element(i)` for each `i` in `0..<count`.
    @inlinable
    public init(count: Int, _ element: (Int) -> Element) {
        buffer = .allocate(capacity: count)
        for index in 0..<count { (buffer.baseAddress! + index).initialize(to: element(index)) }
    }

    /// The elements of `other`.
    @inlinable
    public init(copying other: borrowing Scratch<Element>) {
        buffer = .allocate(capacity: other.count)
        if let base = buffer.baseAddress, let source = other.buffer.baseAddress { base.initialize(from: source, count: other.count) }
    }

    deinit { buffer.deallocate() }

    @inlinable public var count: Int { buffer.count }

    @inlinable
    public subscript(index: Int) -> Element {
        get { buffer[index] }
        nonmutating set { buffer[index] = newValue }
    }

    /// Sorts the elements in `range` in place.
    @inlinable
    public func sort(_ range: Range<Int>, by areInIncreasingOrder: (Element, Element) -> Bool) {
        var part = UnsafeMutableBufferPointer(rebasing: buffer[range])
        part.sort(by: areInIncreasingOrder)
    }
}
