import Foundation
import TestSupport
import Testing

/// `edunet capture analyze` as a user runs it: the sample city applied to a database, a capture of two of its schools
/// written byte by byte, and what the command prints and returns.
@Suite("edunet capture analyze")
struct CaptureCommandTests {
    typealias F = FrameBytes

    /// helan-primary-01 (10.66.0.0/20, gateway 10.66.0.1 by default) and helan-primary-02 (10.67.0.0/20).
    static let frames: [[UInt8]] = [
        F.ethernet(
            from: "02:00:00:00:00:01", type: 0x0806,
            F.arp(operation: 2, senderMAC: "02:00:00:00:00:01", senderIP: "10.66.0.1", targetMAC: "02:00:00:00:00:10", targetIP: "10.66.0.10")),
        F.ethernet(
            to: "02:00:00:00:00:01", from: "02:00:00:00:00:10", type: 0x0800,
            F.ipv4(from: "10.66.0.10", to: "93.184.216.34", protocol: 6, F.tcp(from: 40000, to: 443, flags: 0x10))),
        F.ethernet(
            to: "02:00:00:00:00:01", from: "02:00:00:00:00:10", type: 0x0800,
            F.ipv4(from: "10.66.0.10", to: "10.0.0.53", protocol: 17, F.udp(from: 5353, to: 53, F.dnsQuery(id: 9, name: "www.Gambling.example")))),
        F.ethernet(
            from: "02:00:00:00:00:99", type: 0x0800,
            F.ipv4(
                from: "10.66.0.99", to: "255.255.255.255", protocol: 17,
                F.udp(
                    from: 67, to: 68,
                    F.dhcp(op: 2, xid: 1, yiaddr: "10.66.1.50", client: "02:00:00:00:00:10", options: [(53, [2]), (54, F.ipv4("10.66.0.99"))])))),
        F.ethernet(
            from: "02:00:00:00:00:66", type: 0x0806,
            F.arp(operation: 2, senderMAC: "02:00:00:00:00:66", senderIP: "10.66.0.1", targetMAC: "02:00:00:00:00:10", targetIP: "10.66.0.10")),
        F.ethernet(
            to: "02:00:00:00:01:01", from: "02:00:00:00:01:10", type: 0x0800,
            F.ipv4(from: "10.67.0.5", to: "10.0.0.53", protocol: 17, F.udp(from: 5353, to: 53, F.dnsQuery(id: 10, name: "malware.example")))),
    ]

    struct Document: Decodable {
        struct Analysis: Decodable {
            struct Host: Decodable {
                struct Counters: Decodable { var frames: Int, frameBytes: Int, ipBytes: Int }
                var address: String, school: String, sent: Counters, received: Counters
            }
            struct Event: Decodable { var kind: String, severity: String, frame: Int, school: String?, address: String }
            var frames: Int
            var hosts: [Host]
            var events: [Event]
            var unknownStationCheck: Bool
        }
        var schema: String
        var analysis: Analysis
    }

    static func decode(_ text: String) throws -> Document {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Document.self, from: Data(text.utf8))
    }

    @Test func analysesACaptureOfTheCityAndExitsOneOnFindings() async throws {
        let database = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-capture-\(UUID().uuidString).sqlite").path
        let capture = try F.write(F.pcap(Self.frames))
        defer {
            for path in [capture, database, database + "-wal", database + "-shm"] { try? FileManager.default.removeItem(atPath: path) }
        }
        let none = try await CLITests.run(["capture", "analyze", capture, "--db", database])
        #expect(none.status == 3 && none.stderr.contains("edunet inventory apply"), "\(none.stderr)")
        #expect(try await CLITests.run(["inventory", "apply", "--db", database]).status == 0)

        let json = try await CLITests.run(["capture", "analyze", capture, "--db", database, "--format", "json"])
        #expect(json.status == 1, "\(json.stderr)")
        let document = try Self.decode(json.stdout)
        #expect(document.schema == "edunet.capture-analysis/1" && document.analysis.frames == 6)
        #expect(
            document.analysis.events.map { "\($0.frame) \($0.kind) \($0.severity) \($0.school ?? "-") \($0.address)" } == [
                "1 arp_new_station info helan-primary-01 10.66.0.1",
                "3 blocked_domain warning helan-primary-01 10.66.0.10",
                "4 rogue_dhcp_server critical helan-primary-01 10.66.0.99",
                "5 arp_changed_mac critical helan-primary-01 10.66.0.1",
                "6 blocked_domain warning helan-primary-02 10.67.0.5",
            ])
        let host = try #require(document.analysis.hosts.first { $0.address == "10.66.0.10" })
        // The TCP frame (54 bytes, IP 40) and the DNS query (14 + 20 + 8 + 38 bytes, IP 66).
        #expect(host.school == "helan-primary-01" && host.sent.frames == 2 && host.sent.frameBytes == 54 + 80 && host.sent.ipBytes == 40 + 66)
        #expect(!document.analysis.unknownStationCheck, "no fleet register in this database")

        let table = try await CLITests.run(["capture", "analyze", capture, "--db", database])
        #expect(table.status == 1)
        #expect(table.stdout.contains("Findings: 4; 1 station first seen in ARP (information)"), "\(table.stdout)")
        #expect(table.stdout.contains("gateway 10.66.0.1 moved from 02:00:00:00:00:01 to 02:00:00:00:00:66"))

        let other = try Self.decode(
            try await CLITests.run(["capture", "analyze", capture, "--db", database, "--format", "json", "--school", "helan-primary-02"]).stdout)
        #expect(other.analysis.events.map(\.kind) == ["blocked_domain"] && other.analysis.hosts.map(\.address) == ["10.67.0.5"])
        // A filter that passes only ARP: the gateway's change and nothing else fires.
        let arp = try Self.decode(
            try await CLITests.run(["capture", "analyze", capture, "--db", database, "--format", "json", "--filter", "arp"]).stdout)
        #expect(arp.analysis.frames == 2 && arp.analysis.events.map(\.kind) == ["arp_new_station", "arp_changed_mac"])
        let quiet = try await CLITests.run(["capture", "analyze", capture, "--db", database, "--filter", "tcp"])
        #expect(quiet.status == 0 && quiet.stdout.contains("Findings: none"), "\(quiet.stdout)")

        let missing = try await CLITests.run(["capture", "analyze", capture + ".missing", "--db", database])
        #expect(missing.status == 2 && missing.stderr.contains(capture + ".missing") && missing.stdout.isEmpty, "\(missing.stderr)")
        let badFilter = try await CLITests.run(["capture", "analyze", capture, "--db", database, "--filter", "port eleventy"])
        #expect(badFilter.status == 2 && badFilter.stderr.contains("the filter \"port eleventy\""), "\(badFilter.stderr)")
        let badSchool = try await CLITests.run(["capture", "analyze", capture, "--db", database, "--school", "nowhere"])
        #expect(badSchool.status == 2 && badSchool.stderr.contains("edunet schools list"), "\(badSchool.stderr)")
    }
}
