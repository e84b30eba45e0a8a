import Foundation
public import TraceModel

/// Realistic synthetic traces, the same for the same seed: an online shop's microservices with
/// HTTP and gRPC calls, parallel fan-out to search shards, SQL and cache queries (long
/// statements), queue messages consumed asynchronously, errors with exception events, a few hosts
/// whose clocks are off, and a share of slow requests. For benchmarks, the generator tool and
/// tests that need inputs with known properties.
public struct SyntheticTraces {
    /// What to generate.
    public struct Options: Sendable {
        public var seed: UInt64
        /// The share of requests that fail somewhere (an error span with an exception event).
        public var errorRate: Double
        /// The share of requests in which one database query is 10–50 times slower than usual.
        public var slowRate: Double
        /// Operations (span names) whose own work takes this many times longer than usual.
        public var slowdown: [String: Double]
        /// Whether some hosts' clocks are off by a few milliseconds.
        public var skewedClocks: Bool
        /// Whether spans carry values of their own request, as real spans do: every span an order
        /// id (`app.order.id`), statements their literals (`WHERE p.id = 48213`, `cart:91f0…`)
        /// and one span in a hundred a request body of 1–4 KB. Without it, the spans of one RPC
        /// share their attribute lists word for word.
        public var uniqueValues: Bool

        public init(
            seed: UInt64 = 1, errorRate: Double = 0.02, slowRate: Double = 0.01, slowdown: [String: Double] = [:],
            skewedClocks: Bool = true, uniqueValues: Bool = false
        ) {
            self.seed = seed
            self.errorRate = errorRate
            self.slowRate = slowRate
            self.slowdown = slowdown
            self.skewedClocks = skewedClocks
            self.uniqueValues = uniqueValues
        }
    }

    /// The first trace starts here (2026-11-24T00:00:00Z); each next one 20 ms later on average.
    public static let epochUnixNano: UInt64 = 1_795_478_400_000_000_000

    public let options: Options
    private var random: SplitMix64
    /// Draws the unique values apart, so that the traffic is the same with them or without.
    private var uniqueRandom: SplitMix64
    private var traceNumber: UInt64 = 0
    private var clock = SyntheticTraces.epochUnixNano
    private let hosts: [String: [Host]]

    public init(options: Options = Options()) {
        self.options = options
        random = SplitMix64(seed: options.seed)
        uniqueRandom = SplitMix64(seed: ~options.seed)
        var hosts: [String: [Host]] = [:]
        for (serviceIndex, service) in Shop.services.enumerated() {
            hosts[service] = (0..<2).map { instance in
                let name = "\(service)-\(instance)"
                // Two instances run on hosts whose clocks are off: payments behind, email ahead.
                let skew: Int64 =
                    !options.skewedClocks ? 0 : service == "payments" && instance == 1 ? -7_000_000 : service == "email" ? 4_000_000 : 0
                let resource = Resource(attributes: [
                    Attribute(key: "service.name", value: .string(service)),
                    Attribute(key: "service.instance.id", value: .string(name)),
                    Attribute(key: "host.name", value: .string("node-\(serviceIndex * 2 + instance)")),
                    Attribute(key: "telemetry.sdk.language", value: .string(Shop.languages[serviceIndex % Shop.languages.count])),
                ])
                return Host(resource: resource, clockOffsetNano: skew)
            }
        }
        self.hosts = hosts
    }

    /// The spans of the next trace, parents before children.
    public mutating func nextTrace() -> [Span] {
        traceNumber += 1
        clock += 1_000_000 + random.next(below: 38_000_000)
        let traceID = TraceID(high: random.next() | 1, low: random.next())
        let failing = random.chance(options.errorRate)
        let slow = random.chance(options.slowRate)
        var plan = CallPlan()
        plan.build(entry: Shop.entries[Int(random.next(below: UInt64(Shop.entries.count)))], random: &random)
        if failing { plan.markFailure(random: &random) }
        if slow { plan.markSlowQuery(random: &random) }
        plan.schedule(start: clock, slowdown: options.slowdown, random: &random)
        var spans = plan.spans(traceID: traceID, firstSpanID: traceNumber << 20, hosts: hosts, random: &random)
        if options.uniqueValues { Attributes.makeUnique(&spans, random: &uniqueRandom) }
        return spans
    }

