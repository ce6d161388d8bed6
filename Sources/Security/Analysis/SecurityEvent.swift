import Foundation
import Model

/// One thing a packet detector found, once: the first frame that showed it, and how many frames showed it in all. The
/// analysis of a file and the daemon's live capture report these; the alert rules are named after the kinds.
public struct SecurityEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// arpwatch's "new station": an IP address seen in ARP for the first time.
        case arpNewStation = "arp_new_station"
        /// arpwatch's "changed ethernet address": an IP address now at another MAC.
        case arpChangedMAC = "arp_changed_mac"
        /// arpwatch's "flip flop": back to the MAC it had before the last change.
        case arpFlipFlop = "arp_flip_flop"
        /// Snort's `arp_spoof` "Ethernet/ARP mismatch": the frame's Ethernet address is not the one the ARP message states.
        case arpAddressMismatch = "arp_address_mismatch"
        case rogueDHCPServer = "rogue_dhcp_server"
        case portScan = "port_scan"
        case addressSweep = "address_sweep"
        /// A station on a school subnet that is neither an inventory device nor an e-book terminal.
        case unknownStation = "unknown_station"
        case blockedDomain = "blocked_domain"
    }

    public var kind: Kind
    public var severity: AlertSeverity
    /// The frame that showed it first: its number in the capture (from 1, as tcpdump and Wireshark number) and time.
    public var frame: Int
    public var time: Date
    /// The host it is about (the station, the server, the scanner, the querying host) and its school, if on a school subnet.
    public var address: String
    public var school: String?
    public var mac: String?
    /// What was found, in a sentence that names the evidence.
    public var detail: String
    /// Frames that showed it, the first included.
    public var frames: Int = 1

    /// A finding that counts: warning and above (a new station is information, as arpwatch reports it).
    public var fires: Bool { severity >= .warning }
}

/// Where a detector keeps its events, one a key, counting the frames that repeat one.
struct EventLog<Key: Hashable & Sendable>: Sendable {
    private(set) var events: [SecurityEvent] = []
    private var index: [Key: Int] = [:]

    /// Counts a repeat of `key`'s event and returns false, or records the new one `make` builds and returns true.
    @discardableResult
    mutating func record(_ key: Key, _ make: () -> SecurityEvent) -> Bool {
        if let at = index[key] {
            events[at].frames += 1
            return false
        }
        index[key] = events.count
        events.append(make())
        return true
    }
}
