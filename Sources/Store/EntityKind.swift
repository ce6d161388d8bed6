import Foundation
internal import GRDB
import Model

/// The kinds of inventory entity the store keeps, each in its own table, and how a diff names them.
public enum EntityKind: String, Sendable, CaseIterable, Codable {
    case county, node, link, school, device
    case snmpProfile = "snmp-profile"
    case cloudSite = "cloud-site"
    case cloudHost = "cloud-host"
    case cloudService = "cloud-service"
    case storagePool = "storage-pool"
    case platform

    var table: String {
        switch self {
        case .county: "counties"
        case .node: "nodes"
        case .link: "links"
        case .school: "schools"
        case .device: "devices"
        case .snmpProfile: "snmp_profiles"
        case .cloudSite: "cloud_sites"
        case .cloudHost: "cloud_hosts"
        case .cloudService: "cloud_services"
        case .storagePool: "cloud_storage_pools"
        case .platform: "cloud_platforms"
        }
    }
}

extension EntityKind {
    /// Replaces the rows of this kind's table with `records`, in their order.
    func replaceRecords(with records: [EntityRecord], _ db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table)")
        for (position, record) in records.enumerated() {
            let extra = record.columns.sorted { $0.key < $1.key }
            let names = (["id", "position", "label", "json"] + extra.map(\.key)).joined(separator: ", ")
            let marks = Array(repeating: "?", count: 4 + extra.count).joined(separator: ", ")
            var values: [(any DatabaseValueConvertible)?] = [record.id, position, record.label, record.json]
            values += extra.map(\.value)
            try db.execute(sql: "INSERT INTO \(table) (\(names)) VALUES (\(marks))", arguments: StatementArguments(values))
        }
    }
}

/// One stored entity: its id, a label for people, its canonical JSON and the columns queries filter on.
struct EntityRecord {
    let id: String
    let label: String
    let json: Data
    /// Extra indexed columns of the entity's table (e.g. `county`, `kind` for schools).
    let columns: [String: String?]
}

extension Inventory {
    /// Every entity of the inventory as records, per kind, in declaration order.
    func records() throws -> [EntityKind: [EntityRecord]] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func make<T: Encodable & Identifiable<String>>(_ items: [T], label: (T) -> String, columns: (T) -> [String: String?] = { _ in [:] }) throws
            -> [EntityRecord]
        {
            try items.map { EntityRecord(id: $0.id, label: label($0), json: try encoder.encode($0), columns: columns($0)) }
        }
        return [
            .county: try make(counties, label: \.name),
            .node: try make(nodes, label: \.name, columns: { ["kind": $0.kind.rawValue, "county": $0.county] }),
            .link: try make(
                links, label: { "\($0.a.device) → \($0.b.device)" },
                columns: { ["tier": $0.tier.rawValue, "a_device": $0.a.device, "b_device": $0.b.device] }),
            .school: try make(schools, label: \.name, columns: { ["county": $0.county, "kind": $0.kind.rawValue] }),
            .device: try make(devices, label: \.name, columns: { ["role": $0.role.rawValue, "school": $0.school, "node": $0.node] }),
            .snmpProfile: try make(snmpProfiles, label: { "\($0.version.rawValue) \($0.securityLevel)" }),
            .cloudSite: try make(computePool.sites, label: \.name),
            .cloudHost: try make(computePool.hosts, label: { "\($0.site)/\($0.device)" }),
            .cloudService: try make(computePool.services, label: \.name),
            .storagePool: try make(computePool.storagePools, label: { "\($0.site)/\($0.mount)" }),
            .platform: try make(computePool.platforms, label: \.name),
        ]
    }
}