    struct Host {
        let resource: Resource
        let clockOffsetNano: Int64
    }
}

/// The shop: services, what each operation calls, and how long its own work takes.
enum Shop {
    static let services = [
        "frontend", "checkout", "cart", "catalog", "search", "payments", "users", "shipping", "email", "recommendation",
    ]
    static let languages = ["go", "java", "python", "nodejs", "dotnet"]

    /// Request entry points: (service, operation).
    static let entries: [(String, String)] = [
        ("frontend", "GET /product/{id}"), ("frontend", "GET /product/{id}"), ("frontend", "GET /search"),
        ("frontend", "POST /cart"), ("frontend", "POST /checkout"), ("frontend", "GET /"),
    ]

    /// What an operation does: its calls in order (`parallel` ones start together).
    enum Step {
        case call(service: String, operation: String, rpc: String)
        case parallel(service: String, operation: String, count: ClosedRange<Int>)
        case query(system: String, statement: String)
        case publish(queue: String, consumer: String, operation: String)
        case work(name: String)
    }

    static func steps(_ service: String, _ operation: String) -> [Step] {
        switch (service, operation) {
        case ("frontend", "GET /"):
            [
                .call(service: "catalog", operation: "ListProducts", rpc: "grpc"),
                .call(service: "recommendation", operation: "ListRecommendations", rpc: "grpc"), .work(name: "render home"),
            ]
        case ("frontend", "GET /product/{id}"):
            [
                .call(service: "catalog", operation: "GetProduct", rpc: "grpc"),
                .call(service: "recommendation", operation: "ListRecommendations", rpc: "grpc"),
                .call(service: "cart", operation: "GetCart", rpc: "grpc"), .work(name: "render product"),
            ]
        case ("frontend", "GET /search"):
            [.call(service: "search", operation: "Search", rpc: "grpc"), .work(name: "render results")]
        case ("frontend", "POST /cart"):
            [.call(service: "users", operation: "GetUser", rpc: "http"), .call(service: "cart", operation: "AddItem", rpc: "grpc")]
        case ("frontend", "POST /checkout"):
            [.call(service: "users", operation: "GetUser", rpc: "http"), .call(service: "checkout", operation: "PlaceOrder", rpc: "grpc")]
        case ("checkout", "PlaceOrder"):
            [
                .call(service: "cart", operation: "GetCart", rpc: "grpc"), .call(service: "catalog", operation: "GetProduct", rpc: "grpc"),
                .call(service: "payments", operation: "Charge", rpc: "http"),
                .call(service: "shipping", operation: "ShipOrder", rpc: "grpc"),
                .query(system: "postgresql", statement: Statements.insertOrder),
                .publish(queue: "orders", consumer: "email", operation: "SendConfirmation"),
            ]
        case ("cart", "GetCart"): [.query(system: "redis", statement: "HGETALL cart:{id}")]
        case ("cart", "AddItem"):
            [.query(system: "redis", statement: "HGETALL cart:{id}"), .query(system: "redis", statement: "HSET cart:{id} item qty")]
        case ("catalog", "GetProduct"): [.query(system: "postgresql", statement: Statements.selectProduct)]
        case ("catalog", "ListProducts"): [.query(system: "postgresql", statement: Statements.listProducts)]
        case ("search", "Search"):
            [.parallel(service: "search", operation: "QueryShard", count: 4...24), .work(name: "merge hits")]
        case ("search", "QueryShard"): [.work(name: "scan index")]
        case ("recommendation", "ListRecommendations"):
            [.call(service: "catalog", operation: "ListProducts", rpc: "grpc"), .work(name: "rank")]
        case ("payments", "Charge"): [.query(system: "postgresql", statement: Statements.insertPayment), .work(name: "call card network")]
        case ("users", "GetUser"):
            [.query(system: "redis", statement: "GET session:{id}"), .query(system: "postgresql", statement: Statements.selectUser)]
        case ("shipping", "ShipOrder"): [.work(name: "quote carrier")]
        case ("email", "SendConfirmation"): [.work(name: "render email"), .work(name: "smtp send")]
        default: []
        }
    }

