import Foundation
import Model
import SNMP

/// Reads HOST-RESOURCES-MIB hrProcessorTable and hrStorageTable side by side.
public struct HostResourcesPoller: Sendable {
    enum Objects {
        static let hrProcessorTable: OID = "1.3.6.1.2.1.25.3.3"
        static let hrStorageTable: OID = "1.3.6.1.2.1.25.2.3"
        static let hrProcessorLoad: UInt32 = 2
        static let hrStorageType: UInt32 = 2, hrStorageDescr: UInt32 = 3, hrStorageAllocationUnits: UInt32 = 4
        static let hrStorageSize: UInt32 = 5, hrStorageUsed: UInt32 = 6
        static let hrStorageRam: OID = "1.3.6.1.2.1.25.2.1.2", hrStorageFixedDisk: OID = "1.3.6.1.2.1.25.2.1.4"
    }

    public let engine: SNMPEngine

    public init(engine: SNMPEngine) { self.engine = engine }

    /// The server's figures, and how many varbinds were read for them.
    public func poll(_ target: SNMPTarget) async throws(SNMPError) -> (reading: HostReading, varbinds: Int) {
        let tables = try await engine.tables(target, [Objects.hrProcessorTable, Objects.hrStorageTable])
        return (Self.reading(processors: tables[0], storage: tables[1]), tables[0].cellCount + tables[1].cellCount)
    }

    static func reading(processors: SNMPTable, storage: SNMPTable) -> HostReading {
        let loads = processors.rows.compactMap { row -> Int? in
            if case .integer32(let load)? = row.cells[Objects.hrProcessorLoad] { Int(load) } else { nil }
        }
        let entries = storage.rows.compactMap { row -> HostReading.Storage? in
            guard let units = row.cells[Objects.hrStorageAllocationUnits]?.unsignedValue, let size = row.cells[Objects.hrStorageSize]?.unsignedValue,
                let used = row.cells[Objects.hrStorageUsed]?.unsignedValue, units > 0
            else { return nil }
            let kind: HostReading.Storage.Kind =
                switch row.cells[Objects.hrStorageType] {
                case .objectIdentifier(Objects.hrStorageRam)?: .memory
                case .objectIdentifier(Objects.hrStorageFixedDisk)?: .disk
                default: .other
                }
            return HostReading.Storage(
                description: row.cells[Objects.hrStorageDescr]?.displayText ?? "", kind: kind,
                sizeBytes: size * units, usedBytes: used * units)
        }
        return HostReading(processors: processors.rows.count, processorLoads: loads, storage: entries)
    }
}
