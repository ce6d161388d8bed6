import Compliance
import Daemon
import Foundation
import Model
import Store
import Synchronization
import TestSupport
import Testing

@testable import Fleet

/// The register beside the network, on a real SQLite file: a controller's client tables recorded as the daemon
/// records its polls, matched to terminals (last seen, school days), and what the compliance rules and the alert
/// sources make of it. 永宁县第一小学 (1,280 people) has a terminal each; 永宁县职业技术学院 (5,300) is 1,300 short.
@Suite("E-book terminals seen on the network")
struct FleetOnTheNetworkTests {
    let fixture: ComplianceFixture
    let register: FleetRegister
    /// Wednesday to Friday before the fixture's end (Monday 30 November 2026, 08:53 city time), 10:00 city time.
    static let schoolDays = [20_261_125, 20_261_126, 20_261_127].map { SchoolDays.start(ofDay: $0).addingTimeInterval(10 * 3600) }
    static let imported = SchoolDays.start(ofDay: 20_261_102)

    static func mac(_ n: Int) -> String { String(format: "d0:65:44:%02x:%02x:%02x", n >> 16 & 0xFF, n >> 8 & 0xFF, n & 0xFF) }
    static func serial(_ n: Int) -> String { String(format: "EB%06d", n) }

    /// s1: terminals 0–1279, assigned. v1: 1280–5279 assigned, 5280–5289 in stock.
    init() throws {
        fixture = try ComplianceFixture()
        register = FleetRegister(store: FleetStore(database: fixture.store.database), inventory: fixture.configuration.inventory)
        var csv = "serial,mac,school,state,holder\n"
        for n in 0..<5290 {
            let school = n < 1280 ? "s1" : "v1"
            csv += "\(Self.serial(n)),\(Self.mac(n)),\(school),\(n < 5280 ? "assigned" : "in-stock"),\(n < 5280 ? "H\(n)" : "")\n"
        }
        let path = fixture.directory.appendingPathComponent("terminals.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        try register.apply(try register.planTerminalImport(try CSVFile.read(path)), by: "test", why: "term start", at: Self.imported)
    }

    /// One controller poll at `time`: the APs with their clients' median rate, and the clients by AP.
    func poll(at time: Date, clients: [String: [Int]], rates: [String: Double] = ["s1-ap01": 144, "s1-ap02": 144, "v1-ap01": 173, "v1-ap02": 300])
        throws
    {
        try fixture.store.record(
            DeviceObservations(
                device: "wlc", time: time, rates: [],
                accessPoints: ["s1-ap01", "s1-ap02", "v1-ap01", "v1-ap02"].enumerated().map { i, ap in
                    AccessPointReading(
                        index: "\(i)", name: ap, up: true, state: "online", clients: clients[ap]?.count ?? 0, clientRateMbps: rates[ap])
                },
                stations: clients.flatMap { ap, terminals in
                    terminals.map { StationReading(mac: MACAddress(parsing: Self.mac($0))!, accessPoint: ap, ssid: "YC-EDU", rateMbps: nil) }
                }))
    }

    /// s1: 1,100 terminals on each of the three days (1,100 of 1,280 in use, 86 %); v1: 100 on each day, and 200 on
    /// one day only (100 of 4,000 in use).
    func threeSchoolDays() throws {
        for (day, time) in Self.schoolDays.enumerated() {
            let v1Once = day == 0 ? Array(1380..<1580) : []
            try poll(at: time, clients: ["s1-ap01": Array(0..<600), "s1-ap02": Array(600..<1100), "v1-ap01": Array(1280..<1380) + v1Once])
        }
    }

    @Test func sightingsGiveLastSeenAndSchoolDays() throws {
        try threeSchoolDays()
        let terminal = try #require(try register.store.terminal(Self.serial(700)))
        #expect(
            terminal.lastSeen == Terminal.Sighting(at: Self.schoolDays[2], controller: "wlc", accessPoint: "s1-ap02", ssid: "YC-EDU"),
            "last seen at the last poll that listed it")
        #expect(try register.store.terminal(Self.serial(1200))?.lastSeen == nil, "never listed, never seen")
        let counts = try ComplianceEvaluator(configuration: fixture.configuration, store: fixture.store).fleetCounts(at: ComplianceFixture.end)
        #expect(counts["s1"]?.inUse == 1100 && counts["s1"]?.everSeen == 1100 && counts["s1"]?.schoolDaysWatched == 3)
        #expect(counts["v1"]?.inUse == 100 && counts["v1"]?.everSeen == 300 && counts["v1"]?.inStock == 10)
    }

