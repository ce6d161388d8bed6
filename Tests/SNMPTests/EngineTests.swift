import Foundation
import TestSupport
import Testing

@testable import SNMP

@Suite("SNMP engine against net-snmp's snmpd")
struct EngineTests {
    let engine = SNMPEngine()
    static let sysName: OID = "1.3.6.1.2.1.1.5.0"

    static func v3(_ user: USMUser, timeout: Duration = .seconds(2)) async -> SNMPTarget {
        SNMPTarget(host: "127.0.0.1", port: await TestAgents.snmpd().port, credentials: .v3(user), timeout: timeout, retries: 1)
    }

    static func v2c(host: String = "127.0.0.1") async -> SNMPTarget {
        SNMPTarget(host: host, port: await TestAgents.snmpd().port, credentials: .v2c(community: "edunet-test"))
    }

    /// Every user the test agent has: u-<auth>-<priv> for each combination net-snmp supports.
    static let users: [USMUser] =
        [USMUser(name: "u-none-none")]
        + USMUser.AuthProtocol.allCases.flatMap { auth in
            [USMUser(name: "u-\(tag(auth.rawValue))-none", auth: (auth, "edunet-auth-pass"))]
                + USMUser.PrivacyProtocol.allCases.map { privacy in
                    USMUser(
                        name: "u-\(tag(auth.rawValue))-\(tag(privacy.rawValue))", auth: (auth, "edunet-auth-pass"),
                        privacy: (privacy, "edunet-priv-pass"))
                }
        }

    private static func tag(_ name: String) -> String { name.lowercased().replacingOccurrences(of: "-", with: "") }

    @Test(arguments: users)
    func everyV3Combination(user: USMUser) async throws {
        let varbinds = try await engine.get(await Self.v3(user), [Self.sysName])
        #expect(varbinds.count == 1)
        #expect(varbinds[0].oid == Self.sysName)
        #expect(varbinds[0].value.text?.isEmpty == false, "\(user.name) \(user.securityLevel)")
    }

    @Test func wrongAuthenticationKeyIsAnAuthenticationErrorNotATimeout() async throws {
        let user = USMUser(name: "u-negative", auth: (.sha256, "not-the-right-pass"), privacy: (.aes128, "edunet-priv-pass"))
        // A timeout would take 10 s or more; the agent's report comes in milliseconds (seconds on a loaded machine).
        let target = await Self.v3(user, timeout: .seconds(10))
        let started = ContinuousClock.now
        do {
            _ = try await engine.get(target, [Self.sysName])
            Issue.record("a wrong key was accepted")
        } catch {
            #expect(error.code == .authenticationFailure, "\(error)")
            #expect(error.message.contains("authentication"))
        }
        #expect(ContinuousClock.now - started < .seconds(10), "answered by the agent's report, not by a timeout")
    }

    @Test func correctKeysAfterAWrongOneWorkAgain() async throws {
        let wrong = USMUser(name: "u-recover", auth: (.sha, "wrong-wrong-wrong"), privacy: (.aes128, "edunet-priv-pass"))
        let right = USMUser(name: "u-recover", auth: (.sha, "edunet-auth-pass"), privacy: (.aes128, "edunet-priv-pass"))
        _ = try? await engine.get(await Self.v3(wrong), [Self.sysName])
        let varbinds = try await engine.get(await Self.v3(right), [Self.sysName])
        #expect(varbinds.first?.value.text?.isEmpty == false)
    }

    @Test func unknownUser() async throws {
        do {
            _ = try await engine.get(await Self.v3(USMUser(name: "nobody", auth: (.sha, "edunet-auth-pass"))), [Self.sysName])
            Issue.record("an unknown user was accepted")
        } catch {
            #expect(error.code == .unknownUser, "\(error)")
        }
    }

    @Test func v1WalkUsesGetNextAndMatchesV2c() async throws {
        let v2 = await Self.v2c()
        var v1 = v2
        v1.credentials = .v1(community: "edunet-test")
        let viaBulk = try await engine.walk(v2, "1.3.6.1.2.1.1.9")
        let viaNext = try await engine.walk(v1, "1.3.6.1.2.1.1.9")
        #expect(!viaBulk.isEmpty)
        #expect(viaBulk == viaNext)
    }