    /// The median of an operation's own work, in nanoseconds.
    static func medianWork(_ name: String) -> UInt64 {
        switch name {
        case "call card network": 45_000_000
        case "smtp send": 30_000_000
        case "scan index": 6_000_000
        case let name where name.hasPrefix("render"): 3_000_000
        case "rank": 4_000_000
        default: 400_000
        }
    }
}

/// Long SQL, as ORMs write it.
enum Statements {
    static let selectProduct =
        "SELECT p.id, p.sku, p.name, p.description, p.price_cents, p.currency, p.stock, c.name AS category FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = $1 AND p.deleted_at IS NULL"
    static let listProducts =
        "SELECT p.id, p.sku, p.name, p.price_cents, p.currency FROM products p WHERE p.featured = true AND p.deleted_at IS NULL ORDER BY p.rank DESC, p.id LIMIT 50"
    static let insertOrder =
        "INSERT INTO orders (id, user_id, total_cents, currency, shipping_address, created_at) VALUES ($1, $2, $3, $4, $5, now()) RETURNING id"
    static let insertPayment =
        "INSERT INTO payments (id, order_id, amount_cents, currency, card_last4, status) VALUES ($1, $2, $3, $4, $5, 'authorized')"
    static let selectUser = "SELECT u.id, u.email, u.display_name, u.locale, u.tier FROM users u WHERE u.id = $1"
}

/// SplitMix64: small, fast and good enough for synthetic data; the same seed gives the same numbers.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound (bound > 0).
    public mutating func next(below bound: UInt64) -> UInt64 { next() % bound }

    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// A number in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A long-tailed factor around 1 (roughly log-normal: most near 1, a few several times larger).
    mutating func tail() -> Double {
        let u = (unit() + unit() + unit()) / 3  // bell-shaped in [0, 1)
        return 0.5 + u * u * 2.5 * (chance(0.05) ? 3 : 1)
    }
}

/// The calls of one request, planned as a tree before any time is known.
struct CallPlan {
    struct Node {
        var parent: Int?
        var children: [Int] = []
        var service: String
        var name: String
        var kind: SpanKind
        var attributes: [Attribute]
        /// The operation whose steps a server or consumer span performs.
        var operation: String?
        /// Starts together with its neighbouring parallel siblings.
        var parallel = false
        /// A consumer: starts after its producer has finished, and is not waited for.
        var asynchronous = false
        var ownWorkNano: UInt64
        var failed = false
        var events: [SpanEvent] = []
        var durationNano: UInt64 = 0
        var startNano: UInt64 = 0
    }

    private(set) var nodes: [Node] = []

    private mutating func add(_ node: Node) -> Int {
        nodes.append(node)
        if let parent = node.parent { nodes[parent].children.append(nodes.count - 1) }
        return nodes.count - 1
    }

