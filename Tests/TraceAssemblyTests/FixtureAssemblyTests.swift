import TestSupport
import Testing
import TraceAssembly
import TraceModel

/// Assembly of public fixtures, with the expected results worked out by hand from the files (the
/// arithmetic is in the comments).
struct FixtureAssemblyTests {
    static let ms: UInt64 = 1_000_000

    /// zipkin-lens__skew.json: servicea's client `post` [.074202, .168741] s (94,539 µs) calls
    /// serviceb, whose server half (shared id) was recorded at [.008761, .102338] s (93,577 µs),
    /// 65 ms before its caller. Split latency: (94,539 - 93,577) / 2 = 481 µs, so the server must
    /// start at .074202 + .000481 = .074683: a shift of +65,922 µs, which its same-host child
    /// `async` shares. Afterwards the server fits inside its client.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func skewedServerIsShiftedIntoItsClient() throws {
        let trace = try FixtureTraces.single("zipkin-json/zipkin-lens__skew.json")
        #expect(trace.spans.map(\.name) == ["get", "post", "post", "async"])
        #expect(trace.depth == [0, 1, 2, 3])
        #expect(trace.clockSkewShiftNano == [0, 0, 65_922_000, 65_922_000])
        let client = trace.spans[1]
        let server = trace.spans[2]
        #expect(server.kind == .server && server.parentSpanID == client.spanID && client.kind == .client)
        #expect(server.startTimeUnixNano >= client.startTimeUnixNano && server.endTimeUnixNano <= client.endTimeUnixNano)
        #expect(server.startTimeUnixNano - client.startTimeUnixNano == 481_000)
        #expect(server.warnings.contains { $0.contains("clock skew: shifted +65.9 ms") })
        #expect(trace.warnings.contains { $0.contains("1 span was shifted") })

