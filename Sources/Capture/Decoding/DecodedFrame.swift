/// What one captured frame holds, layer by layer, as far as it could be read: a truncated or malformed layer ends
/// the decoding there, and the layers read before it stay. The detectors and the accounting read this, not bytes.
public struct DecodedFrame: Sendable, Hashable {
    /// The frame's length on the wire, as the capture recorded it (a capture may keep only its first bytes).
    public var wireLength: Int
    public var ethernet: EthernetHeader
    public var arp: ARPMessage?
    public var ip: IPHeader?
    public var udp: UDPHeader?
    public var tcp: TCPHeader?
    public var dhcp: DHCPMessage?
    public var dns: DNSMessage?

    /// Decodes `bytes`, the captured part of a frame of `wireLength` bytes; nil when not even its Ethernet header is
    /// there. Reads nothing outside `bytes`, whatever the frame claims.
    public static func decode(_ bytes: UnsafeRawBufferPointer, wireLength: Int? = nil) -> DecodedFrame? {
        let frame = ByteView(bytes)
        guard let ethernet = EthernetHeader.decode(frame), let payload = frame.view(from: ethernet.payloadOffset) else { return nil }
        var decoded = DecodedFrame(wireLength: wireLength ?? bytes.count, ethernet: ethernet)
        switch ethernet.etherType {
        case EthernetHeader.arp: decoded.arp = ARPMessage.decode(payload)
        case EthernetHeader.ipv4: decoded.decodeTransport(IPHeader.decodeIPv4(payload), in: payload)
        case EthernetHeader.ipv6: decoded.decodeTransport(IPHeader.decodeIPv6(payload), in: payload)
        default: break
        }
        return decoded
    }

    private init(wireLength: Int, ethernet: EthernetHeader) {
        self.wireLength = wireLength
        self.ethernet = ethernet
    }

    /// The well-known ports whose payloads are read: DHCP's server and client ports, and DNS's.
    static let dhcpPorts: ClosedRange<UInt16> = 67...68, dnsPort: UInt16 = 53

    private mutating func decodeTransport(_ header: IPHeader?, in packet: ByteView) {
        ip = header
        guard let header, let start = header.transportOffset, let segment = packet.view(from: start) else { return }
        switch header.transport {
        case IPHeader.udp:
            guard let udp = UDPHeader.decode(segment), let payload = segment.view(from: udp.payloadOffset) else { return }
            self.udp = udp
            if Self.dhcpPorts.contains(udp.sourcePort), Self.dhcpPorts.contains(udp.destinationPort) {
                dhcp = DHCPMessage.decode(payload)
            } else if udp.sourcePort == Self.dnsPort || udp.destinationPort == Self.dnsPort {
                dns = DNSMessage.decode(payload)
            }
        case IPHeader.tcp:
            tcp = TCPHeader.decode(segment)
        default:
            break
        }
    }
}
