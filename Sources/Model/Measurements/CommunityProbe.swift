import Foundation

/// What one posture probe of a device found (等级保护: no vendor default community may answer): whether the device
/// answered its own credentials at the time, and which of the policy's forbidden communities it answered, with the
/// SNMP version of each answer. The forbidden communities are published vendor defaults, never the device's own
/// secret, so they are kept and shown.
public struct CommunityProbe: Sendable, Hashable, Codable {
    /// One forbidden community the device answered.
    public struct Answer: Sendable, Hashable, Codable {
        public var community: String
        /// `v1` or `v2c`.
        public var version: String

        public init(community: String, version: String) {
            self.community = community
            self.version = version
        }
    }

    public var device: String
    public var time: Date
    /// Whether the device answered its own profile's credentials: a device that answers nothing proves nothing.
    public var reachable: Bool
    public var answers: [Answer]

    public init(device: String, time: Date, reachable: Bool, answers: [Answer]) {
        self.device = device
        self.time = time
        self.reachable = reachable
        self.answers = answers
    }

    /// `public (v1, v2c), private (v2c)`.
    public var answeredText: String {
        var versions: [String: [String]] = [:]
        var order: [String] = []
        for answer in answers {
            if versions[answer.community] == nil { order.append(answer.community) }
            versions[answer.community, default: []].append(answer.version)
        }
        return order.map { "\($0) (\(versions[$0]!.joined(separator: ", ")))" }.joined(separator: ", ")
    }
}
