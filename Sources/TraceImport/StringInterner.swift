/// A bounded cache of the strings a decoder builds, so that text repeated across spans (operation
/// names, attribute keys, user agents, SQL) is held once instead of once per span.
///
/// Direct-mapped by a hash of the bytes: a miss replaces the slot, so the cache stays small
/// however many distinct strings pass. Strings of 15 bytes or fewer live inside a String without
/// an allocation and gain nothing; very long ones rarely repeat; both bypass the cache.
final class StringInterner {
    private static let slotCount = 4_096
    private static let cachedLengths = 16...1_024

    private let hashes: UnsafeMutablePointer<UInt64>
    private let strings: UnsafeMutablePointer<String?>

    init() {
        hashes = .allocate(capacity: Self.slotCount)
        hashes.initialize(repeating: 0, count: Self.slotCount)
        strings = .allocate(capacity: Self.slotCount)
        strings.initialize(repeating: nil, count: Self.slotCount)
    }

    deinit {
        strings.deinitialize(count: Self.slotCount)
        strings.deallocate()
        hashes.deallocate()
    }

    /// The String holding `bytes` (UTF-8; invalid sequences become U+FFFD, as `String(decoding:)`).
    func string(_ bytes: UnsafeRawBufferPointer) -> String {
        guard Self.cachedLengths.contains(bytes.count) else { return String(decoding: bytes, as: UTF8.self) }
        let hash = Self.hash(bytes)
        let slot = Int(truncatingIfNeeded: hash) & (Self.slotCount - 1)
        if hashes[slot] == hash, let cached = strings[slot], Self.holds(cached, bytes) { return cached }
        let made = String(decoding: bytes, as: UTF8.self)
        hashes[slot] = hash
        strings[slot] = made
        return made
    }

    /// Whether `string` is made of exactly `bytes`. A string decoded from invalid UTF-8 differs
    /// from its bytes, so it never matches them (they are simply decoded again).
    private static func holds(_ string: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let same = string.utf8.withContiguousStorageIfAvailable { stored in
            stored.count == bytes.count && memoryEqual(UnsafeRawBufferPointer(stored), bytes)
        }
        return same ?? false
    }

    private static func memoryEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index + 8 <= a.count {
            if a.loadUnaligned(fromByteOffset: index, as: UInt64.self) != b.loadUnaligned(fromByteOffset: index, as: UInt64.self) {
                return false
            }
            index += 8
        }
        while index < a.count {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }

    /// A fast, non-cryptographic 64-bit hash, eight bytes at a time (the cache only needs spread).
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var index = 0
        while index + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            index += 8
        }
        var tail: UInt64 = 0
        while index < bytes.count {
            tail = tail << 8 | UInt64(bytes[index])
            index += 1
        }
        hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 29)
    }
}
