import Testing
import TraceModel

/// Names with numbers in the order people expect, and a total order all the same.
struct NaturalOrderTests {
    @Test func numbersCompareByValue() {
        let names = [
            "payments /10", "payments /2", "payments /1", "payments /0", "payments /", "payment", "payments /1a", "a10b2", "a10b10", "a9",
        ]
        #expect(
            names.sorted(by: NaturalOrder.precedes)
                == [
                    "a9", "a10b2", "a10b10", "payment", "payments /", "payments /0", "payments /1", "payments /1a", "payments /2",
                    "payments /10",
                ])
    }

    @Test func theOrderIsTotal() {
        // Equal as numbers, told apart by bytes; never both before each other.
        #expect(NaturalOrder.precedes("a01", "a1") != NaturalOrder.precedes("a1", "a01"))
        #expect(!NaturalOrder.precedes("x", "x"))
        let names = [
            "", "0", "00", "000001", "1", "é1", "e1", "a" + String(repeating: "9", count: 40), "a" + String(repeating: "9", count: 39),
        ]
        for a in names {
            for b in names where a != b {
                #expect(NaturalOrder.precedes(a, b) != NaturalOrder.precedes(b, a), "\(a) \(b)")
            }
        }
    }
}