    /// Expands the entry operation into every call it makes, parents before children.
    mutating func build(entry: (service: String, operation: String), random: inout SplitMix64) {
        let root = add(
            Node(
                service: entry.service, name: entry.operation, kind: .server,
                attributes: Attributes.httpServer(route: entry.operation, random: &random), operation: entry.operation,
                ownWorkNano: 600_000))
        var pending = [root]
        while let index = pending.popLast() {
            let service = nodes[index].service
            for step in Shop.steps(service, nodes[index].operation ?? "") {
                switch step {
                case .call(let callee, let operation, let rpc):
                    pending.append(call(from: index, to: callee, operation: operation, rpc: rpc, parallel: false, random: &random))
                case .parallel(let callee, let operation, let count):
                    let n = count.lowerBound + Int(random.next(below: UInt64(count.count)))
                    for _ in 0..<n {
                        pending.append(call(from: index, to: callee, operation: operation, rpc: "grpc", parallel: true, random: &random))
                    }
                case .query(let system, let statement):
                    let verb = statement.split(separator: " ").first.map(String.init) ?? "QUERY"
                    _ = add(
                        Node(
                            parent: index, service: service, name: system == "redis" ? verb : "\(verb) shop", kind: .client,
                            attributes: Attributes.database(system: system, statement: statement),
                            ownWorkNano: system == "redis" ? 250_000 : 1_200_000))
                case .publish(let queue, let consumer, let operation):
                    let producer = add(
                        Node(
                            parent: index, service: service, name: "\(queue) publish", kind: .producer,
                            attributes: Attributes.messaging(queue: queue, operation: "publish"), ownWorkNano: 300_000))
                    pending.append(
                        add(
                            Node(
                                parent: producer, service: consumer, name: "\(queue) process", kind: .consumer,
                                attributes: Attributes.messaging(queue: queue, operation: "process"), operation: operation,
                                asynchronous: true, ownWorkNano: 200_000)))
                case .work(let name):
                    _ = add(
                        Node(
                            parent: index, service: service, name: name, kind: .internal, attributes: [], ownWorkNano: Shop.medianWork(name)
                        ))
                }
            }
        }
    }

    /// A client span in the caller and the server span it reaches; returns the server span.
    private mutating func call(
        from caller: Int, to callee: String, operation: String, rpc: String, parallel: Bool, random: inout SplitMix64
    ) -> Int {
        let http = rpc == "http"
        let clientName = http ? "POST" : "shop.\(callee)/\(operation)"
        let client = add(
            Node(
                parent: caller, service: nodes[caller].service, name: clientName, kind: .client,
                attributes: http
                    ? Attributes.httpClient(callee: callee, operation: operation, random: &random)
                    : Attributes.rpc(callee: callee, operation: operation, client: true),
                parallel: parallel, ownWorkNano: 150_000 + random.next(below: 900_000)))
        return add(
            Node(
                parent: client, service: callee, name: http ? "POST /\(operation.lowercased())" : "shop.\(callee)/\(operation)",
                kind: .server,
                attributes: http
                    ? Attributes.httpServer(route: "/\(operation.lowercased())", random: &random)
                    : Attributes.rpc(callee: callee, operation: operation, client: false),
                operation: operation, ownWorkNano: 300_000))
    }

    /// Fails one call and the requests waiting on it, as an error travels back to the user.
    mutating func markFailure(random: inout SplitMix64) {
        let candidates = nodes.indices.filter { nodes[$0].parent != nil && !nodes[$0].asynchronous && nodes[$0].kind != .internal }
        guard !candidates.isEmpty else { return }
        let failing = candidates[Int(random.next(below: UInt64(candidates.count)))]
        nodes[failing].events.append(
            SpanEvent(
                timeUnixNano: 0, name: "exception",
                attributes: [
                    Attribute(key: "exception.type", value: .string("TimeoutError")),
                    Attribute(key: "exception.message", value: .string("deadline exceeded after 2s waiting for \(nodes[failing].name)")),
                    Attribute(key: "exception.stacktrace", value: .string(Attributes.stackTrace)),
                ]))
        var current: Int? = failing
        while let index = current {
            nodes[index].failed = true
            if nodes[index].asynchronous { break }
            current = nodes[index].parent
        }
    }

    /// Makes one database query of the request 10–50 times slower (a lock wait, a cold cache).
    mutating func markSlowQuery(random: inout SplitMix64) {
        let queries = nodes.indices.filter { nodes[$0].kind == .client && nodes[$0].children.isEmpty }
        guard !queries.isEmpty else { return }
        let index = queries[Int(random.next(below: UInt64(queries.count)))]
        nodes[index].ownWorkNano *= 10 + random.next(below: 41)
    }

