import Foundation
import Model
import Reports

extension CaptureAnalysis {
    /// The hosts a table shows unless all are asked for.
    public static let hostRows = 20

    /// The JSON document `capture analyze --format json` prints (`edunet.capture-analysis/1`).
    public func json() throws -> Data { try JSONDocument.encode(schema: "edunet.capture-analysis/1", key: "analysis", self) }

    /// The analysis for people: the file's span and totals, traffic per subnet and minute, the busiest hosts, and the
    /// findings (new stations only counted: they are information, and a capture of a LAN starts with all of them).
    /// Times are the city's (UTC+8), as everywhere in EduNet.
    public func text(allHosts: Bool = false) -> String {
        let clock = DateFormatter()
        clock.locale = Locale(identifier: "en_US_POSIX")
        clock.timeZone = CityTime.zone
        clock.dateFormat = "yyyy-MM-dd HH:mm:ss"
        func counts(_ c: TrafficCounters) -> [String] { [Self.grouped(c.frames), Self.grouped(c.frameBytes), Self.grouped(c.ipBytes)] }
        var out = "\(file): \(Self.grouped(frames)) frames"
        if undecodable > 0 { out += " (\(Self.grouped(undecodable)) without an Ethernet header)" }
        if let first, let last { out += ", \(clock.string(from: first)) to \(clock.string(from: last)) \(CityTime.zoneName)" }
        out += "\nFrame bytes are the frames' lengths on the wire (no FCS); IP bytes the IP packets' own lengths.\n\n"
        let number = { (title: String) in TextTable.Column(title, alignRight: true) }
        out += TextTable(
            columns: [TextTable.Column("Traffic"), number("Frames"), number("Frame bytes"), number("IP bytes")],
            rows: [["all"] + counts(total), ["outside the school subnets"] + counts(outside)]
        ).render()
        if !minutes.isEmpty {
            clock.dateFormat = "yyyy-MM-dd HH:mm"
            out += "\nPer school subnet and minute\n"
            out += TextTable(
                columns: [
                    TextTable.Column("Minute"), TextTable.Column("School"), TextTable.Column("Subnet"), number("Frames"), number("Frame bytes"),
                    number("IP bytes"),
                ],
                rows: minutes.map { [clock.string(from: $0.start), $0.school, $0.network] + counts($0.traffic) }
            ).render()
            clock.dateFormat = "yyyy-MM-dd HH:mm:ss"
        }
        if !hosts.isEmpty {
            let shown = allHosts ? hosts[...] : hosts.prefix(Self.hostRows)
            out +=
                "\nHosts on school subnets"
                + (shown.count < hosts.count ? " (the \(shown.count) busiest of \(hosts.count); --all-hosts for every one)" : "") + "\n"
            out += TextTable(
                columns: [
                    TextTable.Column("Host"), TextTable.Column("School"), number("Sent frames"), number("Sent bytes"), number("Received frames"),
                    number("Received bytes"),
                ],
                rows: shown.map {
                    [
                        $0.address, $0.school, Self.grouped($0.sent.frames), Self.grouped($0.sent.frameBytes), Self.grouped($0.received.frames),
                        Self.grouped($0.received.frameBytes),
                    ]
                }
            ).render()
        }
        let findings = events.filter(\.fires)
        let newStations = events.count - findings.count
        out += "\nFindings: \(findings.isEmpty ? "none" : String(findings.count))"
        out += "; \(newStations) station\(newStations == 1 ? "" : "s") first seen in ARP (information)"
        if !unknownStationCheck { out += "; unknown-station check off (no register of known stations)" }
        out += "\n"
        if !findings.isEmpty {
            out += TextTable(
                columns: [
                    number("Frame"), TextTable.Column("Time"), TextTable.Column("Severity"), TextTable.Column("Kind"), TextTable.Column("School"),
                    number("Frames"), TextTable.Column("What"),
                ],
                rows: findings.map {
                    [
                        String($0.frame), clock.string(from: $0.time), $0.severity.rawValue, $0.kind.rawValue, $0.school ?? "—",
                        Self.grouped($0.frames), $0.detail,
                    ]
                }
            ).render()
        }
        return out
    }

    /// Digits in groups of three (12,345,678): byte counts of a capture run to the billions.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }
}
