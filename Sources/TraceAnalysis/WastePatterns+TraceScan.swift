import TraceAssembly
import TraceModel

extension WastePatterns {
    /// The patterns in one trace. A call is a span its parent waited for that reaches out of the
    /// parent's code: a CLIENT span, a database span (`db.system`), or a span of another service
    /// right under the parent; what it calls is its callee, named as the service graph names it.
    /// Calls under one parent are "of one kind" when they have the same service, operation,
    /// callee and statement shape (literals taken out).
    struct TraceScan {
        let trace: Trace
        let thresholds: Thresholds
        /// Children of span `p`: `children[childStart[p]..<childStart[p + 1]]`, in start order.
        private var childStart: [Int]
        private var children: [Int]

        /// A call overlapping the one before by up to a tenth of that one's duration, and at most
        /// this, still counts as made after it: clocks truncated to milliseconds (JavaScript,
        /// some Zipkin reporters) blur the edges.
        static let toleranceNano: UInt64 = 1_000_000

        init(trace: Trace, thresholds: Thresholds) {
            self.trace = trace
            self.thresholds = thresholds
            let count = trace.spans.count
            var start = [Int](repeating: 0, count: count + 1)
            for parent in trace.parentIndex { if let parent { start[parent + 1] += 1 } }
            for index in 0..<count { start[index + 1] += start[index] }
            var fill = start
            var children = [Int](repeating: 0, count: start[count])
            // Display order lists siblings by start time, so filling in index order keeps it.
            for index in 0..<count {
                guard let parent = trace.parentIndex[index] else { continue }
                children[fill[parent]] = index
                fill[parent] += 1
            }
            self.childStart = start
            self.children = children
        }

        private func childList(_ parent: Int) -> ArraySlice<Int> { children[childStart[parent]..<childStart[parent + 1]] }

        /// Every pattern found, per subject.
        func occurrences() -> [Pattern: [Subject: Occurrence]] {
            var found: [Pattern: [Subject: Occurrence]] = [:]
            // Every call with a named callee, for chatty edges; grouped only if there are enough.
            var named: [(call: Int, caller: String, callee: String)] = []
            for parent in trace.spans.indices where childStart[parent + 1] > childStart[parent] {
                uninstrumented(parent, into: &found)
                // A closure, not `filter(isCall)`: a method taken as a value copies the whole scan.
                let calls = childList(parent).filter { isCall($0) }
                guard !calls.isEmpty else { continue }
                let described = calls.map { call in
                    Call(
                        index: call,
                        kind: CallKind(service: trace.spans[call].service, operation: trace.spans[call].name, callee: callee(of: call)))
                }
                for call in described where !call.kind.callee.isEmpty {
                    let caller = trace.spans[call.index].kind == .server ? trace.spans[parent].service : call.kind.service
                    // A service calling itself is no edge of the service graph.
                    if caller != call.kind.callee { named.append((call.index, caller, call.kind.callee)) }
                }
                guard described.count >= 2 else { continue }
                repeated(parent, described, into: &found)
                sequential(parent, described, into: &found)
            }
            if named.count >= max(2, thresholds.chattyCalls) {
                var edges: [Edge: [Int]] = [:]
                for entry in named {
                    edges[Edge(caller: entry.caller, callee: entry.callee), default: []].append(entry.call)
                }
                chatty(edges, into: &found)
            }
            return found
        }

        // MARK: Calls

        /// Whether the parent of `index` waited for it and it reaches out of the parent's code.
        private func isCall(_ index: Int) -> Bool {
            // Fields are read in place: a copy of the span would cost a dozen reference counts.
            let kind = trace.spans[index].kind
            guard trace.spans[index].parentRelation != .followsFrom, kind != .producer, kind != .consumer else { return false }
            if kind == .client { return true }
            if trace.spans[index].attributes[key: "db.system"] != nil || trace.spans[index].attributes[key: "db.system.name"] != nil {
                return true
            }
            guard kind == .server, let parent = trace.parentIndex[index] else { return false }
            return trace.spans[parent].kind != .client && trace.spans[parent].service != trace.spans[index].service
        }

        /// What a call calls: the service of its first child in another service, its own service
        /// for a server span, else what its attributes name (a database, a host); "" if nothing.
        private func callee(of index: Int) -> String {
            if trace.spans[index].kind == .server { return trace.spans[index].service }
            for child in childList(index) where trace.spans[child].service != trace.spans[index].service {
                return trace.spans[child].service
            }
            return ServiceCalls.virtualCallee(attributes: trace.spans[index].attributes) ?? ""
        }

        /// Calls are of one kind when these agree (and, for N+1 calls, their statements' shapes).
        private struct CallKind: Hashable {
            var service: String
            var operation: String
            var callee: String
            var statement = ""

            /// The callee, or the call itself when it names none.
            var calleeName: String { callee.isEmpty ? "\(service): \(operation)" : callee }
        }

