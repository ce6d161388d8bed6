import Capture
import Foundation

/// Harmful-content prevention: DNS queries for a blocked domain or any name under it (`gambling.example` blocks
/// `www.gambling.example` but not `notgambling.example`), compared without case and trailing dot.
struct BlockedDomains: Sendable {
    private(set) var log = EventLog<String>()

    static func normalised(_ name: String) -> String {
        var text = name.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// The blocked domain `name` falls under, if any.
    static func match(_ name: String, in blocked: [String]) -> String? {
        let name = normalised(name)
        return blocked.first { name == $0 || (name.hasSuffix($0) && name.utf8.dropLast($0.utf8.count).last == UInt8(ascii: ".")) }
    }

    mutating func observe(_ dns: DNSMessage, source: String, school: String?, frame: Int, time: Date, context: SecurityContext) {
        guard !dns.isResponse, !context.blockedDomains.isEmpty else { return }
        for question in dns.questions {
            guard let domain = Self.match(question.name, in: context.blockedDomains) else { continue }
            log.record("\(source) \(Self.normalised(question.name))") {
                SecurityEvent(
                    kind: .blockedDomain, severity: .warning, frame: frame, time: time, address: source, school: school,
                    detail: "\(source) asked for \(question.name), under the blocked domain \(domain)")
            }
        }
    }
}
