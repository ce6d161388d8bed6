/// The network layer of a frame: IPv4 or IPv6, with what accounting and the detectors need of it.
public struct IPHeader: Sendable, Hashable {
    public enum Addresses: Sendable, Hashable {
        case v4(source: IPv4Address, destination: IPv4Address)
        case v6(source: IPv6Address, destination: IPv6Address)
    }

    public var addresses: Addresses
    /// The transport protocol (6 TCP, 17 UDP), after IPv6's extension headers.
    public var transport: UInt8
    /// The packet's length as its header states it (IPv4 total length; IPv6 payload length + 40): the IP bytes a
    /// tool such as ntopng counts, which differ from the frame's bytes by the Ethernet header, tags and padding.
    public var length: Int
    /// Where the transport header starts, from the start of the IP header; nil for a fragment after the first (its
    /// bytes carry no transport header).
    public var transportOffset: Int?

    public static let tcp: UInt8 = 6, udp: UInt8 = 17

    static func decodeIPv4(_ packet: ByteView) -> IPHeader? {
        guard let first = packet.u8(0), first >> 4 == 4 else { return nil }
        let headerLength = Int(first & 0x0F) * 4
        guard headerLength >= 20, let total = packet.u16(2), Int(total) >= headerLength, let fragment = packet.u16(6),
            let proto = packet.u8(9), let source = packet.ipv4(12), let destination = packet.ipv4(16), packet.count >= headerLength
        else { return nil }
        let laterFragment = fragment & 0x1FFF != 0
        return IPHeader(
            addresses: .v4(source: source, destination: destination), transport: proto, length: Int(total),
            transportOffset: laterFragment ? nil : headerLength)
    }

    /// Extension headers skipped before the transport: hop-by-hop, routing, destination options (by their length)
    /// and fragment (8 bytes); at most this many, so that a chain of them ends.
    static let maxExtensionHeaders = 8

    static func decodeIPv6(_ packet: ByteView) -> IPHeader? {
        guard let first = packet.u8(0), first >> 4 == 6, let payload = packet.u16(4), var next = packet.u8(6),
            let source = packet.ipv6(8), let destination = packet.ipv6(24)
        else { return nil }
        var offset = 40
        var laterFragment = false
        for _ in 0..<maxExtensionHeaders {
            switch next {
            case 0, 43, 60:
                guard let following = packet.u8(offset), let units = packet.u8(offset + 1) else { return nil }
                next = following
                offset += (Int(units) + 1) * 8
            case 44:
                guard let following = packet.u8(offset), let fragment = packet.u16(offset + 2) else { return nil }
                next = following
                laterFragment = fragment >> 3 != 0
                offset += 8
            default:
                return IPHeader(
                    addresses: .v6(source: source, destination: destination), transport: next, length: Int(payload) + 40,
                    transportOffset: laterFragment ? nil : offset)
            }
        }
        return nil
    }
}

/// A UDP header: its ports, and where its payload is.
public struct UDPHeader: Sendable, Hashable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var payloadOffset: Int

    static func decode(_ datagram: ByteView) -> UDPHeader? {
        guard let source = datagram.u16(0), let destination = datagram.u16(2), datagram.count >= 8 else { return nil }
        return UDPHeader(sourcePort: source, destinationPort: destination, payloadOffset: 8)
    }
}

/// A TCP header: its ports and flags (a scan is told by SYNs without answers).
public struct TCPHeader: Sendable, Hashable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var flags: UInt8

    public static let fin: UInt8 = 0x01, syn: UInt8 = 0x02, rst: UInt8 = 0x04, ack: UInt8 = 0x10

    public var isSYN: Bool { flags & Self.syn != 0 && flags & Self.ack == 0 }

    static func decode(_ segment: ByteView) -> TCPHeader? {
        guard let source = segment.u16(0), let destination = segment.u16(2), let offset = segment.u8(12), let flags = segment.u8(13),
            Int(offset >> 4) * 4 >= 20
        else { return nil }
        return TCPHeader(sourcePort: source, destinationPort: destination, flags: flags)
    }
}