    @Test func getOfAMissingObjectGivesTheException() async throws {
        let varbinds = try await engine.get(await Self.v2c(), ["1.3.6.1.2.1.1.99.0"])
        #expect(varbinds.first?.value == .noSuchObject)
    }

    @Test func hundredDevicesCompleteWhileDeadOnesTimeOut() async throws {
        let port = await TestAgents.snmpd().port
        // UDP may drop a datagram under load: live devices retry quickly, dead ones take 2 × 1.5 s to give up.
        // The dead take two attempts of 3 s; the live must all be done well before (on a loaded 2-core machine they
        // have been seen to take up to 4 s).
        let dead = [
            SNMPTarget(host: "127.20.1.1", port: port, credentials: .v2c(community: "edunet-test"), timeout: .seconds(3), retries: 1),
            SNMPTarget(host: "127.0.0.1", port: 9, credentials: .v2c(community: "edunet-test"), timeout: .seconds(3), retries: 1),
        ]
        let live = (1...100).map {
            SNMPTarget(host: "127.20.0.\($0)", port: port, credentials: .v2c(community: "edunet-test"), timeout: .milliseconds(400), retries: 4)
        }
        let clock = ContinuousClock()
        let started = clock.now
        let outcomes = await withTaskGroup(of: (String, Duration, Bool).self) { group in
            for target in dead + live {
                group.addTask {
                    let ok = (try? await engine.walk(target, "1.3.6.1.2.1.1")) != nil
                    return (target.host + ":\(target.port)", clock.now - started, ok)
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = ($1.1, $1.2) } as [String: (Duration, Bool)]
        }
        let liveOutcomes = live.compactMap { outcomes[$0.host + ":\(port)"] }
        #expect(liveOutcomes.count == 100 && liveOutcomes.allSatisfy(\.1), "every live device answered")
        for target in dead {
            let outcome = try #require(outcomes[target.host + ":\(target.port)"])
            #expect(!outcome.1)
            #expect(outcome.0 >= .milliseconds(6000), "two attempts of 3 s")
        }
        // Live devices finish before the first dead one gives up (two attempts of 3 s, later on a loaded machine): had
        // they waited for its slots, they would finish after it.
        let slowestLive = liveOutcomes.map(\.0).max()!
        let firstDeadGaveUp = try dead.map { target in try #require(outcomes[target.host + ":\(target.port)"]).0 }.min()!
        #expect(slowestLive < firstDeadGaveUp, "live devices did not wait for the dead ones (slowest \(slowestLive), first dead \(firstDeadGaveUp))")
    }

    @Test func aSlowDeviceDoesNotSlowOthers() async throws {
        let slow = SNMPTarget(
            host: "127.0.0.1", port: await TestAgents.slow().port, credentials: .v2c(community: "edunet-test"), timeout: .seconds(4), retries: 0)
        var fast: [SNMPTarget] = []
        for index in 1...50 { fast.append(await Self.v2c(host: "127.20.0.\(index)")) }
        let order = await withTaskGroup(of: String.self) { group in
            group.addTask {
                _ = try? await engine.get(slow, [Self.sysName])
                return "slow"
            }
            for target in fast {
                group.addTask {
                    _ = try? await engine.get(target, [Self.sysName])
                    return target.host
                }
            }
            return await group.reduce(into: []) { $0.append($1) } as [String]
        }
        #expect(order.count == 51)
        #expect(order.last == "slow", "the 50 fast devices all finished while the slow one was still waiting")
    }

    @Test func cancellationFreesTheRequest() async throws {
        try await expectCancellationFrees { engine, slow in _ = try await engine.get(slow, [Self.sysName]) }
    }

    @Test func cancellingAWalkFreesItsRequest() async throws {
        try await expectCancellationFrees { engine, slow in _ = try await engine.walk(slow, "1.3.6.1.2.1.1") }
    }

    /// Runs `operation` against an agent that never answers in time, cancels it once its request is in flight, and
    /// expects a cancellation error with nothing left in flight, queued or open.
    private func expectCancellationFrees(_ operation: @escaping @Sendable (SNMPEngine, SNMPTarget) async throws -> Void) async throws {
        let slow = SNMPTarget(
            host: "127.0.0.1", port: await TestAgents.slow().port, credentials: .v2c(community: "edunet-test"), timeout: .seconds(10), retries: 0)
        let engine = self.engine
        let task = Task { try await operation(engine, slow) }
        #expect(await waitUntil { $0.inFlight == 1 })
        task.cancel()
        let result = await task.result
        guard case .failure(let error as SNMPError) = result else {
            Issue.record("expected a cancellation error, got \(result)")
            return
        }
        #expect(error.code == .cancelled)
        let after = await engine.statistics()
        #expect(after.inFlight == 0 && after.queued == 0 && after.openSessions == 0)
    }

    @Test func perDeviceCapSerialisesRequestsToOneDevice() async throws {
        let slow = SNMPTarget(
            host: "127.0.0.1", port: await TestAgents.slow().port, credentials: .v2c(community: "edunet-test"), timeout: .seconds(10), retries: 0)
        async let first = engine.get(slow, [Self.sysName])
        async let second = engine.get(slow, [Self.sysName])
        #expect(await waitUntil { $0.inFlight == 1 && $0.queued == 1 }, "one sent, one waiting for the device's slot")
        _ = try await (first, second)
    }
}

extension EngineTests {
    /// Waits (up to 5 s, however loaded the machine) until the engine's statistics satisfy `condition`.
    func waitUntil(_ condition: (SNMPEngine.Statistics) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if condition(await engine.statistics()) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}

extension USMUser: CustomTestStringConvertible {
    public var testDescription: String { "\(name) \(securityLevel)" }
}

@Suite("Walking several subtrees side by side")
struct MultiRootWalkTests {
    let engine = SNMPEngine()

    @Test func sideBySideEqualsOneAfterTheOther() async throws {
        let target = await EngineTests.v2c()
        var v1 = target
        v1.credentials = .v1(community: "edunet-test")
        let roots: [OID] = ["1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31.1.1", "1.3.6.1.2.1.1"]
        for device in [target, v1] {
            var together = [[VarBind]](repeating: [], count: roots.count)
            try await engine.walk(device, roots: roots, maxRepetitions: 7) { root, batch in together[root] += batch }
            for (index, root) in roots.enumerated() {
                let alone = try await engine.walk(device, root, maxRepetitions: 7)
                #expect(!alone.isEmpty)
                #expect(together[index].map(\.oid) == alone.map(\.oid), "\(root) over \(device.credentials)")
            }
        }
        let tables = try await engine.tables(target, ["1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31.1.1"])
        #expect(tables[0].rows.map(\.index) == tables[1].rows.map(\.index), "ifTable and ifXTable have the same rows")
    }

    /// A walk's round trips run on the net-snmp thread: the caller is resumed once the walk is over, or each time
    /// about `limit` varbinds wait for it, and the chunks together are what snmpbulkwalk reads.
    @Test func roundTripsRunOnTheEngineThreadAndComeBackInChunks() async throws {
        let target = await EngineTests.v2c()
        let root: OID = "1.3.6.1.2.1.2.2"
        // The agent's loopback counters move with other tests' traffic between the walks: their values are left out.
        func steady(_ line: NetSNMPReference.Line) -> String { line.value.hasPrefix("Counter32: ") ? line.oid + " = Counter32" : "\(line)" }
        let reference = try await NetSNMPReference.bulkwalk(await TestAgents.snmpd(), community: "edunet-test", root: root.description).map(steady)
        #expect(reference.count > 40)
        // Three varbinds an answer: the whole table in one resumption of the caller.
        let start = WalkCursor(roots: [root], maxRepetitions: 3, bulk: true)
        let whole = await engine.walkChunk(start, next: try #require(start.next), of: target, limit: 100_000)
        #expect(whole.error == nil && whole.cursor.next == nil)
        #expect(whole.batches.count > reference.count / 3 && whole.batches.flatMap(\.varbinds).map { steady(NetSNMPReference.line($0)) } == reference)
        // Chunks of at least 10 varbinds (the last may hold fewer), resumed from the cursor each gives back.
        var cursor = start
        var chunks: [[VarBind]] = []
        while let next = cursor.next {
            let chunk = await engine.walkChunk(cursor, next: next, of: target, limit: 10)
            #expect(chunk.error == nil)
            chunks.append(chunk.batches.flatMap(\.varbinds))
            cursor = chunk.cursor
        }
        #expect(chunks.dropLast().allSatisfy { (10..<13).contains($0.count) }, "\(chunks.map(\.count))")
        #expect(chunks.flatMap { $0 }.map { steady(NetSNMPReference.line($0)) } == reference)
    }
}
