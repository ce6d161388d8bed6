import Capture
import Foundation

import enum Model.AlertSeverity

/// ARP watching as arpwatch and Snort's `arp_spoof` define it: a new station, a changed MAC for an IP, a flip-flop
/// back to the MAC before, and a frame whose Ethernet address differs from what its ARP message states. A gateway's
/// change is critical (every host of its subnet sends through it); another host's, a warning.
struct ARPWatch: Sendable {
    private struct Station: Sendable {
        var current: MACAddress
        var previous: MACAddress?
    }

    private var stations: [IPv4Address: Station] = [:]
    private(set) var log = EventLog<String>()

    mutating func observe(_ arp: ARPMessage, ethernet: EthernetHeader, frame: Int, time: Date, context: SecurityContext) {
        // An ARP probe (RFC 5227) states no sender address yet: nothing to learn.
        guard arp.senderIP != .zero else { return }
        let ip = arp.senderIP
        let isGateway = context.gateways.contains(ip)
        let school = context.school(of: ip)
        func event(_ kind: SecurityEvent.Kind, _ severity: AlertSeverity, mac: MACAddress, _ detail: String) -> SecurityEvent {
            SecurityEvent(
                kind: kind, severity: severity, frame: frame, time: time, address: "\(ip)", school: school, mac: "\(mac)", detail: detail)
        }
        let serious: AlertSeverity = isGateway ? .critical : .warning
        let role = isGateway ? "gateway \(ip)" : "\(ip)"
        if ethernet.source != arp.senderMAC {
            log.record("mismatch \(ip) \(ethernet.source) \(arp.senderMAC)") {
                event(
                    .arpAddressMismatch, serious, mac: ethernet.source,
                    "ARP \(arp.operation == ARPMessage.reply ? "reply" : "request") says \(role) is at \(arp.senderMAC), sent from \(ethernet.source)"
                )
            }
        } else if arp.operation == ARPMessage.reply, ethernet.destination != .broadcast, arp.targetMAC != .zero,
            ethernet.destination != arp.targetMAC
        {
            log.record("mismatch-target \(ip) \(ethernet.destination) \(arp.targetMAC)") {
                event(
                    .arpAddressMismatch, serious, mac: ethernet.source,
                    "ARP reply from \(role) is for \(arp.targetMAC) but sent to \(ethernet.destination)")
            }
        }
        let mac = arp.senderMAC
        guard var station = stations[ip] else {
            stations[ip] = Station(current: mac)
            log.record("new \(ip)") { event(.arpNewStation, .info, mac: mac, "\(role) first seen at \(mac)") }
            return
        }
        guard station.current != mac else { return }
        if station.previous == mac {
            log.record("flip \(ip) \(mac)") { event(.arpFlipFlop, serious, mac: mac, "\(role) is back at \(mac) from \(station.current)") }
        } else {
            log.record("changed \(ip) \(mac)") { event(.arpChangedMAC, serious, mac: mac, "\(role) moved from \(station.current) to \(mac)") }
        }
        station.previous = station.current
        station.current = mac
        stations[ip] = station
    }
}
