import SNMP

/// What one wireless-controller MIB says about access points, as data: which table lists the APs, which
/// columns hold the name, the state (and which values mean "up"), the clients and the uplink speed, and which
/// radio table holds clients per radio. Adding a vendor is adding a value here, not code.
public struct WirelessProfile: Sendable, Hashable {
    /// A column of a table and how to read it.
    public struct Column: Sendable, Hashable {
        public var entry: OID
        public var number: UInt32
        public var oid: OID { entry.appending(number) }
    }

    /// An access-point or radio state column: which values mean the AP or radio is up, and the names of the values.
    public struct StateColumn: Sendable, Hashable {
        public var column: Column
        public var up: Set<Int32>
        public var names: [Int32: String]
    }

    /// The radio table: rows indexed by the AP's index followed by a radio number.
    public struct RadioTable: Sendable, Hashable {
        public var clients: Column?
        public var state: StateColumn?
    }

    public var id: String
    /// The MIB the profile reads, for documentation and `edunet aps list`.
    public var mib: String
    /// The vendor names an inventory may give (`vendor:`), lower-cased.
    public var vendors: Set<String>
    /// sysObjectID prefixes that identify the vendor when the inventory does not say.
    public var enterprises: [OID]
    public var name: Column
    public var state: StateColumn?
    /// Associated clients per AP, when the AP table has them.
    public var clients: Column?
    /// The AP's wired uplink speed in Mbit/s, when the MIB has it.
    public var uplinkMbps: Column?
    /// The radio's operational rate set (IEEE 802.11 units of 500 kbit/s), whose largest value is the highest
    /// rate a client can associate at.
    public var rateSet: Column?
    public var radios: RadioTable?
    /// The associated clients, when the MIB lists them.
    public var stations: StationTable? = nil

    /// The columns to walk, side by side, in one walk.
    var columns: [Column] {
        [name, state?.column, clients, uplinkMbps, rateSet, radios?.clients, radios?.state?.column].compactMap { $0 }
            + (stations.map { $0.clientColumns + $0.otherColumns } ?? [])
    }
}

extension WirelessProfile {
    private static func column(_ entry: OID, _ number: UInt32) -> Column { Column(entry: entry, number: number) }

    /// HUAWEI-WLAN-AP-MIB hwWlanApTable and HUAWEI-WLAN-AP-RADIO-MIB hwWlanRadioInfoTable (AC6x05, S12700 native AC).
    public static let huawei: WirelessProfile = {
        let ap: OID = "1.3.6.1.4.1.2011.6.139.13.3.3.1"
        let radio: OID = "1.3.6.1.4.1.2011.6.139.16.1.2.1"
        return WirelessProfile(
            id: "huawei-wlan", mib: "HUAWEI-WLAN-AP-MIB", vendors: ["huawei"], enterprises: ["1.3.6.1.4.1.2011"],
            name: column(ap, 4),
            state: StateColumn(
                column: column(ap, 6), up: [8],
                names: [
                    1: "idle", 2: "autofind", 3: "typeNotMatch", 4: "fault", 5: "config", 6: "configFailed", 7: "download",
                    8: "normal", 9: "committing", 10: "commitFailed", 11: "standby", 12: "verMismatch", 13: "nameConflicted",
                    14: "invalid", 15: "countryCodeMismatch",
                ]),
            clients: column(ap, 44), uplinkMbps: nil, rateSet: nil,
            radios: RadioTable(clients: column(radio, 40), state: StateColumn(column: column(radio, 6), up: [1], names: [1: "up", 2: "down"])),
            stations: .huawei)
    }()

    /// AIRESPACE-WIRELESS-MIB bsnAPTable and bsnAPIfTable (Cisco AireOS controllers).
    public static let ciscoAirespace: WirelessProfile = {
        let ap: OID = "1.3.6.1.4.1.14179.2.2.1.1"
        let radio: OID = "1.3.6.1.4.1.14179.2.2.2.1"
        return WirelessProfile(
            id: "cisco-airespace", mib: "AIRESPACE-WIRELESS-MIB", vendors: ["cisco"], enterprises: ["1.3.6.1.4.1.9", "1.3.6.1.4.1.14179"],
            name: column(ap, 3),
            state: StateColumn(column: column(ap, 6), up: [1], names: [1: "associated", 2: "disassociating", 3: "downloading"]),
            clients: nil, uplinkMbps: nil, rateSet: nil,
            radios: RadioTable(clients: column(radio, 15), state: StateColumn(column: column(radio, 12), up: [2], names: [1: "down", 2: "up"])),
            stations: .ciscoAirespace)
    }()

    /// WLSX-WLAN-MIB wlsxWlanAPTable and wlsxWlanAPRadioTable (Aruba mobility controllers).
    public static let aruba: WirelessProfile = {
        let ap: OID = "1.3.6.1.4.1.14823.2.2.1.5.2.1.4.1"
        let radio: OID = "1.3.6.1.4.1.14823.2.2.1.5.2.1.5.1"
        return WirelessProfile(
            id: "aruba-wlsx", mib: "WLSX-WLAN-MIB", vendors: ["aruba", "hpe aruba"], enterprises: ["1.3.6.1.4.1.14823"],
            name: column(ap, 3),
            state: StateColumn(column: column(ap, 19), up: [1], names: [1: "up", 2: "down"]),
            clients: nil, uplinkMbps: nil, rateSet: nil,
            radios: RadioTable(clients: column(radio, 7), state: nil), stations: .aruba)
    }()

    /// RUIJIE-AC-MGMT-MIB ruijieApTable (Ruijie WS-series controllers): state, clients and uplink speed per AP; its station table.
    public static let ruijie: WirelessProfile = {
        let ap: OID = "1.3.6.1.4.1.4881.1.1.10.2.56.2.1.1.1"
        return WirelessProfile(
            id: "ruijie-ac", mib: "RUIJIE-AC-MGMT-MIB", vendors: ["ruijie", "锐捷"], enterprises: ["1.3.6.1.4.1.4881"],
            name: column(ap, 2),
            state: StateColumn(column: column(ap, 48), up: [1], names: [1: "online", 2: "offline"]),
            clients: column(ap, 34), uplinkMbps: column(ap, 24), rateSet: nil, radios: nil, stations: .ruijie)
    }()

    /// IEEE802dot11-MIB dot11StationConfigTable: a standalone AP reports itself, one row per radio interface,
    /// with the SSID and the operational rate set.
    public static let ieee80211: WirelessProfile = {
        let station: OID = "1.2.840.10036.1.1.1"
        return WirelessProfile(
            id: "ieee802dot11", mib: "IEEE802dot11-MIB", vendors: [], enterprises: [],
            name: column(station, 9), state: nil, clients: nil, uplinkMbps: nil, rateSet: column(station, 11), radios: nil)
    }()

    /// Every profile, vendors first; the standard MIB last, as the fallback.
    public static let all: [WirelessProfile] = [huawei, ciscoAirespace, aruba, ruijie, ieee80211]

    /// The profile for a controller: by the inventory's vendor, else by its sysObjectID, else the standard MIB.
    public static func matching(vendor: String?, sysObjectID: OID?) -> WirelessProfile {
        if let vendor = vendor?.lowercased(), let profile = all.first(where: { $0.vendors.contains(vendor) }) { return profile }
        if let sysObjectID, let profile = all.first(where: { $0.enterprises.contains { $0.isPrefix(of: sysObjectID) } }) { return profile }
        return ieee80211
    }
}
