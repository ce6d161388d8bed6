import Foundation
import Monitor
import Synchronization
import TestSupport
import Testing

@testable import SNMP

@Suite("Interface polling of real device recordings")
struct InterfacePollerTests {
    let engine = SNMPEngine()
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    /// A clock that moves 60 s each time it is read.
    final class StepClock: Sendable {
        private let reads = Mutex(0)
        func now() -> Date {
            Date(
                timeInterval: Double(
                    reads.withLock { value in
                        defer { value += 1 }
                        return value
                    }) * 60, since: InterfacePollerTests.t0)
        }
    }

    private func target(_ recording: String) async -> SNMPTarget {
        TestAgents.target(await TestAgents.snmpsim(serving: recording), community: recording, timeout: .seconds(20), retries: 3)
    }

    @Test func largeControllerKeysEveryInterfaceByName() async throws {
        let poll = try await InterfacePoller(engine: engine).poll(await target("ruijie-m18000"))
        #expect(poll.interfaces.count == 3271)
        #expect(Set(poll.interfaces.map(\.key)).count == poll.interfaces.count, "ifName is unique")
        #expect(poll.interfaces.allSatisfy { if case .bits64? = $0.sample.inOctets { true } else { false } })
    }

    @Test func deviceWithoutIfXTableFallsBackTo32BitCountersAndIfDescr() async throws {
        let poll = try await InterfacePoller(engine: engine).poll(await target("ubiquiti-m5"))
        #expect(poll.interfaces.count == 9)
        #expect(poll.interfaces.allSatisfy { if case .bits32? = $0.sample.inOctets { true } else { false } })
        #expect(poll.interfaces.contains { $0.key == "eth0" })
        #expect(poll.interfaces.allSatisfy { $0.sample.discontinuityTime == nil })
    }

    @Test func aRepeatedInterfaceNameIsKeyedByItsIndex() async throws {
        // The HPE ProCurve names two interfaces `lo0` (ifIndex 4170 and 4179).
        let poll = try await InterfacePoller(engine: engine).poll(await target("hpe-procurve-516733-b21"))
        #expect(Set(poll.interfaces.map(\.key)).count == poll.interfaces.count)
        let loopbacks = poll.interfaces.filter { $0.key.hasPrefix("lo0") }
        #expect(loopbacks.map(\.key) == ["lo0", "lo0 #4179"] && loopbacks.map(\.index) == [4170, 4179])
        #expect(loopbacks.last?.problems.last == "its name `lo0` is also ifIndex 4170's: keyed `lo0 #4179`")
    }

    @Test func twoPollsOfStaticCountersMeasureExactlyZero() async throws {
        let clock = StepClock()
        let poller = InterfacePoller(engine: engine, now: { clock.now() })
        let device = await target("huawei-s5720")
        let wall = ContinuousClock()
        let start = wall.now
        let first = try await poller.poll(device)
        let second = try await poller.poll(device)
        // The injected clock is read once a poll (60 s apart); rows and the poll's end are that reading plus the real
        // time the walk took, so the two polls are 60 s apart give or take the time both walks took.
        #expect(abs(second.time.timeIntervalSince(first.time) - 60) <= (wall.now - start) / .seconds(1))
        let calculator = RateCalculator(maximumInterval: 150)
        let before = first.byKey
        let rates = second.interfaces.compactMap { reading in before[reading.key].map { calculator.rate(from: $0.sample, to: reading.sample) } }
        #expect(rates.count == second.interfaces.count)
        #expect(
            rates.allSatisfy { rate in
                if case .measured(let inBits, let outBits) = rate { return (inBits ?? 0) == 0 && (outBits ?? 0) == 0 }
                return false
            })
        #expect(second.interfaces.contains { $0.speedBitsPerSecond == 10_000_000_000 }, "ifHighSpeed 10000 is 10 Gbit/s")
    }

    @Test func anAgentWithoutAdminStatusOrCountersSaysSo() async throws {
        let agent = "127.0.0.1:\(await TestAgents.snmpsim().port)"
        let outcome = try await EdunetTool.execute(
            ["poll", agent, "--community", "bare", "--window", "0.3", "--format", "json"], in: TestAgents.root)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // Not admin-down (the agent does not say), and no rate, with the reason.
        #expect(
            outcome.stdout == #"{"interface":"eth0","index":1,"status":"down (no ifAdminStatus)","counters":"none","unknown":"no octet counters"}"#
                + "\n",
            "\(outcome.stdout)")
    }

    @Test func pollCommandPrintsInterfacesAndRates() async throws {
        let agent = "127.0.0.1:\(await TestAgents.snmpd().port)"
        let outcome = try await EdunetTool.execute(
            ["poll", agent, "--community", "edunet-test", "--window", "0.5", "--format", "json"], in: TestAgents.root)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n")
        let lo = try #require(lines.first { $0.contains(#""interface":"lo""#) })
        #expect(lo.contains(#""status":"up""#) && lo.contains(#""counters":"64-bit""#) && lo.contains(#""in_bps":"#))
        #expect(outcome.stderr.contains("measuring"))
        let table = try await EdunetTool.execute(["poll", agent, "--community", "edunet-test", "--window", "0.2"], in: TestAgents.root)
        #expect(table.stdout.hasPrefix("接口 Interface"))
    }
}
