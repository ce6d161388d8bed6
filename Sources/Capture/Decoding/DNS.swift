/// A DNS message's header and questions: who asked for which names (the harmful-content check matches them).
public struct DNSMessage: Sendable, Hashable {
    public struct Question: Sendable, Hashable {
        /// The name as asked, labels joined by dots, without the root's trailing dot; bytes outside printable ASCII
        /// and dots inside a label are written `\DDD`, as dig writes them.
        public var name: String
        public var type: UInt16
    }

    public var id: UInt16
    public var isResponse: Bool
    public var questions: [Question]

    /// Questions read from one message at most (real queries have one).
    static let maxQuestions = 4
    /// Compression pointers followed in one name at most: a loop of pointers ends here.
    static let maxJumps = 16

    static func decode(_ message: ByteView) -> DNSMessage? {
        guard let id = message.u16(0), let flags = message.u16(2), let count = message.u16(4) else { return nil }
        var questions: [Question] = []
        var offset = 12
        for _ in 0..<min(Int(count), maxQuestions) {
            guard let (name, end) = name(in: message, at: offset), let type = message.u16(end), message.u16(end + 2) != nil else { break }
            questions.append(Question(name: name, type: type))
            offset = end + 4
        }
        return DNSMessage(id: id, isResponse: flags & 0x8000 != 0, questions: questions)
    }

    /// The name at `start` and the offset just after it (after its first pointer, if compressed); nil if it runs off
    /// the message, loops, or is longer than DNS allows (255 bytes).
    static func name(in message: ByteView, at start: Int) -> (String, Int)? {
        var labels: [String] = []
        var offset = start
        var end: Int?
        var jumps = 0
        var length = 0
        while true {
            guard let size = message.u8(offset) else { return nil }
            switch size & 0xC0 {
            case 0xC0:
                guard jumps < maxJumps, let pointer = message.u16(offset) else { return nil }
                end = end ?? offset + 2
                jumps += 1
                offset = Int(pointer & 0x3FFF)
            case 0:
                if size == 0 { return (labels.joined(separator: "."), end ?? offset + 1) }
                length += Int(size) + 1
                guard length <= 255, let label = message.view(from: offset + 1, count: Int(size)) else { return nil }
                labels.append(text(label))
                offset += 1 + Int(size)
            default:
                return nil  // 0x40 and 0x80: extended label types, obsolete
            }
        }
    }

    private static func text(_ label: ByteView) -> String {
        var result = ""
        for byte in label.bytes {
            if byte > 0x20, byte < 0x7F, byte != UInt8(ascii: "."), byte != UInt8(ascii: "\\") {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "\\" + String(repeating: "0", count: byte < 10 ? 2 : byte < 100 ? 1 : 0) + String(byte)
            }
        }
        return result
    }
}
