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

    /// The access points, their clients where the MIB lists them, and how many varbinds were read.
    public func poll(_ target: SNMPTarget, profile: WirelessProfile) async throws(SNMPError) -> (
        readings: [AccessPointReading], stations: [StationReading]?, varbinds: Int
    ) {
        let columns = profile.columns
        var cells = [[OID: SNMPValue]](repeating: [:], count: columns.count)
        try await engine.walk(target, roots: columns.map(\.oid), maxRepetitions: maxRepetitions) { root, batch in
            for varbind in batch {
                if let index = varbind.oid.suffix(after: columns[root].oid) { cells[root][index] = varbind.value }
            }
        }
        let byColumn = Dictionary(zip(columns, cells), uniquingKeysWith: { first, _ in first })
        var readings = Self.readings(profile: profile, cells: byColumn)
        let stations = profile.stations.map { Self.stations($0, cells: byColumn, accessPoints: &readings) }
        return (readings, stations, cells.reduce(0) { $0 + $1.count })
    }

    /// The clients from the walked cells, each with the name of its AP; sets each AP's `clientRateMbps` to the median
    /// (nearest rank) of its clients' known rates.
    static func stations(
        _ table: StationTable, cells: [WirelessProfile.Column: [OID: SNMPValue]], accessPoints: inout [AccessPointReading]
    ) -> [StationReading] {
        // Each column's cells by client MAC (the first six sub-identifiers of the row index).
        func byMAC(_ column: WirelessProfile.Column?) -> [MACAddress: SNMPValue] {
            guard let column, let values = cells[column] else { return [:] }
            var result: [MACAddress: SNMPValue] = [:]
            // A client may have several rows (Aruba's user table has one per MAC and IP, and a roaming client's rows
            // can name two APs): the first in index order counts, so that every poll reads the same.
            for (index, value) in values.sorted(by: { $0.key < $1.key }) {
                if let mac = MACAddress(octets: index.components.prefix(6)), result[mac] == nil { result[mac] = value }
            }
            return result
        }
        let apMACs = byMAC(table.apMAC)
        let apNames = byMAC(table.apName)
        let ssids = byMAC(table.ssid)
        var rates: [MACAddress: Double] = [:]
        switch table.rate {
        case .mbps(let column)?:
            for (mac, value) in byMAC(column) { if let mbps = integer(value), mbps > 0 { rates[mac] = Double(mbps) } }
        case .ciscoTxRateSet(let rateColumn, let bandColumn, let widthColumn)?:
            let bands = byMAC(bandColumn)
            var widths: [Int: Int] = [:]
            for (index, value) in cells[widthColumn] ?? [:] {
                if let band = index.components.first, let width = integer(value).flatMap(StationTable.channelMHz) { widths[Int(band)] = width }
            }
            for (mac, value) in byMAC(rateColumn) {
                guard let text = value.text else { continue }
                let width = integer(bands[mac]).flatMap(StationTable.band(ofProtocol:)).flatMap { widths[$0] }
                if let mbps = StationTable.ciscoRate(text, channelMHz: width) { rates[mac] = mbps }
            }
        case nil: break
        }
        let apByMAC = Dictionary(
            accessPoints.enumerated().compactMap { i, ap in ap.macAddress.flatMap(MACAddress.init(parsing:)).map { ($0, i) } },
            uniquingKeysWith: { a, _ in a })
        let apByName = Dictionary(accessPoints.enumerated().map { ($1.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        let macs = Set(apMACs.keys).union(apNames.keys).union(ssids.keys).union(rates.keys)
        var ratesOfAP: [Int: [Double]] = [:]
        let stations = macs.sorted().map { mac -> StationReading in
            var ap: Int?
            if case .octetString(let bytes)? = apMACs[mac], let apMAC = MACAddress(octets: bytes) { ap = apByMAC[apMAC] }
            if ap == nil, let name = apNames[mac]?.text { ap = apByName[name.lowercased()] }
            if let ap, let rate = rates[mac] { ratesOfAP[ap, default: []].append(rate) }
            return StationReading(
                mac: mac, accessPoint: ap.map { accessPoints[$0].name } ?? apNames[mac]?.text, ssid: ssids[mac]?.text, rateMbps: rates[mac])
        }
        for (ap, rates) in ratesOfAP { accessPoints[ap].clientRateMbps = Percentile.nearestRank(0.5, of: rates) }
        return stations
    }

    /// A whole-number cell (INTEGER, Counter32, Gauge32), else nil.
    static func integer(_ value: SNMPValue?) -> Int? {
        switch value {
        case .integer32(let v)?: Int(v)
        case .counter32(let v)?, .gauge32(let v)?: Int(v)
        default: nil
        }
    }

    /// Builds the readings from the walked cells, by column; separate from the walk so it is tested exactly.
    static func readings(profile: WirelessProfile, cells: [WirelessProfile.Column: [OID: SNMPValue]]) -> [AccessPointReading] {
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
