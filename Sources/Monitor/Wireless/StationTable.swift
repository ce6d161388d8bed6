import Model
import SNMP

/// Where a wireless controller's MIB lists its associated clients (stations), as data beside the AP table of its
/// `WirelessProfile`: every column's row index starts with the client's MAC (six sub-identifiers); the columns may
/// come from more than one table, and are joined by that MAC.
public struct StationTable: Sendable, Hashable {
    /// How the MIB gives a client's association (PHY) rate.
    public enum Rate: Sendable, Hashable {
        /// The column holds the rate in Mbit/s.
        case mbps(WirelessProfile.Column)
        /// Cisco's cldcClientCurrentTxRateSet: `m7` (an 802.11n MCS index, a rate only with the channel width and the
        /// spatial streams) or `54.0` (a legacy rate in Mbit/s); `band` is the client's protocol (cldcClientProtocol:
        /// dot11n24 → 2.4 GHz, dot11n5 → 5 GHz) and `channelWidth` the controller's width per band
        /// (cldHtDot11nChannelBandwidth, indexed by band).
        case ciscoTxRateSet(rate: WirelessProfile.Column, band: WirelessProfile.Column, channelWidth: WirelessProfile.Column)
    }

    /// The AP's MAC (an OctetString of six bytes), to be matched with the AP table's index.
    public var apMAC: WirelessProfile.Column?
    /// The AP's name, as the AP table names it.
    public var apName: WirelessProfile.Column?
    public var ssid: WirelessProfile.Column?
    public var rate: Rate?

    /// The columns keyed by client MAC.
    var clientColumns: [WirelessProfile.Column] {
        var columns = [apMAC, apName, ssid].compactMap { $0 }
        switch rate {
        case .mbps(let column)?: columns.append(column)
        case .ciscoTxRateSet(let rate, let band, _)?: columns += [rate, band]
        case nil: break
        }
        return columns
    }

    /// Columns keyed otherwise (the channel width by band).
    var otherColumns: [WirelessProfile.Column] {
        if case .ciscoTxRateSet(_, _, let width)? = rate { return [width] }
        return []
    }

    /// The rate of one 802.11n (HT) MCS index, 0–31, at a channel width of 20 or 40 MHz with the long guard
    /// interval: the rate per spatial stream times the streams (MCS 0–7 one stream, 8–15 two, …). Nil otherwise.
    public static func htRate(mcs: Int, channelMHz: Int) -> Double? {
        let perStream: [Int: [Double]] = [
            20: [6.5, 13, 19.5, 26, 39, 52, 58.5, 65],
            40: [13.5, 27, 40.5, 54, 81, 108, 121.5, 135],
        ]
        guard (0...31).contains(mcs), let rates = perStream[channelMHz] else { return nil }
        return rates[mcs % 8] * Double(mcs / 8 + 1)
    }

    /// A Cisco `cldcClientCurrentTxRateSet` value as Mbit/s: `m<N>` through `htRate` at the band's width, a number
    /// as it is; nil when it cannot be told (no width for the band, a 5 or 10 MHz channel, another notation).
    public static func ciscoRate(_ text: String, channelMHz: Int?) -> Double? {
        if text.hasPrefix("m"), let mcs = Int(text.dropFirst()) { return channelMHz.flatMap { htRate(mcs: mcs, channelMHz: $0) } }
        return Double(text).flatMap { $0 > 0 ? $0 : nil }
    }

    /// CLDot11ChannelBandwidth → MHz: twenty(3) → 20, aboveforty(4) and belowforty(5) → 40; five and ten → nil.
    static func channelMHz(_ value: Int) -> Int? {
        switch value {
        case 3: 20
        case 4, 5: 40
        default: nil
        }
    }

    /// cldcClientProtocol → the band index of cldHtMacOperationsTable: dot11n24(6) → 1, dot11n5(7) → 2.
    static func band(ofProtocol value: Int) -> Int? {
        switch value {
        case 6: 1
        case 7: 2
        default: nil
        }
    }
}

extension StationTable {
    private static func column(_ entry: OID, _ number: UInt32) -> WirelessProfile.Column { .init(entry: entry, number: number) }

    /// HUAWEI-WLAN-STATION-MIB hwWlanStationTable: AP MAC, AP name, SSID and the AP's transmit rate to the client in Mbit/s.
    public static let huawei: StationTable = {
        let station: OID = "1.3.6.1.4.1.2011.6.139.18.1.2.1"
        return StationTable(apMAC: column(station, 3), apName: column(station, 4), ssid: column(station, 16), rate: .mbps(column(station, 15)))
    }()

    /// AIRESPACE-WIRELESS-MIB bsnMobileStationTable (AP MAC, SSID) with CISCO-LWAPP-DOT11-CLIENT-MIB cldcClientTable
    /// (rate, protocol) and CISCO-LWAPP-DOT11-MIB cldHtMacOperationsTable (channel width per band).
    public static let ciscoAirespace: StationTable = {
        let station: OID = "1.3.6.1.4.1.14179.2.1.4.1"
        let client: OID = "1.3.6.1.4.1.9.9.599.1.3.1.1"
        return StationTable(
            apMAC: column(station, 4), apName: nil, ssid: column(station, 7),
            rate: .ciscoTxRateSet(rate: column(client, 17), band: column(client, 6), channelWidth: column("1.3.6.1.4.1.9.9.612.1.1.1.1", 2)))
    }()

    /// Ruijie's station table (1.3.6.1.4.1.4881.1.1.10.2.56.5.1.1, beside ruijieApTable in the same WLAN subtree):
    /// column 2 is the AP's MAC, which indexes ruijieApTable. No SSID or rate column is known.
    public static let ruijie = StationTable(apMAC: column("1.3.6.1.4.1.4881.1.1.10.2.56.5.1.1.1", 2), apName: nil, ssid: nil, rate: nil)

    /// WLSX-USER-MIB nUserTable (AP name; indexed by MAC and IP) and WLSX-WLAN-MIB wlsxWlanStationTable (SSID). The
    /// station table's transmit rate is 255 (not known) on the controllers recorded, so the rate is not read.
    public static let aruba = StationTable(
        apMAC: nil, apName: column("1.3.6.1.4.1.14823.2.2.1.4.1.2.1", 10), ssid: column("1.3.6.1.4.1.14823.2.2.1.5.2.2.1.1", 12), rate: nil)
}
