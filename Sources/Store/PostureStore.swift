import Foundation
internal import GRDB
import Model

/// What the graded-protection posture checks rest on: each device's latest probe with the forbidden communities, and
/// since when each admin-up interface has been operationally down (kept by the polls' writes, see
/// `recordDownSince`).
public final class PostureStore: Sendable {
    public let database: StoreDatabase

    public init(database: StoreDatabase) {
        self.database = database
    }

    /// Stores probes in one transaction, each replacing its device's previous one.
    public func record(_ probes: [CommunityProbe]) throws(StoreError) {
        guard !probes.isEmpty else { return }
        try database.write("storing \(probes.count) community probes") { db in
            let statement = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO community_probes (device, time, reachable, answers) VALUES (?, ?, ?, ?)")
            let encoder = JSONEncoder()
            for probe in probes {
                try statement.execute(arguments: [probe.device, probe.time.timeIntervalSince1970, probe.reachable, try encoder.encode(probe.answers)])
            }
        }
    }

    /// Every device's latest probe, by device.
    public func probes() throws(StoreError) -> [String: CommunityProbe] {
        try database.read { db in
            let decoder = JSONDecoder()
            var probes: [String: CommunityProbe] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT device, time, reachable, answers FROM community_probes") {
                let device: String = row["device"]
                probes[device] = CommunityProbe(
                    device: device, time: Date(timeIntervalSince1970: row["time"]), reachable: row["reachable"],
                    answers: try decoder.decode([CommunityProbe.Answer].self, from: row["answers"] as Data))
            }
            return probes
        }
    }

    /// Since when each admin-up interface has been operationally down, by device and interface name.
    public func downSince() throws(StoreError) -> [String: [String: Date]] {
        try database.read { db in
            var since: [String: [String: Date]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT device, interface, since FROM interface_down_since")
            while let row = try rows.next() { since[row[0], default: [:]][row[1]] = Date(timeIntervalSince1970: row[2]) }
            return since
        }
    }

    /// Called in the transaction of a poll whose interfaces changed: an admin-up interface down now keeps the time it
    /// was first found down (or this poll's), any other leaves the table. A poll whose interfaces did not change writes
    /// none, so nothing moves.
    static func recordDownSince(device: String, interfaces: [InterfaceStatus], at time: Double, _ db: Database) throws {
        let previous = try Dictionary(
            Row.fetchAll(db.cachedStatement(sql: "SELECT interface, since FROM interface_down_since WHERE device = ?"), arguments: [device])
                .map { ($0["interface"] as String, $0["since"] as Double) }, uniquingKeysWith: { a, _ in a })
        let downSet = Set(interfaces.filter { $0.adminUp == true && !$0.operUp }.map(\.name))
        let remove = try db.cachedStatement(sql: "DELETE FROM interface_down_since WHERE device = ? AND interface = ?")
        for interface in previous.keys where !downSet.contains(interface) { try remove.execute(arguments: [device, interface]) }
        let insert = try db.cachedStatement(sql: "INSERT INTO interface_down_since (device, interface, since) VALUES (?, ?, ?)")
        for interface in downSet where previous[interface] == nil { try insert.execute(arguments: [device, interface, time]) }
    }
}
