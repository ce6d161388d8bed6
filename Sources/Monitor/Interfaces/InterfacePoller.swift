import Foundation
import SNMP

/// Reads IF-MIB from a device (the system group, then the ifTable and ifXTable columns it needs) into interface
/// readings, preferring 64-bit counters and `ifHighSpeed`, falling back to the 32-bit ones where a device has no
/// ifXTable. The columns are walked side by side, so one interface's whole row comes in one answer; its counters
/// are timed by that answer's arrival, not by the end of the poll, so that a slow walk of a big table does not
/// skew the rates of the interfaces read early (a 0.5 s difference in a 15 s interval would be 3 %).
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
        static let ifTableColumns = [
            ifDescr, ifSpeed, ifAdminStatus, ifOperStatus, ifInOctets, ifInDiscards, ifInErrors,
            ifOutOctets, ifOutDiscards, ifOutErrors,
        ]
        static let ifXTableColumns = [ifName, ifHCInOctets, ifHCOutOctets, ifHighSpeed, ifAlias, ifCounterDiscontinuityTime]
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

    /// What a poll asks for: the system group's four objects, then these columns walked side by side at
    /// `repetitions(maxRepetitions)` each (the daemon benchmark walks the same with the bare engine).
    public static let systemObjects = [Objects.sysDescr, Objects.sysObjectID, Objects.sysUpTime, Objects.sysName]
    static let columns = Objects.ifTableColumns.map { (table: 0, column: $0) } + Objects.ifXTableColumns.map { (table: 1, column: $0) }
    static let entries = [Objects.ifTable.appending(1), Objects.ifXTable.appending(1)]
    public static let walkedColumns = columns.map { entries[$0.table].appending($0.column) }

    /// As many varbinds an answer as two whole-table cursors at `maxRepetitions` would bring.
    public static func repetitions(_ maxRepetitions: Int) -> Int { max(1, maxRepetitions * 2 / columns.count) }

    public func poll(_ target: SNMPTarget) async throws(SNMPError) -> InterfacePoll {
        let system = try await engine.get(target, Self.systemObjects).map(\.value)
        let uptime = system.count == 4 ? system[2] : nil
        guard case .timeTicks(let sysUpTime)? = uptime else {
            throw SNMPError(.decodeError, device: target.description, "sysUpTime.0 is missing or not TimeTicks; the agent's system group is broken")
        }
        let started = now()
        let clock = ContinuousClock()
        let start = clock.now
        let (columns, roots) = (Self.columns, Self.walkedColumns)
        var cells: [[UInt32: [UInt32: SNMPValue]]] = [[:], [:]]  // table → ifIndex → column → value
        // When each row's octet counters came: the HC ones, else the 32-bit ones (columns with holes run ahead of the
        // others, so the time of a row's first cell of any column would not do).
        var arrival: [[UInt32: Duration]] = [[:], [:]]
        var varbinds = system.count
        try await engine.walk(target, roots: roots, maxRepetitions: Self.repetitions(maxRepetitions)) {
            root, batch, receivedAt in
            let elapsed = receivedAt - start
            let (table, column) = columns[root]
            for varbind in batch {
                guard let index = varbind.oid.suffix(after: roots[root]), index.count == 1 else { continue }
                let ifIndex = index.components[0]
                cells[table][ifIndex, default: [:]][column] = varbind.value
                if column == (table == 0 ? Objects.ifInOctets : Objects.ifHCInOctets) { arrival[table][ifIndex] = elapsed }
                varbinds += 1
            }
        }
        let time = started + (clock.now - start).inSeconds
        let interfaces = cells[0].keys.sorted().map { ifIndex in
            Self.reading(
                index: ifIndex, ifTable: cells[0][ifIndex] ?? [:], ifXTable: cells[1][ifIndex] ?? [:],
                time: started + (arrival[1][ifIndex] ?? arrival[0][ifIndex] ?? .zero).inSeconds, sysUpTime: sysUpTime)
        }
        let objectID: OID? = if case .objectIdentifier(let oid) = system[1] { oid } else { nil }
        return InterfacePoll(
            time: time, sysUpTime: sysUpTime,
            system: SystemDescription(description: system[0].text, objectID: objectID, name: system[3].text),
            varbinds: varbinds, interfaces: interfaces)
    }

    static func reading(index: UInt32, ifTable: [UInt32: SNMPValue], ifXTable: [UInt32: SNMPValue], time: Date, sysUpTime: UInt32) -> InterfaceReading
    {
        func text(_ value: SNMPValue?) -> String? { value?.text.flatMap { $0.isEmpty ? nil : $0 } }
        func counter32(_ value: SNMPValue?) -> UInt32? { if case .counter32(let v)? = value { v } else { nil } }
        func octets(hc: SNMPValue?, legacy: SNMPValue?) -> OctetCounter? {
            if case .counter64(let v)? = hc { return .bits64(v) }
            return counter32(legacy).map(OctetCounter.bits32)
        }
        // What the agent got wrong, for the log and the interface's record: a value of the wrong type is not read.
        var problems: [String] = []
        for (name, value, expected) in [
            ("ifHCInOctets", ifXTable[Objects.ifHCInOctets], "Counter64"), ("ifHCOutOctets", ifXTable[Objects.ifHCOutOctets], "Counter64"),
            ("ifInOctets", ifTable[Objects.ifInOctets], "Counter32"), ("ifOutOctets", ifTable[Objects.ifOutOctets], "Counter32"),
            ("ifHighSpeed", ifXTable[Objects.ifHighSpeed], "Gauge32"),
        ] {
            if let value, !value.isException, value.typeName != expected { problems.append("\(name) is \(value.typeName), not \(expected)") }
        }
        let highSpeed: UInt64? = if case .gauge32(let mbps)? = ifXTable[Objects.ifHighSpeed], mbps > 0 { UInt64(mbps) * 1_000_000 } else { nil }
        let speed = highSpeed ?? ifTable[Objects.ifSpeed]?.unsignedValue.flatMap { $0 > 0 ? $0 : nil }
        let operUp = ifTable[Objects.ifOperStatus] == .integer32(1)
        if speed == nil, operUp { problems.append("the interface is up with a speed of 0 (ifHighSpeed and ifSpeed); utilisation cannot be computed") }
        let discontinuity: UInt32? = if case .timeTicks(let t)? = ifXTable[Objects.ifCounterDiscontinuityTime] { t } else { nil }
        let sample = InterfaceSample(
            time: time, sysUpTime: sysUpTime, discontinuityTime: discontinuity,
            inOctets: octets(hc: ifXTable[Objects.ifHCInOctets], legacy: ifTable[Objects.ifInOctets]),
            outOctets: octets(hc: ifXTable[Objects.ifHCOutOctets], legacy: ifTable[Objects.ifOutOctets]),
            speedBitsPerSecond: speed)
        return InterfaceReading(
            key: text(ifXTable[Objects.ifName]) ?? text(ifTable[Objects.ifDescr]) ?? "ifIndex.\(index)", index: index,
            alias: text(ifXTable[Objects.ifAlias]), speedBitsPerSecond: speed,
            adminUp: ifTable[Objects.ifAdminStatus].flatMap { $0.isException ? nil : $0 == .integer32(1) }, operUp: operUp,
            inErrors: counter32(ifTable[Objects.ifInErrors]), outErrors: counter32(ifTable[Objects.ifOutErrors]),
            inDiscards: counter32(ifTable[Objects.ifInDiscards]), outDiscards: counter32(ifTable[Objects.ifOutDiscards]),
            sample: sample, problems: problems)
    }
}
