/// The plan's bandwidth targets: backbone link tiers and the school tiers that school kinds fall into.
public struct BandwidthPolicy: Sendable, Hashable, Codable {
    /// The minimum capacity of a backbone or access link tier, and whether it must be dual-star.
    public struct LinkTarget: Sendable, Hashable, Codable {
        public var tier: LinkTier
        public var minimum: Bandwidth
        /// Every downstream node has two uplinks to two distinct upstream nodes.
        public var dualStar: Bool
    }

    /// A school tier: the targets that apply to every school of the listed kinds.
    public struct SchoolTier: Sendable, Hashable, Codable, Identifiable {
        public var id: String
        public var name: String
        public var nameEN: String
        public var schoolKinds: [SchoolKind]
        public var campusBackbone: Bandwidth
        public var wifiAccess: Bandwidth
        /// The area kinds Wi-Fi must cover.
        public var wifiAreas: [AreaKind]
        /// Schools of this tier must have two uplinks.
        public var dualHomed: Bool
    }

    public var links: [LinkTarget]
    public var tiers: [SchoolTier]
    /// A link is congested when its p95 utilisation exceeds this fraction of capacity.
    public var congestionThreshold: Double
    /// An AP covers its area when it was up for at least this share of the report window's polls
    /// (`wifi_ap_uptime`; nil in revisions stored before it existed: the default applies).
    public var wifiAPUptime: Double?
    public static let defaultWifiAPUptime = 0.99
    /// 同步课堂: the live-class streams a school of each kind must be able to carry at once on its uplink, and the
    /// bitrate of one stream (`live_class`; nil when the policy sets none).
    public var liveClass: LiveClass?

    /// Planned concurrent live-class streams by school kind, and one stream's bitrate.
    public struct LiveClass: Sendable, Hashable, Codable {
        public var streamBitrate: Bandwidth
        public var streams: [SchoolKind: Int]
    }

    /// The tier a school kind falls into, if the policy places it in one.
    public func tier(for kind: SchoolKind) -> SchoolTier? { tiers.first { $0.schoolKinds.contains(kind) } }
    public func target(for tier: LinkTier) -> LinkTarget? { links.first { $0.tier == tier } }
}

/// The e-book terminal (电子书包) target: terminals per student and per teacher.
public struct FleetPolicy: Sendable, Hashable, Codable {
    public var terminalsPerStudent: Double
    public var terminalsPerTeacher: Double
    /// How often each role is polled, in seconds, where the policy sets it; a device's own interval wins, and
    /// roles not listed use the daemon's interval.
    public var pollIntervalSeconds: [DeviceRole: Double] = [:]

    init(terminalsPerStudent: Double, terminalsPerTeacher: Double) {
        self.terminalsPerStudent = terminalsPerStudent
        self.terminalsPerTeacher = terminalsPerTeacher
    }

    /// Revisions stored before poll intervals by role existed have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        terminalsPerStudent = try container.decode(Double.self, forKey: .terminalsPerStudent)
        terminalsPerTeacher = try container.decode(Double.self, forKey: .terminalsPerTeacher)
        pollIntervalSeconds = try container.decodeIfPresent([DeviceRole: Double].self, forKey: .pollIntervalSeconds) ?? [:]
    }
}

/// Graded-protection (等级保护) rules the security checks enforce.
public struct SecurityPolicy: Sendable, Hashable, Codable {
    /// The graded-protection level the network is held to (1–5).
    public var gradedProtectionLevel: Int
    /// Community strings that must never answer (vendor defaults).
    public var forbiddenCommunities: [String]
    /// Device roles that must be polled with SNMPv3 at authPriv.
    public var snmpV3RequiredRoles: [DeviceRole]
    /// DHCP servers allowed to answer on school networks; any other is rogue.
    public var authorizedDHCPServers: [IPAddress]
    public var blockedDomains: [String]
}

/// Who hears about alerts: receivers (one or more per county's IT team) and the routes to them.
public struct AlertingPolicy: Sendable, Hashable, Codable {
    /// The payload format a receiver expects.
    public enum ReceiverKind: String, Sendable, Hashable, Codable, CaseIterable {
        case generic, alertmanager, dingtalk, wecom, feishu
    }

    /// A webhook endpoint; its signing secret is a reference, never a value.
    public struct Receiver: Sendable, Hashable, Codable, Identifiable {
        public var id: String
        public var name: String
        public var kind: ReceiverKind
        public var url: String
        public var secret: SecretReference?
    }

    /// Sends alerts whose labels equal every `match` entry to `receiver`; the first matching route wins.
    public struct Route: Sendable, Hashable, Codable {
        public var match: [String: String]
        public var receiver: String
    }

    public var receivers: [Receiver]
    public var routes: [Route]
    public var defaultReceiver: String
}

/// All policies, loaded together from `policies/`.
public struct PolicySet: Sendable, Hashable, Codable {
    public var bandwidth: BandwidthPolicy
    public var fleet: FleetPolicy
    public var security: SecurityPolicy
    public var alerting: AlertingPolicy
}
