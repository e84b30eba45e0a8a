/// An input read front to back, whose first bytes can be looked at before deciding how to read
/// the rest (its compression, its format), and read whole within a limit.
final class BufferedInput: ByteSource {
    private let source: any ByteSource
    /// Bytes read from the source and not yet handed out, from `start`.
    private let buffer = ByteBuffer()
    private var start = 0
    private var sourceEnded = false

    init(_ source: any ByteSource) { self.source = source }

    /// The next bytes without taking them: at least `count`, unless the input ends sooner.
    func peek<Value>(_ count: Int, _ body: (UnsafeRawBufferPointer) throws(ImportError) -> Value) throws(ImportError) -> Value {
        try fill(count)
        return try body(UnsafeRawBufferPointer(rebasing: buffer.bytes[start..<min(buffer.count, start + count)]))
    }

    /// Whether the bytes `peek` sees are all there is.
    func isWhollyBuffered(upTo count: Int) -> Bool { sourceEnded && buffer.count - start <= count }

    func read(into output: UnsafeMutableRawBufferPointer) throws(ImportError) -> Int {
        if start < buffer.count {
            let count = min(output.count, buffer.count - start)
            output.baseAddress!.copyMemory(from: buffer.bytes.baseAddress! + start, byteCount: count)
            start += count
            if start == buffer.count {
                buffer.removeAll()
                start = 0
            }
            return count
        }
        return sourceEnded ? 0 : try source.read(into: output)
    }

    /// The rest of the input, in one buffer, and the failure that ended it early, if one did (a
    /// compressed stream that broke, a read error): then the bytes are those before it.
    /// - Parameters:
    ///   - expected: how many bytes there are likely to be (a file's size), to allocate once.
    ///   - limit: more bytes than this are not read: `tooLarge` is thrown instead.
    func readAll(
        expected: Int = 0, limit: Int, tooLarge: (Int) -> ImportError
    ) throws(ImportError) -> (bytes: ByteBuffer, failure: ImportError?) {
        // Room for what is expected and a little more, so that the read that finds the end
        // does not make the buffer grow.
        let all = ByteBuffer(capacity: min(max(expected, buffer.count - start) + (1 << 16), limit + 1))
        all.append(UnsafeRawBufferPointer(rebasing: buffer.bytes[start...]))
        buffer.removeAll()
        start = 0
        while !sourceEnded {
            let count: Int
            do {
                // The room left, or (once it is full) half as much again as there is.
                let room = all.capacity - all.count
                count = try all.read(from: source, atMost: room > 0 ? room : max(1 << 16, min(all.count / 2, 64 << 20)))
            } catch {
                sourceEnded = true
                return (all, error)
            }
            if count == 0 { sourceEnded = true }
            guard all.count <= limit else { throw tooLarge(limit) }
        }
        return (all, nil)
    }

    /// Reads from the source until `count` bytes wait in the buffer or the source ends.
    private func fill(_ count: Int) throws(ImportError) {
        while buffer.count - start < count, !sourceEnded {
            if try buffer.read(from: source, atMost: max(count - (buffer.count - start), 1 << 16)) == 0 { sourceEnded = true }
        }
    }
}
