/// Names in the order people expect when they hold numbers: runs of digits compare by value
/// (`/orders/2` before `/orders/10`), everything else byte by byte; names equal that way (`a01`,
/// `a1`) fall back to byte order, so the order is total and the same on every machine.
public enum NaturalOrder {
    /// Whether `a` comes before `b`.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        var (i, j) = (0, 0)
        while i < x.count && j < y.count {
            if isDigit(x[i]) && isDigit(y[j]) {
                let (first, afterFirst) = digitRun(x, from: i)
                let (second, afterSecond) = digitRun(y, from: j)
                // Without leading zeros, a longer run is a larger number.
                if first.count != second.count { return first.count < second.count }
                if first != second { return first.lexicographicallyPrecedes(second) }
                (i, j) = (afterFirst, afterSecond)
            } else {
                if x[i] != y[j] { return x[i] < y[j] }
                (i, j) = (i + 1, j + 1)
            }
        }
        if x.count - i != y.count - j { return x.count - i < y.count - j }
        return x.lexicographicallyPrecedes(y)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The digits of the run at `start` without leading zeros, and where the run ends.
    private static func digitRun(_ bytes: [UInt8], from start: Int) -> (ArraySlice<UInt8>, Int) {
        var end = start
        while end < bytes.count && isDigit(bytes[end]) { end += 1 }
        var first = start
        while first < end - 1 && bytes[first] == UInt8(ascii: "0") { first += 1 }
        return (bytes[first..<end], end)
    }
}
