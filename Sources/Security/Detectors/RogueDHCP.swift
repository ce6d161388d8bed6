import Capture
import Foundation

/// Rogue DHCP servers: every BOOTREPLY from the server port to the client port (UDP 67 → 68) whose server identifier
/// (option 54), or whose IP source when no relay (giaddr) forwarded it, is not an authorised server. A relay's
/// address as the source is not flagged, nor are the lease-query messages (types 10–13) servers send to relays.
struct RogueDHCP: Sendable {
    private(set) var log = EventLog<IPv4Address>()

    static let leaseQueryTypes: ClosedRange<UInt8> = 10...13

    mutating func observe(
        _ dhcp: DHCPMessage, udp: UDPHeader, source: IPv4Address, ethernet: EthernetHeader, frame: Int, time: Date, context: SecurityContext
    ) {
        guard dhcp.op == DHCPMessage.bootReply, udp.sourcePort == 67, udp.destinationPort == 68 else { return }
        if let type = dhcp.messageType, Self.leaseQueryTypes.contains(type) { return }
        let server: IPv4Address
        if let identifier = dhcp.serverIdentifier, !context.authorizedDHCPServers.contains(identifier) {
            server = identifier
        } else if dhcp.relayAddress == .zero, !context.authorizedDHCPServers.contains(source) {
            server = source
        } else {
            return
        }
        log.record(server) {
            SecurityEvent(
                kind: .rogueDHCPServer, severity: .critical, frame: frame, time: time, address: "\(server)", school: context.school(of: server),
                mac: "\(ethernet.source)",
                detail:
                    "DHCP \(Self.typeName(dhcp.messageType)) from \(server) (\(ethernet.source)), not an authorised server, offered \(dhcp.yourAddress)"
            )
        }
    }

    static func typeName(_ type: UInt8?) -> String {
        switch type {
        case 2: "OFFER"
        case 5: "ACK"
        case 6: "NAK"
        case nil: "BOOTREPLY"
        case let other?: "message type \(other)"
        }
    }
}