    /// Polls write only what changed; a terminal's last-seen is still the last poll that listed it, across a
    /// restart (a new database handle, with nothing remembered) and a move to another controller.
    @Test func lastSeenIsTheLastPollThatListedIt() throws {
        let t = (0..<7).map { Self.schoolDays[0].addingTimeInterval(Double($0) * 60) }
        func station(_ n: Int, _ ap: String) -> StationReading {
            StationReading(mac: MACAddress(parsing: Self.mac(n))!, accessPoint: ap, ssid: "YC-EDU", rateMbps: nil)
        }
        func record(_ store: MeasurementStore, _ controller: String, _ time: Date, _ stations: [StationReading]) throws {
            try store.record(DeviceObservations(device: controller, time: time, rates: [], stations: stations))
        }
        func seen(_ n: Int) throws -> Terminal.Sighting? { try register.store.terminal(Self.serial(n))?.lastSeen }
        try record(fixture.store, "wlc", t[0], [station(1, "s1-ap01"), station(2, "s1-ap01")])
        try record(fixture.store, "wlc", t[1], [station(1, "s1-ap01")])
        try record(fixture.store, "wlc", t[2], [station(1, "s1-ap02")])
        #expect(try seen(1) == Terminal.Sighting(at: t[2], controller: "wlc", accessPoint: "s1-ap02", ssid: "YC-EDU"))
        #expect(try seen(2)?.at == t[0], "gone at the second poll: last seen at the first")
        let restarted = MeasurementStore(database: try StoreDatabase(path: fixture.directory.appendingPathComponent("city.sqlite").path))
        try record(restarted, "wlc", t[3], [station(2, "s1-ap01")])
        #expect(try seen(1)?.at == t[2], "the first poll after a restart knows what the last one before it listed")
        #expect(try seen(2)?.at == t[3])
        try record(restarted, "wlc2", t[4], [station(2, "v1-ap01")])
        try record(restarted, "wlc", t[5], [])
        #expect(try seen(2) == Terminal.Sighting(at: t[4], controller: "wlc2", accessPoint: "v1-ap01", ssid: "YC-EDU"), "not gone: elsewhere")
        try record(restarted, "wlc2", t[6], [station(2, "v1-ap01")])
        #expect(try seen(2)?.at == t[6])
    }

    /// Two controllers polled at the same moments, round after round, each listing one half of its terminals then
    /// the other: when both stop listing anything, every terminal was last seen at the last round that listed it.
    @Test func concurrentControllerPollsKeepEachOthersListings() throws {
        let rounds = 40
        let times = (0...rounds).map { Self.schoolDays[0].addingTimeInterval(Double($0) * 60) }
        @Sendable func listing(_ first: Int, _ round: Int) -> [StationReading] {
            (first + (round % 2) * 100..<first + (round % 2) * 100 + 100).map {
                StationReading(mac: MACAddress(parsing: Self.mac($0))!, accessPoint: "s1-ap01", ssid: nil, rateMbps: nil)
            }
        }
        let store = fixture.store
        let failures = Mutex<[String]>([])
        for round in 0..<rounds {
            DispatchQueue.concurrentPerform(iterations: 2) { controller in
                do {
                    try store.record(
                        DeviceObservations(
                            device: "wlc\(controller)", time: times[round], rates: [], stations: listing(controller * 2000, round)))
                } catch { failures.withLock { $0.append("\(error)") } }
            }
        }
        for controller in 0..<2 { try store.record(DeviceObservations(device: "wlc\(controller)", time: times[rounds], rates: [], stations: [])) }
        #expect(failures.withLock { $0 } == [])
        let terminals = try register.store.register().terminals
        for controller in 0..<2 {
            for n in controller * 2000..<controller * 2000 + 200 {
                let lastRound = (n - controller * 2000) / 100 == (rounds - 1) % 2 ? rounds - 1 : rounds - 2
                #expect(terminals[Self.serial(n)]?.lastSeen?.at == times[lastRound], "terminal \(n)")
            }
        }
    }

