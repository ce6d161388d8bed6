import Foundation
import SNMP

/// Reads IF-MIB from a device (system uptime, ifTable and ifXTable) into interface readings, preferring
/// 64-bit counters and `ifHighSpeed`, falling back to the 32-bit ones where a device has no ifXTable.
public struct InterfacePoller: Sendable {
    /// IF-MIB and SNMPv2-MIB objects, by number (Debian ships no MIB files).
    enum Objects {
        static let sysDescr: OID = "1.3.6.1.2.1.1.1.0", sysObjectID: OID = "1.3.6.1.2.1.1.2.0"
        static let sysUpTime: OID = "1.3.6.1.2.1.1.3.0", sysName: OID = "1.3.6.1.2.1.1.5.0"
        static let ifTable: OID = "1.3.6.1.2.1.2.2"
        static let ifXTable: OID = "1.3.6.1.2.1.31.1.1"
        // ifTable columns
        static let ifDescr: UInt32 = 2, ifSpeed: UInt32 = 5, ifAdminStatus: UInt32 = 7, ifOperStatus: UInt32 = 8
        static let ifInOctets: UInt32 = 10, ifInDiscards: UInt32 = 13, ifInErrors: UInt32 = 14
        static let ifOutOctets: UInt32 = 16, ifOutDiscards: UInt32 = 19, ifOutErrors: UInt32 = 20
        // ifXTable columns
        static let ifName: UInt32 = 1, ifHCInOctets: UInt32 = 6, ifHCOutOctets: UInt32 = 10
        static let ifHighSpeed: UInt32 = 15, ifAlias: UInt32 = 18, ifCounterDiscontinuityTime: UInt32 = 19
    }

    public let engine: SNMPEngine
    public let maxRepetitions: Int
    /// The poller's clock, injected so that tests are exact.
    public let now: @Sendable () -> Date

    public init(engine: SNMPEngine, maxRepetitions: Int = 25, now: @escaping @Sendable () -> Date = Date.init) {
        self.engine = engine
        self.maxRepetitions = maxRepetitions
        self.now = now
    }

    public func poll(_ target: SNMPTarget) async throws(SNMPError) -> InterfacePoll {
        let system = try await engine.get(target, [Objects.sysDescr, Objects.sysObjectID, Objects.sysUpTime, Objects.sysName]).map(\.value)
        let uptime = system.count == 4 ? system[2] : nil
        let fetched = try await engine.tables(target, [Objects.ifTable, Objects.ifXTable], maxRepetitions: maxRepetitions)
        let table = fetched[0], extended = fetched[1]
        let time = now()
        guard case .timeTicks(let sysUpTime)? = uptime else {
            throw SNMPError(.decodeError, device: target.description, "sysUpTime.0 is missing or not TimeTicks; the agent's system group is broken")
        }
        let rows = Dictionary(extended.rows.map { ($0.index, $0.cells) }, uniquingKeysWith: { first, _ in first })
        let interfaces = table.rows.compactMap { row -> InterfaceReading? in
            guard row.index.count == 1 else { return nil }
            let x = rows[row.index] ?? [:]
            return Self.reading(index: row.index.components[0], ifTable: row.cells, ifXTable: x, time: time, sysUpTime: sysUpTime)
        }
        let objectID: OID? = if case .objectIdentifier(let oid) = system[1] { oid } else { nil }
        return InterfacePoll(time: time, sysUpTime: sysUpTime,
                             system: SystemDescription(description: system[0].text, objectID: objectID, name: system[3].text),
                             varbinds: system.count + fetched.reduce(0) { $0 + $1.cellCount }, interfaces: interfaces)
    }

    static func reading(index: UInt32, ifTable: [UInt32: SNMPValue], ifXTable: [UInt32: SNMPValue], time: Date, sysUpTime: UInt32) -> InterfaceReading {
        func text(_ value: SNMPValue?) -> String? { value?.text.flatMap { $0.isEmpty ? nil : $0 } }
        func counter32(_ value: SNMPValue?) -> UInt32? { if case .counter32(let v)? = value { v } else { nil } }
        func octets(hc: SNMPValue?, legacy: SNMPValue?) -> OctetCounter? {
            if case .counter64(let v)? = hc { return .bits64(v) }
            return counter32(legacy).map(OctetCounter.bits32)
        }
        let highSpeed: UInt64? = if case .gauge32(let mbps)? = ifXTable[Objects.ifHighSpeed], mbps > 0 { UInt64(mbps) * 1_000_000 } else { nil }
        let speed = highSpeed ?? ifTable[Objects.ifSpeed]?.unsignedValue.flatMap { $0 > 0 ? $0 : nil }
        let discontinuity: UInt32? = if case .timeTicks(let t)? = ifXTable[Objects.ifCounterDiscontinuityTime] { t } else { nil }
        let sample = InterfaceSample(time: time, sysUpTime: sysUpTime, discontinuityTime: discontinuity,
                                     inOctets: octets(hc: ifXTable[Objects.ifHCInOctets], legacy: ifTable[Objects.ifInOctets]),
                                     outOctets: octets(hc: ifXTable[Objects.ifHCOutOctets], legacy: ifTable[Objects.ifOutOctets]),
                                     speedBitsPerSecond: speed)
        return InterfaceReading(
            key: text(ifXTable[Objects.ifName]) ?? text(ifTable[Objects.ifDescr]) ?? "ifIndex.\(index)", index: index,
            alias: text(ifXTable[Objects.ifAlias]), speedBitsPerSecond: speed,
            adminUp: ifTable[Objects.ifAdminStatus] == .integer32(1), operUp: ifTable[Objects.ifOperStatus] == .integer32(1),
            inErrors: counter32(ifTable[Objects.ifInErrors]), outErrors: counter32(ifTable[Objects.ifOutErrors]),
            inDiscards: counter32(ifTable[Objects.ifInDiscards]), outDiscards: counter32(ifTable[Objects.ifOutDiscards]),
            sample: sample)
    }
}
