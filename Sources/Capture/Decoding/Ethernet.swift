/// An Ethernet II header with up to two VLAN tags (802.1Q, and 802.1ad QinQ's outer S-tag): who sent the frame,
/// to whom, on which VLANs, and what it carries.
public struct EthernetHeader: Sendable, Hashable {
    public var destination: MACAddress
    public var source: MACAddress
    /// The outer tag's VLAN id (the S-tag in QinQ), if tagged.
    public var outerVLAN: UInt16?
    /// The inner tag's VLAN id (the C-tag in QinQ).
    public var innerVLAN: UInt16?
    /// The EtherType after the tags (0x0800 IPv4, 0x0806 ARP, 0x86DD IPv6).
    public var etherType: UInt16
    /// Where the payload starts in the frame.
    public var payloadOffset: Int

    public static let ipv4: UInt16 = 0x0800, arp: UInt16 = 0x0806, ipv6: UInt16 = 0x86DD
    /// The tag types: 802.1Q, 802.1ad, and the older 0x9100 some switches still send for QinQ.
    static func isTag(_ type: UInt16) -> Bool { type == 0x8100 || type == 0x88A8 || type == 0x9100 }
    /// Tags beyond two are skipped, up to this many in all, so that a frame of nothing but tags ends.
    static let maxTags = 4

    static func decode(_ frame: ByteView) -> EthernetHeader? {
        guard let destination = frame.mac(0), let source = frame.mac(6), var type = frame.u16(12) else { return nil }
        var offset = 14
        var vlans: (outer: UInt16?, inner: UInt16?, count: Int) = (nil, nil, 0)
        while isTag(type) {
            guard vlans.count < maxTags, let tag = frame.u16(offset), let next = frame.u16(offset + 2) else { return nil }
            if vlans.count == 0 { vlans.outer = tag & 0x0FFF } else if vlans.count == 1 { vlans.inner = tag & 0x0FFF }
            vlans.count += 1
            type = next
            offset += 4
        }
        // Below 0x0600 the field is an 802.3 length, not a type: no payload this decoder knows.
        return EthernetHeader(
            destination: destination, source: source, outerVLAN: vlans.outer, innerVLAN: vlans.inner, etherType: type,
            payloadOffset: offset)
    }
}

/// An ARP message for IPv4 over Ethernet (the only kind a school LAN carries): who says which IP is at which MAC.
public struct ARPMessage: Sendable, Hashable {
    public var operation: UInt16
    public var senderMAC: MACAddress
    public var senderIP: IPv4Address
    public var targetMAC: MACAddress
    public var targetIP: IPv4Address

    public static let request: UInt16 = 1, reply: UInt16 = 2

    /// A gratuitous ARP: the sender announces its own address (sender IP = target IP).
    public var isGratuitous: Bool { senderIP == targetIP }

    static func decode(_ packet: ByteView) -> ARPMessage? {
        // Hardware type 1 (Ethernet), protocol 0x0800, address lengths 6 and 4; anything else is not read.
        guard packet.u16(0) == 1, packet.u16(2) == 0x0800, packet.u8(4) == 6, packet.u8(5) == 4, let operation = packet.u16(6),
            let senderMAC = packet.mac(8), let senderIP = packet.ipv4(14), let targetMAC = packet.mac(18), let targetIP = packet.ipv4(24)
        else { return nil }
        return ARPMessage(operation: operation, senderMAC: senderMAC, senderIP: senderIP, targetMAC: targetMAC, targetIP: targetIP)
    }
}