    @Test func findingsJudgeTheRatioUseAndWifiFromClientRates() throws {
        try threeSchoolDays()
        let findings = try fixture.findings(window: 7 * 86_400)
        let ratio = try #require(findings.values.first { $0.rule == .terminalRatio && $0.subject.id == "v1" })
        #expect(ratio.verdict == .fail && ratio.measuredValue == 4000 && ratio.targetValue == 5300)
        #expect(ratio.reason?.contains("1300 short of one terminal per student and teacher; 10 are in stock to assign") == true, "\(ratio)")
        #expect(ratio.evidence.source.contains("; as of import-terminals-20261102-0000-1 (2026-11-02 00:00 UTC+8, test)"), "\(ratio.evidence.source)")
        #expect(findings.values.first { $0.rule == .terminalRatio && $0.subject.id == "s1" }?.verdict == .pass)
        let use = try #require(findings.values.first { $0.rule == .terminalUse && $0.subject.id == "s1" })
        #expect(use.verdict == .pass && use.measured == "1100 of 1280 in use (85.9 %)", "\(use)")
        #expect(findings.values.first { $0.rule == .terminalUse && $0.subject.id == "v1" }?.verdict == .fail)
        let wifi = try #require(findings.values.first { $0.rule == .wirelessAccess && $0.subject.id == "v1" })
        #expect(wifi.verdict == .fail && wifi.reason?.contains("v1-ap01") == true, "173 Mbit/s is under the vocational 300: \(wifi)")
        #expect(findings.values.first { $0.rule == .wirelessAccess && $0.subject.id == "s1" }?.verdict == .pass)
    }

    @Test func inUseWaitsForEnoughSchoolDaysOfSightings() throws {
        try poll(at: Self.schoolDays[0], clients: ["s1-ap01": Array(0..<1280)])
        let findings = try fixture.findings(window: 7 * 86_400)
        let use = try #require(findings.values.first { $0.rule == .terminalUse && $0.subject.id == "s1" })
        #expect(use.verdict == .unknown && use.reason?.contains("on 1 of the last 10 school days") == true, "\(use)")
    }

    @Test func lostSeenWrongSchoolAndNotSeenAlerts() throws {
        // Terminal 1500 of v1 is reported lost on Tuesday; Wi-Fi sees it on Wednesday. Terminal 5 of s1 turns up at v1.
        try register.apply(
            try register.planMove("mark-lost", serials: [Self.serial(1500)]), by: "test", why: "reported",
            at: Self.schoolDays[0].addingTimeInterval(-86_400))
        try threeSchoolDays()
        try poll(at: Self.schoolDays[2].addingTimeInterval(60), clients: ["v1-ap02": [5]])
        let signals = AlertSources.fleet(
            try register.store.statuses(), at: ComplianceFixture.end, policy: fixture.configuration.policies.fleet,
            topology: AlertTopology(inventory: fixture.configuration.inventory), rules: AlertingPolicy.Rules())
        let lost = try #require(signals.first { $0.rule == "terminal_lost_seen" })
        #expect(lost.subject == Self.serial(1500) && lost.labels["category"] == "security" && lost.labels["ap"] == "v1-ap01")
        #expect(lost.summary.zh.contains("永宁县职业技术学院") && lost.summary.zh.contains("教学楼") && lost.summary.zh.contains("YC-EDU"), "\(lost.summary.zh)")
        #expect(!lost.summary.zh.contains("H1500") && !lost.summary.en.contains("H1500"), "the holder is never named")
        let stray = try #require(signals.first { $0.rule == "terminal_wrong_school" })
        #expect(stray.subject == Self.serial(5) && stray.labels["seen_school"] == "v1" && stray.labels["school"] == "s1")
        let unseen = signals.filter { $0.rule == "terminals_not_seen" }
        #expect(unseen.map(\.subject).sorted() == ["s1", "v1"], "one message a school")
        // s1: 1,280 assigned − 1,100 seen (terminal 5 among them) = 180; v1: 3,999 assigned (one is lost) − 299 seen = 3,700.
        #expect(unseen.first { $0.subject == "s1" }?.summary.en.contains(": 180 assigned terminals not seen") == true)
        #expect(unseen.first { $0.subject == "v1" }?.summary.en.contains(": 3700 assigned terminals not seen") == true)
        #expect(signals.count == 4)
    }
}
