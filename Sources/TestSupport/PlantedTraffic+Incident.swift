import TraceModel

extension PlantedTraffic {
    /// When an incident planted by `incident(...)` ran, in seconds after the epoch.
    public struct Incident: Sendable {
        public var startSeconds: UInt64
        public var endSeconds: UInt64

        public init(startSeconds: UInt64, endSeconds: UInt64) {
            (self.startSeconds, self.endSeconds) = (startSeconds, endSeconds)
        }
    }

    /// Three hours of checkouts, one every 2–4 s (about 3,600): the front end's `GET /checkout`
    /// calls order-service's `PlaceOrder` (20–40 ms, which queries its database). From
    /// `incident.startSeconds` to `incident.endSeconds` order-service fails one call in five
    /// (otherwise one in 300) and takes 200–400 ms.
    public static func incident(_ incident: Incident = Incident(startSeconds: 4_210, endSeconds: 6_030)) -> PlantedTraffic {
        var traffic = PlantedTraffic()
        var at: UInt64 = 0
        var trace: UInt64 = 1
        while at < 3 * 3_600 * 1_000_000 {
            let during = (incident.startSeconds * 1_000_000..<incident.endSeconds * 1_000_000).contains(at)
            let duration = during ? traffic.number(200_000...400_000) : traffic.number(20_000...40_000)
            let failed = traffic.number(1...300) <= (during ? 60 : 1)
            let root = traffic.add(
                trace: trace, parent: nil, service: "frontend", name: "GET /checkout", kind: .server, start: at, end: at + duration + 2_000,
                error: failed)
            traffic.call(
                trace: trace, parent: root, caller: "frontend", callee: "order-service", operation: "PlaceOrder", start: at + 1_000,
                end: at + 1_000 + duration, error: failed)
            trace += 1
            at += traffic.number(2_000_000...4_000_000)
        }
        return traffic
    }
}
