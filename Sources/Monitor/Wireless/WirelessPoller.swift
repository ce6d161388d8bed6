import Foundation
import Model
import SNMP

/// Reads a wireless controller's access points with a `WirelessProfile`: the profile's columns are walked
/// side by side in one walk (only those columns, not the vendor's whole subtree), then radios are grouped
/// under their AP.
public struct WirelessPoller: Sendable {
    public let engine: SNMPEngine
    public let maxRepetitions: Int

    public init(engine: SNMPEngine, maxRepetitions: Int = 25) {
        self.engine = engine
        self.maxRepetitions = maxRepetitions
    }

    /// The access points, and how many varbinds were read for them.
    public func poll(_ target: SNMPTarget, profile: WirelessProfile) async throws(SNMPError) -> (readings: [AccessPointReading], varbinds: Int) {
        let columns = profile.columns
        var cells = [[OID: SNMPValue]](repeating: [:], count: columns.count)
        try await engine.walk(target, roots: columns.map(\.oid), maxRepetitions: maxRepetitions) { root, batch in
            for varbind in batch {
                if let index = varbind.oid.suffix(after: columns[root].oid) { cells[root][index] = varbind.value }
            }
        }
        return (
            Self.readings(profile: profile, cells: Dictionary(zip(columns, cells), uniquingKeysWith: { first, _ in first })),
            cells.reduce(0) { $0 + $1.count }
        )
    }

    /// Builds the readings from the walked cells, by column; separate from the walk so it is tested exactly.
    static func readings(profile: WirelessProfile, cells: [WirelessProfile.Column: [OID: SNMPValue]]) -> [AccessPointReading] {
        func integer(_ value: SNMPValue?) -> Int? {
            switch value {
            case .integer32(let v)?: Int(v)
            case .counter32(let v)?, .gauge32(let v)?: Int(v)
            default: nil
            }
        }
        // Radios by their AP's index (the radio index without its last number).
        var radioCount: [OID: Int] = [:]
        var radioClients: [OID: Int] = [:]
        var radiosUp: [OID: Int] = [:]
        if let radios = profile.radios {
            let indices = Set(
                (radios.clients.map { cells[$0]?.keys.map { $0 } ?? [] } ?? [])
                    + (radios.state.map { cells[$0.column]?.keys.map { $0 } ?? [] } ?? []))
            for index in indices where index.count > 1 {
                let ap = OID(Array(index.components.dropLast()))
                radioCount[ap, default: 0] += 1
                if let column = radios.clients, let n = integer(cells[column]?[index]) { radioClients[ap, default: 0] += n }
                if let state = radios.state, let v = integer(cells[state.column]?[index]), state.up.contains(Int32(v)) {
                    radiosUp[ap, default: 0] += 1
                }
            }
        }
        return (cells[profile.name] ?? [:]).sorted { $0.key < $1.key }.map { index, nameValue in
            let stateValue = profile.state.flatMap { integer(cells[$0.column]?[index]) }
            let up: Bool? =
                if let profile = profile.state, let stateValue {
                    profile.up.contains(Int32(stateValue))
                } else if profile.radios?.state != nil, radioCount[index] != nil { (radiosUp[index] ?? 0) > 0 } else { nil }
            let clients = profile.clients.flatMap { integer(cells[$0]?[index]) } ?? radioClients[index]
            let rates = profile.rateSet.flatMap { cells[$0]?[index] }.flatMap { value -> [UInt8]? in
                if case .octetString(let bytes) = value { bytes } else { nil }
            }
            return AccessPointReading(
                index: index.description, name: nameValue.text ?? nameValue.displayText, up: up,
                state: stateValue.map { value in profile.state?.names[Int32(value)] ?? String(value) },
                clients: clients, radios: radioCount[index] ?? 0,
                radiosUp: profile.radios?.state != nil ? radiosUp[index] ?? 0 : nil,
                uplinkMbps: profile.uplinkMbps.flatMap { integer(cells[$0]?[index]) },
                // IEEE 802.11 rate sets count in 500 kbit/s; the top bit marks a basic rate.
                maxRateMbps: rates.flatMap { $0.map { Double($0 & 0x7F) / 2 }.max() })
        }
    }
}
