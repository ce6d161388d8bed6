import Cluster
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

/// Pollers sharing a province's devices through leases in a real PostgreSQL (a throw-away server on loopback, a
/// database of each test's own): two pollers never hold one device, a join moves only the excess, a dead poller's
/// devices are taken once its leases expire, a clean stop gives them back at once; one process holds a singleton job
/// and the next takes it when that one goes; bad URLs and refused connections are clear errors. Time is given to each
/// step, so that expiry is exact and instant.
@Suite("Leases and the singleton in a shared PostgreSQL", .serialized)
struct LeaseTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000)

    /// Runs `body` with the leases of a fresh database on the test server, 100 devices registered.
    static func withLeases(devices: Int = 100, _ body: (DeviceLeases, ClusterDatabase.Address) async throws -> Void) async throws {
        let agent = await TestAgents.postgres()
        let name = "edunet_test_" + UUID().uuidString.prefix(8).lowercased()
        let admin = ClusterDatabase(address: try .init(url: "postgres://postgres@127.0.0.1:\(agent.port)/postgres"), password: nil)
        let address = try ClusterDatabase.Address(url: "postgres://postgres@127.0.0.1:\(agent.port)/\(name)")
        let database = ClusterDatabase(address: address, password: nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.run() }
            group.addTask { await database.run() }
            try await admin.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            let leases = DeviceLeases(database: database, ttl: 12)
            try await leases.prepare()
            try await leases.register(devices: (0..<devices).map { String(format: "sw%05d", $0) })
            try await body(leases, address)
            group.cancelAll()
        }
    }

    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    @Test func aJoinMovesOnlyTheExcessAndTwoPollersNeverHoldOneDevice() async throws {
        try await Self.withLeases { leases, _ in
            let alone = try await leases.step(poller: "a", at: Self.at(0))
            #expect(alone.held.count == 100 && alone.share == 100 && alone.pollers == 1)
            let joined = try await leases.step(poller: "b", at: Self.at(1))
            #expect(joined.pollers == 2 && joined.share == 50 && joined.held.isEmpty, "a holds everything until it steps")
            let gives = try await leases.step(poller: "a", at: Self.at(4))
            #expect(gives.released.count == 50 && gives.held.count == 50 && gives.taken.isEmpty)
            let takes = try await leases.step(poller: "b", at: Self.at(5))
            #expect(takes.taken == gives.released && takes.held.count == 50)
            #expect(Set(takes.held.keys).isDisjoint(with: gives.held.keys))
            // Steady: nothing moves.
            let again = try await leases.step(poller: "a", at: Self.at(8))
            #expect(again.taken.isEmpty && again.released.isEmpty && Set(again.held.keys) == Set(gives.held.keys))

            // A third joins; then all three step at once, round after round: never one device in two hands.
            var latest: [String: Set<String>] = [:]
            for round in 0..<10 {
                let time = Self.at(10 + Double(round) * 4)
                let steps = try await withThrowingTaskGroup(of: (String, DeviceLeases.Step).self) { group in
                    for poller in ["a", "b", "c"] { group.addTask { (poller, try await leases.step(poller: poller, at: time)) } }
                    return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
                }
                for (poller, step) in steps { latest[poller] = Set(step.held.keys) }
                let all = latest.values.flatMap { $0 }
                #expect(all.count == Set(all).count, "round \(round): a device in two hands")
            }
            #expect(latest.values.map(\.count).sorted() == [32, 34, 34], "\(latest.mapValues(\.count))")
            #expect(Set(latest.values.flatMap { $0 }).count == 100)
        }
    }

    @Test func aDeadPollersDevicesAreTakenWhenItsLeasesExpire() async throws {
        try await Self.withLeases { leases, _ in
            _ = try await leases.step(poller: "a", at: Self.at(0))
            _ = try await leases.step(poller: "b", at: Self.at(0))
            _ = try await leases.step(poller: "a", at: Self.at(4))
            let b = try await leases.step(poller: "b", at: Self.at(4))
            #expect(b.held.count == 50)
            // b dies after its step at 4 s; a goes on stepping every 4 s.
            var takenAt: Double?
            for t in stride(from: 8.0, through: 24, by: 4) {
                let step = try await leases.step(poller: "a", at: Self.at(t))
                if step.held.count == 100, takenAt == nil {
                    takenAt = t
                    #expect(Set(step.taken) == Set(b.held.keys))
                    #expect(step.taken.allSatisfy { step.held[$0] == b.held[$0]! + 1 }, "each take raises the lease's generation")
                }
                if t < 16 { #expect(step.held.count == 50, "b's leases hold until \(4 + 12) s") }
            }
            #expect(takenAt == 16, "taken at the first step after b's leases expired, 12 s after its last step")
        }
    }

    @Test func aCleanStopGivesEverythingBackAtOnce() async throws {
        try await Self.withLeases { leases, _ in
            _ = try await leases.step(poller: "a", at: Self.at(0))
            _ = try await leases.step(poller: "b", at: Self.at(0))
            _ = try await leases.step(poller: "a", at: Self.at(1))
            _ = try await leases.step(poller: "b", at: Self.at(1))
            try await leases.release(poller: "b")
            let a = try await leases.step(poller: "a", at: Self.at(2))
            #expect(a.pollers == 1 && a.held.count == 100 && a.taken.count == 50)
            // The database's own clock, when a step is given none.
            let now = try await leases.step(poller: "a")
            #expect(now.held.count == 100 && abs(now.until - 12 - Date().timeIntervalSince1970) < 60)
            let stored = try await leases.leases()
            #expect(stored.count == 100 && stored.values.allSatisfy { $0.poller == "a" })
        }
    }

    @Test func oneProcessHoldsTheSingletonAndTheNextTakesItWhenItGoes() async throws {
        try await Self.withLeases(devices: 0) { _, address in
            let first = SingletonLease(name: "alerting", address: address, password: nil)
            let second = SingletonLease(name: "alerting", address: address, password: nil)
            let other = SingletonLease(name: "compliance", address: address, password: nil)
            let (firstHolds, secondHolds, otherHolds) = (try await first.holds(), try await second.holds(), try await other.holds())
            #expect(firstHolds && !secondHolds && otherHolds, "one holds the job; another job's lock is another lock")
            let firstAgain = try await first.holds()
            #expect(firstAgain, "asked again, the holder still holds it")
            await first.resign()
            let (secondNow, firstNow) = (try await second.holds(), try await first.holds())
            #expect(secondNow && !firstNow, "the next takes it when the holder goes")
            await second.resign()
            await other.resign()
        }
    }

    @Test func badURLsAndRefusedConnectionsAreClearErrors() async throws {
        for (url, said) in [
            ("postgres://edunet:s3cret@db.example/edunet", "carries a password"), ("mysql://edunet@db/edunet", "is not a database URL"),
            ("postgres://edunet@db.example", "names no database"), ("postgres://db.example/edunet", "names no user"),
        ] {
            let error = #expect(throws: ClusterError.self) { try ClusterDatabase.Address(url: url) }
            #expect(error?.code == .invalidURL && error?.message.contains(said) == true && error?.message.contains("s3cret") == false, "\(url)")
        }
        let agent = await TestAgents.postgres()
        let closed = WebhookReceiver.freePort()
        let nowhere = SingletonLease(name: "x", address: try .init(url: "postgres://postgres@127.0.0.1:\(closed)/postgres"), password: nil)
        let unreachable = await #expect(throws: ClusterError.self) { try await nowhere.holds() }
        #expect(
            unreachable?.code == .unreachable && unreachable?.message.contains("127.0.0.1:\(closed)/postgres") == true,
            "\(String(describing: unreachable))")
        let missing = SingletonLease(name: "x", address: try .init(url: "postgres://postgres@127.0.0.1:\(agent.port)/no_such_db"), password: nil)
        let refused = await #expect(throws: ClusterError.self) { try await missing.holds() }
        #expect(refused?.code == .refused && refused?.message.contains("no_such_db") == true, "\(String(describing: refused))")
    }
}
