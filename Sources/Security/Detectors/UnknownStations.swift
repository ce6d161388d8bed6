import Capture
import Foundation

/// Stations that should not be on a school network (等级保护 level 3: no unauthorised device joins the internal
/// network): a source MAC of a frame from an address on a school subnet that is neither an inventory device nor an
/// e-book terminal. Off when the context has no register of known stations.
struct UnknownStations: Sendable {
    private var checked: Set<MACAddress> = []
    private(set) var log = EventLog<MACAddress>()

    mutating func observe(mac: MACAddress, address: IPv4Address, frame: Int, time: Date, context: SecurityContext) {
        guard let known = context.knownStations, !checked.contains(mac) else { return }
        guard let school = context.school(of: address) else { return }
        if known.contains(mac.raw) {
            checked.insert(mac)
            return
        }
        log.record(mac) {
            SecurityEvent(
                kind: .unknownStation, severity: .warning, frame: frame, time: time, address: "\(address)", school: school, mac: "\(mac)",
                detail: "\(mac) at \(address) is neither an inventory device nor an e-book terminal")
        }
    }
}