        private struct Call {
            var index: Int
            var kind: CallKind
        }

        /// The shape of the statement of call `index` (empty when it has none).
        private func statementShape(of index: Int) -> String {
            let attributes = trace.spans[index].attributes
            // `sql.query` is what Brave (Zipkin's Java tracer) records.
            let statement = ["db.query.text", "db.statement", "sql.query"].lazy.compactMap { attributes[key: $0]?.description }.first
            return statement.map(StatementShape.shape) ?? ""
        }

        /// How a repeated call is named in a row: its operation, its service when not the
        /// caller's, its callee when named apart, and its statement's shape.
        private func name(_ kind: CallKind, under parent: Int) -> String {
            // Shown without the white space around it: some SQL instrumentations name a span with its
            // statement's first line, a line break.
            let start = kind.operation.firstIndex { !$0.isWhitespace } ?? kind.operation.endIndex
            let end = kind.operation.lastIndex { !$0.isWhitespace }.map { kind.operation.index(after: $0) } ?? start
            let operation = String(kind.operation[start..<max(start, end)])
            var name = kind.service == trace.spans[parent].service ? operation : "\(kind.service): \(operation)"
            if !kind.callee.isEmpty, kind.callee != kind.service { name += name.isEmpty ? kind.callee : " @ \(kind.callee)" }
            if !kind.statement.isEmpty, kind.statement != kind.operation { name += name.isEmpty ? kind.statement : " — \(kind.statement)" }
            return name
        }

        private func subject(_ parent: Int, target: String) -> Subject {
            Subject(service: trace.spans[parent].service, operation: trace.spans[parent].name, target: target)
        }

        private func start(_ index: Int) -> UInt64 { trace.spans[index].startTimeUnixNano }
        private func end(_ index: Int) -> UInt64 { trace.spans[index].startTimeUnixNano.saturatingAdding(trace.spans[index].durationNano) }

        /// Whether `next` starts once `previous` has ended (within the tolerance).
        private func follows(_ next: Int, _ previous: Int) -> Bool {
            start(next).saturatingAdding(tolerance(after: previous)) >= end(previous)
        }

        private func tolerance(after call: Int) -> UInt64 { min(Self.toleranceNano, trace.spans[call].durationNano / 10) }

        // MARK: Patterns

        /// N+1 calls and retries: calls of one kind under `parent` (for retries, whatever their
        /// statements).
        private func repeated(_ parent: Int, _ calls: [Call], into found: inout [Pattern: [Subject: Occurrence]]) {
            let minimum = max(2, thresholds.nPlusOneCalls)
            for (kind, group) in Self.grouped(calls.map { ($0.kind, $0.index) }) where group.count >= 2 {
                if group.count >= minimum { nPlusOne(parent, kind, group, into: &found) }
                guard group.contains(where: { trace.spans[$0].status.isError }) else { continue }
                var target: String?
                func named() -> String {
                    if let target { return target }
                    target = name(kind, under: parent)
                    return target!
                }
                var chain = (attempts: 0, lost: UInt64(0))
                for position in group.indices.dropFirst() {
                    let (previous, call) = (group[position - 1], group[position])
                    if trace.spans[previous].status.isError, follows(call, previous) {
                        chain.attempts = chain.attempts == 0 ? 2 : chain.attempts + 1
                        chain.lost = chain.lost.saturatingAdding(start(call).saturatingSubtracting(start(previous)))
                        continue
                    }
                    if chain.attempts > 0 {
                        found[.retries, default: [:]][subject(parent, target: named()), default: Occurrence()].add(
                            calls: chain.attempts, lostNano: chain.lost)
                        chain = (0, 0)
                    }
                }
                if chain.attempts > 0 {
                    found[.retries, default: [:]][subject(parent, target: named()), default: Occurrence()].add(
                        calls: chain.attempts, lostNano: chain.lost)
                }
            }
        }

        /// The calls of `group` (of one kind but for statements) whose statements share a shape,
        /// where there are enough of them and they ran one after another.
        private func nPlusOne(_ parent: Int, _ kind: CallKind, _ group: [Int], into found: inout [Pattern: [Subject: Occurrence]]) {
            for (shape, calls) in Self.grouped(group.map { (statementShape(of: $0), $0) }) {
                guard calls.count >= max(2, thresholds.nPlusOneCalls), let lost = serialSavings(calls) else { continue }
                var shaped = kind
                shaped.statement = shape
                found[.nPlusOne, default: [:]][subject(parent, target: name(shaped, under: parent)), default: Occurrence()].add(
                    calls: calls.count, lostNano: lost)
            }
        }

