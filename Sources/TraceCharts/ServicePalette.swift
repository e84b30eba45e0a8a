/// A stable colour slot per service: the same service gets the same slot on every page unless two
/// services of one trace collide, in which case the later one (by name) takes the next free slot.
public struct ServicePalette: Sendable {
    /// How many colours the stylesheet defines (CSS classes `c0` … `c15`).
    public static let size = 16

    private var slots: [String: Int] = [:]

    /// Assigns slots to `services`, in name order.
    public init(services: some Sequence<String>) {
        var taken = Set<Int>()
        for service in Set(services).sorted() {
            var slot = Self.preferredSlot(service)
            if taken.count < Self.size {
                while taken.contains(slot) { slot = (slot + 1) % Self.size }
            }
            taken.insert(slot)
            slots[service] = slot
        }
    }

    /// The CSS class holding the service's colour, e.g. "c7".
    public func colorClass(_ service: String) -> String {
        "c\(slots[service] ?? Self.preferredSlot(service))"
    }

    /// FNV-1a of the name, so the slot does not depend on Swift's per-process hash seed.
    static func preferredSlot(_ service: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in service.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return Int(hash % UInt32(size))
    }
}
