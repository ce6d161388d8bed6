import Foundation
import SNMP

/// Reads IF-MIB from a device (the system group, then the ifTable and ifXTable columns it needs) into interface
/// readings, preferring 64-bit counters and `ifHighSpeed`, falling back to the 32-bit ones where a device has no
/// ifXTable. The columns are walked side by side, so one interface's whole row comes in one answer; its counters
/// are timed by that answer's arrival, not by the end of the poll, so that a slow walk of a big table does not
/// skew the rates of the interfaces read early (a 0.5 s difference in a 15 s interval would be 3 %).
public struct InterfacePoller: Sendable {
    /// SNMPv2-MIB objects and IF-MIB tables, by number (Debian ships no MIB files).
    enum Objects {
        static let sysDescr: OID = "1.3.6.1.2.1.1.1.0", sysObjectID: OID = "1.3.6.1.2.1.1.2.0"
        static let sysUpTime: OID = "1.3.6.1.2.1.1.3.0", sysName: OID = "1.3.6.1.2.1.1.5.0"
        static let ifEntry: OID = "1.3.6.1.2.1.2.2.1", ifXEntry: OID = "1.3.6.1.2.1.31.1.1.1"
    }

    /// The columns a poll walks, in the order they are walked: ifTable's, then ifXTable's.
    enum Column: Int, CaseIterable {
        case ifDescr, ifSpeed, ifAdminStatus, ifOperStatus, ifInOctets, ifInDiscards, ifInErrors, ifOutOctets, ifOutDiscards, ifOutErrors
        case ifName, ifHCInOctets, ifHCOutOctets, ifHighSpeed, ifAlias, ifCounterDiscontinuityTime

        var oid: OID {
            switch self {
            case .ifDescr: Objects.ifEntry.appending(2)
            case .ifSpeed: Objects.ifEntry.appending(5)
            case .ifAdminStatus: Objects.ifEntry.appending(7)
            case .ifOperStatus: Objects.ifEntry.appending(8)
            case .ifInOctets: Objects.ifEntry.appending(10)
            case .ifInDiscards: Objects.ifEntry.appending(13)
            case .ifInErrors: Objects.ifEntry.appending(14)
            case .ifOutOctets: Objects.ifEntry.appending(16)
            case .ifOutDiscards: Objects.ifEntry.appending(19)
            case .ifOutErrors: Objects.ifEntry.appending(20)
            case .ifName: Objects.ifXEntry.appending(1)
            case .ifHCInOctets: Objects.ifXEntry.appending(6)
            case .ifHCOutOctets: Objects.ifXEntry.appending(10)
            case .ifHighSpeed: Objects.ifXEntry.appending(15)
            case .ifAlias: Objects.ifXEntry.appending(18)
            case .ifCounterDiscontinuityTime: Objects.ifXEntry.appending(19)
            }
        }
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
    public static let walkedColumns = Column.allCases.map(\.oid)

    /// As many varbinds an answer as two whole-table cursors at `maxRepetitions` would bring.
    public static func repetitions(_ maxRepetitions: Int) -> Int { max(1, maxRepetitions * 2 / Column.allCases.count) }

    public func poll(_ target: SNMPTarget) async throws(SNMPError) -> InterfacePoll {
        let system = try await engine.get(target, Self.systemObjects).map(\.value)
        let uptime = system.count == 4 ? system[2] : nil
        guard case .timeTicks(let sysUpTime)? = uptime else {
            throw SNMPError(.decodeError, device: target.description, "sysUpTime.0 is missing or not TimeTicks; the agent's system group is broken")
        }
        let started = now()
        let clock = ContinuousClock()
        let start = clock.now
        let roots = Self.walkedColumns
        var cells = InterfaceCells()
        var varbinds = system.count
        try await engine.walk(target, roots: roots, maxRepetitions: Self.repetitions(maxRepetitions)) { root, batch, receivedAt in
            let column = Column(rawValue: root)!
            let elapsed = receivedAt - start
            for varbind in batch {
                guard let ifIndex = varbind.oid.lastComponent(under: roots[root]) else { continue }
                cells.set(varbind.value, column: column, ifIndex: ifIndex, receivedAfter: elapsed)
                varbinds += 1
            }
        }
        let time = started + (clock.now - start).inSeconds
        let interfaces = Self.uniqueKeys(
            cells.ifTableRows.map { row in
                Self.reading(
                    index: cells.ifIndex(of: row), cells: cells.row(row), time: started + cells.arrival(of: row).inSeconds, sysUpTime: sysUpTime)
            })
        let objectID: OID? = if case .objectIdentifier(let oid) = system[1] { oid } else { nil }
        return InterfacePoll(
            time: time, sysUpTime: sysUpTime,
            system: SystemDescription(description: system[0].text, objectID: objectID, name: system[3].text),
            varbinds: varbinds, interfaces: interfaces)
    }