        /// `items`' values grouped by key, groups in the order of their first item. The calls under
        /// one span are of a few kinds: comparing with each group costs less than hashing the
        /// strings of a key, until there are many.
        static func grouped<Key: Hashable>(_ items: [(Key, Int)]) -> [(key: Key, values: [Int])] {
            var groups: [(key: Key, values: [Int])] = []
            var positions: [Key: Int] = [:]
            for (key, value) in items {
                if positions.isEmpty {
                    if let position = groups.firstIndex(where: { $0.key == key }) {
                        groups[position].values.append(value)
                        continue
                    }
                    guard groups.count == 8 else {
                        groups.append((key, [value]))
                        continue
                    }
                    for (position, group) in groups.enumerated() { positions[group.key] = position }
                }
                if let position = positions[key] {
                    groups[position].values.append(value)
                } else {
                    positions[key] = groups.count
                    groups.append((key, [value]))
                }
            }
            return groups
        }

        /// For calls (in start order) that ran one after another, their summed duration less the
        /// longest; nil when any two overlapped by more than the tolerance.
        private func serialSavings(_ calls: [Int]) -> UInt64? {
            var latest = calls[0]
            for call in calls.dropFirst() {
                guard follows(call, latest) else { return nil }
                if end(call) >= end(latest) { latest = call }
            }
            let durations = calls.map { trace.spans[$0].durationNano }
            return durations.saturatingSum().saturatingSubtracting(durations.max()!)
        }

        /// Runs of calls to different callees, one after another, that the parent waited for.
        private func sequential(_ parent: Int, _ calls: [Call], into found: inout [Pattern: [Subject: Occurrence]]) {
            let minimum = max(2, thresholds.sequentialCalls)
            guard calls.count >= minimum else { return }
            // Most calls under one span go to one or two callees: then there is no run to find.
            var callees: [String] = []
            for call in calls where !callees.contains(call.kind.calleeName) {
                callees.append(call.kind.calleeName)
                if callees.count == minimum { break }
            }
            guard callees.count >= minimum else { return }
            let parentEnd = end(parent)
            // Only calls overlapping no sibling call make runs: one made beside others is not
            // waiting for them.
            var alone = [Bool](repeating: true, count: calls.count)
            var latest = 0
            for position in calls.indices.dropFirst() {
                if !follows(calls[position].index, calls[latest].index) { (alone[latest], alone[position]) = (false, false) }
                if end(calls[position].index) >= end(calls[latest].index) { latest = position }
            }
            var run: [Call] = []
            func close() {
                defer { run.removeAll(keepingCapacity: true) }
                guard run.count >= minimum, parentEnd.saturatingAdding(tolerance(after: run.last!.index)) >= end(run.last!.index),
                    let lost = serialSavings(run.map(\.index)), lost > 0
                else { return }
                let names = run.map(\.kind.calleeName)
                let target =
                    names.count > 6 ? names.prefix(5).joined(separator: " → ") + " → … (\(names.count))" : names.joined(separator: " → ")
                found[.sequentialCalls, default: [:]][subject(parent, target: target), default: Occurrence()].add(
                    calls: run.count, lostNano: lost)
            }
            for (position, call) in calls.enumerated() {
                guard alone[position] else {
                    close()
                    continue
                }
                let callee = call.kind.calleeName
                if run.contains(where: { $0.kind.calleeName == callee }) { close() }
                run.append(call)
            }
            close()
        }

        /// A span with children whose own time on the critical path is most of it.
        private func uninstrumented(_ index: Int, into found: inout [Pattern: [Subject: Occurrence]]) {
            let own = trace.criticalPathNano[index]
            guard own >= thresholds.uninstrumentedNano, own > 0 else { return }
            let duration = trace.spans[index].durationNano
            guard Double(own) * 100 >= Double(thresholds.uninstrumentedPercent) * Double(duration) else { return }
            found[.uninstrumentedTime, default: [:]][subject(index, target: ""), default: Occurrence()].add(calls: 1, lostNano: own)
        }

        private struct Edge: Hashable {
            var caller: String
            var callee: String
        }

        /// Caller → callee pairs with many calls in the trace.
        private func chatty(_ edges: [Edge: [Int]], into found: inout [Pattern: [Subject: Occurrence]]) {
            let minimum = max(2, thresholds.chattyCalls)
            let busy = edges.filter { $0.value.count >= minimum }
            guard !busy.isEmpty else { return }
            // Each span's subtree's time on the critical path; parents come before children.
            var subtree = trace.criticalPathNano
            for index in trace.spans.indices.reversed() {
                if let parent = trace.parentIndex[index] { subtree[parent] = subtree[parent].saturatingAdding(subtree[index]) }
            }
            for (edge, calls) in busy {
                let times = calls.map { subtree[$0] }
                found[.chattyEdges, default: [:]][Subject(service: edge.caller, operation: "", target: edge.callee), default: Occurrence()]
                    .add(calls: times.count, lostNano: times.saturatingSum().saturatingSubtracting(times.max()!))
            }
        }
    }
}