    /// Works out durations from the leaves up, then start times from the root down.
    mutating func schedule(start: UInt64, slowdown: [String: Double], random: inout SplitMix64) {
        for index in nodes.indices.reversed() {
            var own = Double(nodes[index].ownWorkNano) * random.tail()
            if let factor = slowdown[nodes[index].name] { own *= factor }
            var waited: UInt64 = 0
            var parallelBlock: UInt64 = 0
            for child in nodes[index].children where !nodes[child].asynchronous {
                if nodes[child].parallel {
                    parallelBlock = max(parallelBlock, nodes[child].durationNano)
                } else {
                    waited += parallelBlock + nodes[child].durationNano + 30_000
                    parallelBlock = 0
                }
            }
            waited += parallelBlock
            if nodes[index].kind == .client, !nodes[index].children.isEmpty {
                own = min(own, 2_000_000)  // the network, both ways
            }
            nodes[index].ownWorkNano = UInt64(own)
            nodes[index].durationNano = UInt64(own) + waited
        }
        nodes[0].startNano = start
        for index in nodes.indices {
            var cursor = nodes[index].startNano + nodes[index].ownWorkNano / 2
            var parallelEnd = cursor
            for child in nodes[index].children {
                if nodes[child].asynchronous {
                    // Picked off the queue some time after it was published.
                    nodes[child].startNano = nodes[index].startNano + nodes[index].durationNano + 500_000 + random.next(below: 20_000_000)
                } else if nodes[child].parallel {
                    nodes[child].startNano = cursor + random.next(below: 40_000)
                    parallelEnd = max(parallelEnd, nodes[child].startNano + nodes[child].durationNano)
                } else {
                    cursor = max(cursor, parallelEnd)
                    nodes[child].startNano = cursor
                    cursor += nodes[child].durationNano + 30_000
                    parallelEnd = cursor
                }
            }
            for event in nodes[index].events.indices {
                nodes[index].events[event].timeUnixNano = nodes[index].startNano + nodes[index].durationNano
            }
        }
    }

    /// The planned calls as spans; each server or consumer runs on one of its service's hosts,
    /// whose clock may be off, and the spans it makes share that host.
    func spans(traceID: TraceID, firstSpanID: UInt64, hosts: [String: [SyntheticTraces.Host]], random: inout SplitMix64) -> [Span] {
        var hostOf = [SyntheticTraces.Host?](repeating: nil, count: nodes.count)
        var spans: [Span] = []
        spans.reserveCapacity(nodes.count)
        for (index, node) in nodes.enumerated() {
            let host: SyntheticTraces.Host
            if let parent = node.parent, node.kind != .server && node.kind != .consumer, let inherited = hostOf[parent] {
                host = inherited
            } else {
                let candidates = hosts[node.service]!
                host = candidates[Int(random.next(below: UInt64(candidates.count)))]
            }
            hostOf[index] = host
            func onHostClock(_ time: UInt64) -> UInt64 { UInt64(Int64(time) + host.clockOffsetNano) }
            var events = node.events
            for event in events.indices { events[event].timeUnixNano = onHostClock(events[event].timeUnixNano) }
            var attributes = node.attributes
            if node.failed, let status = attributes.firstIndex(where: { $0.key == "http.response.status_code" }) {
                attributes[status].value = .int(node.kind == .client ? 504 : 500)
            }
            spans.append(
                Span(
                    traceID: traceID, spanID: SpanID(firstSpanID + UInt64(index) + 1),
                    parentSpanID: node.parent.map { SpanID(firstSpanID + UInt64($0) + 1) },
                    parentRelation: node.asynchronous ? .followsFrom : .childOf, name: node.name, kind: node.kind,
                    startTimeUnixNano: onHostClock(node.startNano), endTimeUnixNano: onHostClock(node.startNano + node.durationNano),
                    status: node.failed ? SpanStatus(code: .error, message: "deadline exceeded") : SpanStatus(),
                    attributes: attributes, events: events, resource: host.resource,
                    scope: Attributes.scope))
        }
        return spans
    }
}

/// Attribute sets of the kinds real instrumentation writes (OpenTelemetry semantic conventions).
enum Attributes {
    static let scope = InstrumentationScope(name: "io.opentelemetry.synthetic", version: "1.4.0")

    static let userAgents = [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "okhttp/4.12.0",
    ]

    static let stackTrace = (0..<12).map {
        "    at shop.\(["cart", "checkout", "payments"][$0 % 3]).Handler.step\($0)(Handler.java:\(100 + $0 * 7))"
    }
    .joined(separator: "\n")

