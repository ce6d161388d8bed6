/// Who an SNMPv3 message says it is from, read from its bytes before net-snmp parses it (RFC 3412 §6, RFC 3414 §2.4):
/// the authoritative engine ID and the user name of its USM security parameters. The trap listener needs them first:
/// net-snmp authenticates a v3 trap only against a user localized to the sender's engine ID, which a listener cannot
/// know before the sender's first trap. Nothing here is trusted: the message is still authenticated by net-snmp.
struct USMMessageHeader: Equatable {
    var engineID: [UInt8]
    var userName: String

    /// nil unless `bytes` is an SNMPv3 message with USM security parameters (every length checked against the bytes).
    init?(_ bytes: UnsafeRawBufferPointer) {
        var reader = BERReader(bytes: bytes, range: 0..<bytes.count)
        // msgGlobalData: msgID, msgMaxSize, msgFlags, msgSecurityModel (3: USM).
        guard var message = reader.read(tag: 0x30), message.read(tag: 0x02)?.integer == 3, var global = message.read(tag: 0x30),
            global.read(tag: 0x02) != nil, global.read(tag: 0x02) != nil, global.read(tag: 0x04) != nil, global.read(tag: 0x02)?.integer == 3,
            var parametersString = message.read(tag: 0x04), var parameters = parametersString.read(tag: 0x30),
            let engineID = parameters.read(tag: 0x04), parameters.read(tag: 0x02) != nil, parameters.read(tag: 0x02) != nil,
            let user = parameters.read(tag: 0x04)
        else { return nil }
        self.engineID = engineID.array
        userName = String(decoding: user.array, as: UTF8.self)
    }
}

/// Reads BER TLVs from a range of bytes, each length checked against what is left: a truncated or lying message ends
/// the reading, never reads past its end.
struct BERReader {
    let bytes: UnsafeRawBufferPointer
    var range: Range<Int>

    /// The next element if it has `tag`: a reader over its contents. The reader moves past it.
    mutating func read(tag: UInt8) -> BERReader? {
        var index = range.lowerBound
        guard index < range.upperBound, bytes[index] == tag else { return nil }
        index += 1
        guard index < range.upperBound else { return nil }
        var length = Int(bytes[index])
        index += 1
        if length & 0x80 != 0 {
            let count = length & 0x7f
            guard count > 0, count <= 4, index + count <= range.upperBound else { return nil }
            length = 0
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
        }
        guard length <= range.upperBound - index else { return nil }
        range = (index + length)..<range.upperBound
        return BERReader(bytes: bytes, range: index..<(index + length))
    }

    var contents: UnsafeRawBufferPointer.SubSequence { bytes[range] }
    var array: [UInt8] { Array(contents) }

    /// A non-negative INTEGER of up to 4 bytes; nil otherwise.
    var integer: Int? {
        guard !range.isEmpty, range.count <= 4 else { return nil }
        return contents.reduce(0) { $0 << 8 | Int($1) }
    }
}
