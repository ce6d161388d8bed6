import Capture
import Foundation

/// Stations that should not be on a school network (等级保护 level 3: no unauthorised device joins the internal
/// network): a source MAC of a frame from an address on a school subnet that is neither an inventory device nor an
/// e-book terminal. Off when the context has no register of known stations. Each address remembers the MAC it was last
/// checked with, so that a host's every frame does not look its MAC up again.
struct UnknownStations: Sendable {
    private var lastChecked: AddressSlots<UInt64>
    private var checkedInLargeSubnets: Set<MACAddress> = []
    private(set) var log = EventLog<MACAddress>()
    /// No MAC is this: an address not checked yet. A slot holds the MAC it was checked with, and `unknown` when that
    /// one is not the city's (its frames then count on its event).
    private static let none = UInt64.max, unknown: UInt64 = 1 << 62

    init(subnets: SubnetTable) { lastChecked = AddressSlots(subnets, initial: Self.none) }

    /// The known stations changed: every address's MAC is checked again at its next frame. The events raised stay.
    mutating func forgetChecks(subnets: SubnetTable) {
        lastChecked = AddressSlots(subnets, initial: Self.none)
        checkedInLargeSubnets = []
    }

    @inline(__always)
    mutating func observe(mac: MACAddress, address: IPv4Address, subnet: Int, frame: Int, time: Date, context: SecurityContext) {
        guard let known = context.knownStations else { return }
        let slot = lastChecked.slot(address, in: subnet)
        if let slot {
            let checked = lastChecked[slot]
            if checked & ~Self.unknown == mac.raw {
                if checked & Self.unknown != 0 { report(mac, address, subnet, frame, time, context) }
                return
            }
        } else if !checkedInLargeSubnets.insert(mac).inserted {
            return
        }
        let isKnown = known.contains(mac.raw)
        if let slot { lastChecked[slot] = mac.raw | (isKnown ? 0 : Self.unknown) }
        if !isKnown { report(mac, address, subnet, frame, time, context) }
    }

    private mutating func report(_ mac: MACAddress, _ address: IPv4Address, _ subnet: Int, _ frame: Int, _ time: Date, _ context: SecurityContext) {
        log.record(mac) {
            SecurityEvent(
                kind: .unknownStation, severity: .warning, frame: frame, time: time, address: "\(address)",
                school: context.schoolOfSubnet[subnet], mac: "\(mac)",
                detail: "\(mac) at \(address) is neither an inventory device nor an e-book terminal")
        }
    }
}