    static func httpServer(route: String, random: inout SplitMix64) -> [Attribute] {
        let parts = route.split(separator: " ", maxSplits: 1)
        let (method, path) = parts.count == 2 ? (String(parts[0]), String(parts[1])) : ("POST", route)
        return [
            Attribute(key: "http.request.method", value: .string(method)),
            Attribute(key: "http.route", value: .string(path)),
            Attribute(
                key: "url.path",
                value: .string(
                    path.split(separator: "{id}", omittingEmptySubsequences: false).joined(
                        separator: String(random.next(below: 90_000) + 10_000)))),
            Attribute(key: "http.response.status_code", value: .int(200)),
            Attribute(key: "user_agent.original", value: .string(userAgents[Int(random.next(below: UInt64(userAgents.count)))])),
            Attribute(key: "client.address", value: .string("10.0.\(random.next(below: 256)).\(random.next(below: 256))")),
            Attribute(key: "enduser.id", value: .string("user-\(random.next(below: 5_000))")),
        ]
    }

    static func httpClient(callee: String, operation: String, random: inout SplitMix64) -> [Attribute] {
        let key = String(random.next(), radix: 16)
        return [
            Attribute(key: "http.request.method", value: .string("POST")),
            Attribute(
                key: "url.full", value: .string("http://\(callee):8080/\(operation.lowercased())?currency=EUR&idempotency_key=\(key)")),
            Attribute(key: "server.address", value: .string(callee)),
            Attribute(key: "peer.service", value: .string(callee)),
            Attribute(key: "http.response.status_code", value: .int(200)),
        ]
    }

    static func rpc(callee: String, operation: String, client: Bool) -> [Attribute] {
        var attributes = [
            Attribute(key: "rpc.system", value: .string("grpc")),
            Attribute(key: "rpc.service", value: .string("shop.\(callee)")),
            Attribute(key: "rpc.method", value: .string(operation)),
        ]
        if client {
            attributes.append(Attribute(key: "server.address", value: .string("\(callee).shop.svc.cluster.local")))
            attributes.append(Attribute(key: "peer.service", value: .string(callee)))
        }
        return attributes
    }

    static func database(system: String, statement: String) -> [Attribute] {
        [
            Attribute(key: "db.system", value: .string(system)),
            Attribute(key: "db.name", value: .string(system == "redis" ? "0" : "shop")),
            Attribute(key: "db.statement", value: .string(statement)),
            Attribute(key: "server.address", value: .string(system == "redis" ? "redis-main" : "pg-primary")),
        ]
    }

    /// Gives `spans` (one request's) values of their own: an order id on every span, literals in
    /// statements, and now and then a large request body.
    static func makeUnique(_ spans: inout [Span], random: inout SplitMix64) {
        let order = String(random.next(), radix: 16)
        for index in spans.indices {
            spans[index].attributes.append(Attribute(key: "app.order.id", value: .string("ord-\(order)")))
            if let position = spans[index].attributes.firstIndex(where: { $0.key == "db.statement" }),
                case .string(let statement) = spans[index].attributes[position].value
            {
                var literal = statement.replacingOccurrences(of: "{id}", with: String(random.next(), radix: 16))
                for parameter in (1...5).reversed() {
                    literal = literal.replacingOccurrences(of: "$\(parameter)", with: "\(random.next(below: 1_000_000))")
                }
                spans[index].attributes[position].value = .string(literal)
            }
            if random.chance(0.01) {
                let body = (0..<(16 + Int(random.next(below: 48)))).map { _ in String(random.next(), radix: 36) }.joined(separator: " ")
                spans[index].attributes.append(Attribute(key: "http.request.body", value: .string(String(repeating: body, count: 4))))
            }
        }
    }

    static func messaging(queue: String, operation: String) -> [Attribute] {
        [
            Attribute(key: "messaging.system", value: .string("kafka")),
            Attribute(key: "messaging.destination.name", value: .string(queue)),
            Attribute(key: "messaging.operation", value: .string(operation)),
        ]
    }
}