        let unadjusted = try FixtureTraces.single("zipkin-json/zipkin-lens__skew.json", options: AssemblyOptions(adjustClockSkew: false))
        #expect(unadjusted.clockSkewShiftNano.allSatisfy { $0 == 0 })
        #expect(unadjusted.spans.map(\.name) == ["get", "post", "post", "async"])
        let capped = try FixtureTraces.single(
            "zipkin-json/zipkin-lens__skew.json", options: AssemblyOptions(maximumClockSkewNano: 10 * Self.ms))
        #expect(capped.clockSkewShiftNano.allSatisfy { $0 == 0 })
        #expect(capped.warnings.contains { $0.contains("beyond the adjustment limit") })
    }

    /// zipkin-lens__netflix.json: span 6c59056709a0b1e4 is in four records (api's CLIENT, two
    /// kindless fragments with its annotations, session_logs' SERVER) and 67fae42571535f60 in two
    /// (apip's CLIENT, api's SERVER), none marked shared. The fragments join the client; each
    /// SERVER after its CLIENT is the shared half and becomes its child: one chain of six.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func oneIdFourTimes() throws {
        let trace = try FixtureTraces.single("zipkin-json/zipkin-lens__netflix.json")
        let rows = trace.spans.indices.map { "\(trace.depth[$0]) \(trace.spans[$0].kind.name) \(trace.spans[$0].service)" }
        #expect(rows == ["0 server apip", "1 client apip", "1 client apip", "2 server api", "3 client api", "4 server session_logs"])
        let client = try #require(trace.spans.first { $0.spanID == SpanID(hex: "6c59056709a0b1e4") })
        #expect(client.events.map(\.name).sorted() == ["salp.hystrix", "salp.niws"])
        #expect(trace.warnings.contains("2 server spans shared their client's id (Zipkin style); each is shown as its client's child"))
        #expect(trace.rootIndices == [0] && !trace.isIncomplete)
    }

    /// zipkin-lens__yelp.json: four records say shared=true; three of their ids also have a CLIENT
    /// record (668ed78ad94b35a1, f5f268651b2a2b34, 7a778764a0d0b594), the fourth is the root
    /// server, whose caller was not traced. So three server halves get fresh ids above the
    /// largest (f5f268651b2a2b34 + 1, + 2, + 3, in id order), and 16 spans hang from one root.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func sharedSpans() throws {
        let trace = try FixtureTraces.single("zipkin-json/zipkin-lens__yelp.json")
        #expect(trace.spans.count == 16 && trace.rootIndices == [0])
        let fresh = trace.spans.filter { $0.warnings.contains { $0.hasPrefix("shared its span id") } }
        #expect(fresh.map(\.spanID.hex).sorted() == ["f5f268651b2a2b35", "f5f268651b2a2b36", "f5f268651b2a2b37"])
        #expect(fresh.allSatisfy { $0.kind == .server })
        let spectre = try #require(trace.spans.firstIndex { $0.service == "spectre" })
        #expect(trace.spans[trace.parentIndex[spectre]!].spanID == SpanID(hex: "7a778764a0d0b594"))
        #expect(Set(trace.spans.map(\.spanID)).count == 16)
    }

    /// zipkin-lens__smartthings-mobile-web-install.json (1,041 records): 84 kindless fragments
    /// join their halves (957 spans); all 294 shared=true records have a CLIENT with their id
    /// (290 distinct ids: some calls were received more than once), so 294 server halves are
    /// separated under their clients; one root; every id unique afterwards.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func largeProductionTrace() throws {
        let trace = try FixtureTraces.single("zipkin-json/zipkin-lens__smartthings-mobile-web-install.json")
        #expect(trace.spans.count == 957 && trace.rootIndices.count == 1)
        #expect(trace.warnings.contains("294 server spans shared their client's id (Zipkin style); each is shown as its client's child"))
        #expect(trace.spans.count { $0.warnings.contains { $0.hasPrefix("shared its span id") } } == 294)
        #expect(Set(trace.spans.map(\.spanID)).count == 957)
        #expect(trace.criticalPathNano.reduce(0, +) == trace.spans[trace.rootIndices[0]].durationNano)
    }

    /// jaeger-ui__petclinic_spanLongerAsParent.json, in µs after 1573196810000000: the root
    /// [396000, 408887] has one child [397636, 407157] (self 12887 - 9521 = 3366); that child has
    /// four: two at [398782, 406011], then [406080, 407580] and [406440, 409940], which run past it
    /// and are clipped to 407157, so it covers 7229 + 1077 = 8306 (self 9521 - 8306 = 1215). One
    /// of the first two has two children of 415 and 143 µs (self 7229 - 558 = 6671). No host
    /// attributes, so no clock-skew shift.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func childrenLongerThanTheirParentLeaveSelfTimeNonNegative() throws {
        let trace = try FixtureTraces.single("jaeger-json/jaeger-ui__petclinic_spanLongerAsParent.json")
        let selfTime = Dictionary(uniqueKeysWithValues: zip(trace.spans.map(\.spanID.hex), trace.selfTimeNano.map { $0 / 1000 }))
        #expect(selfTime["ab496a7591486ffd"] == 3366)
        #expect(selfTime["6745965d0b964193"] == 1215)
        #expect(selfTime["04b52eb0cabcb50a"] == 6671)
        #expect(selfTime["00a0000000000000"] == 7229)
        #expect(selfTime["0000000000000001"] == 1500 && selfTime["0000000000000002"] == 3500)
        #expect(trace.clockSkewShiftNano.allSatisfy { $0 == 0 })
    }

    /// jaeger-ui__critical-path_happyTrace.json, in µs: op1 [1, 10] has children op2 [2, 6] (with
    /// op2 [4, 5] below it), op3 [3, 7] and service2's op1 [8, 9]. From the end: op1 9-10 (after its
    /// last child), service2 op1 8-9, op1 7-8 (back to op1 until op3 ends), op3 3-7, op1 1-3 (no
    /// child ends before 3).
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func happyTraceCriticalPath() throws {
        let trace = try FixtureTraces.single("jaeger-json/jaeger-ui__critical-path_happyTrace.json")
        let path = trace.criticalPath.map {
            "\(trace.spans[$0.spanIndex].service) \(trace.spans[$0.spanIndex].name) \($0.startTimeUnixNano / 1000)-\($0.endTimeUnixNano / 1000)"
        }
        #expect(path == ["service1 op1 9-10", "service2 op1 8-9", "service1 op1 7-8", "service1 op3 3-7", "service1 op1 1-3"])
    }

    /// After adjustment, no child on another known host that could fit in its parent is left
    /// outside it, in any fixture: it fits, or it is longer than its parent and does not start
    /// before it, or it is asynchronous, or the needed shift was beyond the limit.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func everyFixtureChildFitsAfterAdjustmentWhereItCan() throws {
        let files = [
            "zipkin-json/zipkin-lens__smartthings-mobile-web-install.json", "zipkin-json/zipkin-lens__smartthings-oauth-authorization.json",
            "zipkin-json/zipkin-lens__skew.json", "zipkin-json/zipkin-lens__ascend.json", "zipkin-json/zipkin-lens__messaging-kafka.json",
            "otlp-json/jaeger__skills_error_timeout_masked.oteldemo.json",
        ]
        var checked = 0
        for file in files {
            for trace in try FixtureTraces.all(file) {
                for index in trace.spans.indices {
                    guard let p = trace.parentIndex[index] else { continue }
                    let child = trace.spans[index]
                    let parent = trace.spans[p]
                    let fits = child.startTimeUnixNano >= parent.startTimeUnixNano && child.endTimeUnixNano <= parent.endTimeUnixNano
                    let longer = child.durationNano > parent.durationNano && child.startTimeUnixNano >= parent.startTimeUnixNano
                    let excused =
                        child.parentRelation == .followsFrom || child.kind == .consumer || parent.kind == .producer
                        || child.warnings.contains { $0.contains("beyond the adjustment limit") }
                        || host(child) == nil || host(parent) == nil || host(child) == host(parent)
                    #expect(fits || longer || excused, "\(file): \(child.spanID) under \(parent.spanID)")
                    checked += 1
                }
            }
        }
        #expect(checked > 1_000)
    }

    /// The first host attribute of the span's resource, in the assembler's order.
    private func host(_ span: Span) -> AttributeValue? {
        ["host.id", "host.ip", "host.name", "service.instance.id", "network.local.address"].lazy.compactMap {
            span.resource.attributes[key: $0]
        }.first
    }
}
