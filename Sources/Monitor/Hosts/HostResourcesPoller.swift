import Foundation
import Model
import SNMP

/// Reads HOST-RESOURCES-MIB hrSystemUptime, and hrProcessorTable and hrStorageTable side by side.
public struct HostResourcesPoller: Sendable {
    enum Objects {
        static let hrSystemUptime: OID = "1.3.6.1.2.1.25.1.1.0"
        static let hrProcessorTable: OID = "1.3.6.1.2.1.25.3.3"
        static let hrStorageTable: OID = "1.3.6.1.2.1.25.2.3"
        static let hrProcessorLoad: UInt32 = 2
        static let hrStorageType: UInt32 = 2, hrStorageDescr: UInt32 = 3, hrStorageAllocationUnits: UInt32 = 4
        static let hrStorageSize: UInt32 = 5, hrStorageUsed: UInt32 = 6
        static let hrStorageRam: OID = "1.3.6.1.2.1.25.2.1.2", hrStorageFixedDisk: OID = "1.3.6.1.2.1.25.2.1.4"
        /// hrStorageSize and hrStorageUsed are Integer32: a volume of more than 2³¹−1 allocation units reads as that.
        static let countLimit: UInt64 = 2_147_483_647
        /// net-snmp's rows for the part of "Physical memory" the kernel can take back.
        static let reclaimableMemory: Set<String> = ["Memory buffers", "Cached memory"]
    }

    public let engine: SNMPEngine

    public init(engine: SNMPEngine) { self.engine = engine }

    /// The server's figures, and how many varbinds were read for them.
    public func poll(_ target: SNMPTarget) async throws(SNMPError) -> (reading: HostReading, varbinds: Int) {
        let uptime = try await engine.get(target, [Objects.hrSystemUptime]).first?.value
        let tables = try await engine.tables(target, [Objects.hrProcessorTable, Objects.hrStorageTable])
        return (Self.reading(uptime: uptime, processors: tables[0], storage: tables[1]), 1 + tables[0].cellCount + tables[1].cellCount)
    }

    static func reading(uptime: SNMPValue? = nil, processors: SNMPTable, storage: SNMPTable) -> HostReading {
        let loads = processors.rows.compactMap { row -> Int? in
            if case .integer32(let load)? = row.cells[Objects.hrProcessorLoad] { Int(load) } else { nil }
        }
        var entries = storage.rows.compactMap { row -> HostReading.Storage? in
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
                description: row.cells[Objects.hrStorageDescr]?.displayText ?? "", kind: kind, sizeBytes: size * units, usedBytes: used * units,
                capped: size >= Objects.countLimit || used >= Objects.countLimit)
        }
        // Linux (net-snmp) counts buffers and the page cache in "Physical memory"'s use and lists them as rows of their
        // own: the memory in use is what is left without them.
        let reclaimable = entries.filter { $0.kind == .other && Objects.reclaimableMemory.contains($0.description) }.reduce(UInt64(0)) {
            $0 + $1.usedBytes
        }
        if reclaimable > 0, let physical = entries.firstIndex(where: { $0.kind == .memory }) {
            entries[physical].usedBytes -= min(reclaimable, entries[physical].usedBytes)
        }
        let uptimeSeconds: Double? = if case .timeTicks(let ticks)? = uptime { Double(ticks) / 100 } else { nil }
        return HostReading(processors: processors.rows.count, processorLoads: loads, storage: entries, uptimeSeconds: uptimeSeconds)
    }
}
