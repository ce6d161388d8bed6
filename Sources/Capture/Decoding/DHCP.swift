/// A DHCP (BOOTP) message, with the options the rogue-server detector reads: the message type (53), the server
/// identifier (54) and whether a relay agent added its information (82).
public struct DHCPMessage: Sendable, Hashable {
    /// BOOTP's op: 1 BOOTREQUEST (client to server), 2 BOOTREPLY (server to client).
    public var op: UInt8
    public var transactionID: UInt32
    public var clientAddress: IPv4Address
    public var yourAddress: IPv4Address
    public var serverAddress: IPv4Address
    /// giaddr: the relay that forwarded the message (zero when none did).
    public var relayAddress: IPv4Address
    public var clientMAC: MACAddress?
    /// Option 53 (1 DISCOVER, 2 OFFER, 3 REQUEST, 5 ACK, 6 NAK, 10–13 the lease query's).
    public var messageType: UInt8?
    /// Option 54: the server that answers.
    public var serverIdentifier: IPv4Address?
    /// Option 82 was present (a relay agent's circuit and remote ids).
    public var hasRelayAgentInformation: Bool

    public static let bootRequest: UInt8 = 1, bootReply: UInt8 = 2

    static let magicCookie: UInt32 = 0x6382_5363
    /// At most this many options are read, so that a message of pad bytes ends fast.
    static let maxOptions = 255

    static func decode(_ message: ByteView) -> DHCPMessage? {
        guard let op = message.u8(0), op == 1 || op == 2, let hardwareType = message.u8(1), let hardwareLength = message.u8(2),
            let xid = message.u32(4), let ciaddr = message.ipv4(12), let yiaddr = message.ipv4(16), let siaddr = message.ipv4(20),
            let giaddr = message.ipv4(24), message.u32(236) == magicCookie
        else { return nil }
        let mac = hardwareType == 1 && hardwareLength == 6 ? message.mac(28) : nil
        var result = DHCPMessage(
            op: op, transactionID: xid, clientAddress: ciaddr, yourAddress: yiaddr, serverAddress: siaddr, relayAddress: giaddr,
            clientMAC: mac, messageType: nil, serverIdentifier: nil, hasRelayAgentInformation: false)
        var offset = 240
        for _ in 0..<maxOptions {
            guard let code = message.u8(offset) else { break }
            if code == 255 { break }
            if code == 0 {
                offset += 1
                continue
            }
            guard let length = message.u8(offset + 1), let value = message.view(from: offset + 2, count: Int(length)) else { break }
            switch code {
            case 53 where length == 1: result.messageType = value.u8(0)
            case 54 where length == 4: result.serverIdentifier = value.ipv4(0)
            case 82: result.hasRelayAgentInformation = true
            default: break
            }
            offset += 2 + Int(length)
        }
        return result
    }
}
