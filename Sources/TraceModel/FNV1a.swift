/// 64-bit FNV-1a: a small, stable, non-cryptographic hash, for names derived from text (stable ids
/// for non-hex ids, unique suffixes for file names). Stable across runs, unlike `Hasher`.
public enum FNV1a {
    public static func hash(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }
}