    /// Readings whose keys are unique: an interface whose name an earlier one (lower ifIndex) already has is keyed
    /// `NAME #IFINDEX` and says so. Real agents repeat names (an HPE ProCurve has two `lo0`), and two series under one
    /// key would make the poll's rates collide and the whole poll fail to store.
    static func uniqueKeys(_ readings: [InterfaceReading]) -> [InterfaceReading] {
        var first: [String: UInt32] = [:]
        return readings.map { reading in
            guard let earlier = first[reading.key] else {
                first[reading.key] = reading.index
                return reading
            }
            var renamed = reading
            renamed.key = "\(reading.key) #\(reading.index)"
            renamed.problems.append("its name `\(reading.key)` is also ifIndex \(earlier)'s: keyed `\(renamed.key)`")
            return renamed
        }
    }

    static func reading(index: UInt32, cells: InterfaceCells.Row, time: Date, sysUpTime: UInt32) -> InterfaceReading {
        func text(_ value: SNMPValue?) -> String? { value?.text.flatMap { $0.isEmpty ? nil : $0 } }
        func counter32(_ value: SNMPValue?) -> UInt32? { if case .counter32(let v)? = value { v } else { nil } }
        func octets(hc: SNMPValue?, legacy: SNMPValue?) -> OctetCounter? {
            if case .counter64(let v)? = hc { return .bits64(v) }
            return counter32(legacy).map(OctetCounter.bits32)
        }
        // What the agent got wrong, for the log and the interface's record: a value of the wrong type is not read.
        var problems: [String] = []
        func expect(_ column: Column, _ expected: String) {
            if let value = cells[column], !value.isException, value.typeName != expected {
                problems.append("\(column) is \(value.typeName), not \(expected)")
            }
        }
        expect(.ifHCInOctets, "Counter64")
        expect(.ifHCOutOctets, "Counter64")
        expect(.ifInOctets, "Counter32")
        expect(.ifOutOctets, "Counter32")
        expect(.ifHighSpeed, "Gauge32")
        let highSpeed: UInt64? = if case .gauge32(let mbps)? = cells[.ifHighSpeed], mbps > 0 { UInt64(mbps) * 1_000_000 } else { nil }
        let speed = highSpeed ?? cells[.ifSpeed]?.unsignedValue.flatMap { $0 > 0 ? $0 : nil }
        let operUp = cells[.ifOperStatus] == .integer32(1)
        if speed == nil, operUp { problems.append("the interface is up with a speed of 0 (ifHighSpeed and ifSpeed); utilisation cannot be computed") }
        let discontinuity: UInt32? = if case .timeTicks(let t)? = cells[.ifCounterDiscontinuityTime] { t } else { nil }
        let sample = InterfaceSample(
            time: time, sysUpTime: sysUpTime, discontinuityTime: discontinuity,
            inOctets: octets(hc: cells[.ifHCInOctets], legacy: cells[.ifInOctets]),
            outOctets: octets(hc: cells[.ifHCOutOctets], legacy: cells[.ifOutOctets]),
            speedBitsPerSecond: speed)
        return InterfaceReading(
            key: text(cells[.ifName]) ?? text(cells[.ifDescr]) ?? "ifIndex.\(index)", index: index,
            alias: text(cells[.ifAlias]), speedBitsPerSecond: speed,
            adminUp: cells[.ifAdminStatus].flatMap { $0.isException ? nil : $0 == .integer32(1) }, operUp: operUp,
            inErrors: counter32(cells[.ifInErrors]), outErrors: counter32(cells[.ifOutErrors]),
            inDiscards: counter32(cells[.ifInDiscards]), outDiscards: counter32(cells[.ifOutDiscards]),
            sample: sample, problems: problems)
    }
}
