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
    /// Which interfaces keep their rates at poll resolution for the daemon's `retention_days`; the others keep
    /// five-minute roll-ups only (their rates are deleted once rolled up), so that polling every access port of a
    /// city costs gigabytes, not hundreds of them.
    public var fullResolution: FullResolution = .plannedLinks
    /// A terminal is in use when the network saw it on at least `inUseSeenDays` of the last `inUseSchoolDays`
    /// school days (Monday to Friday, city time).
    public var inUseSeenDays = 3
    public var inUseSchoolDays = 10
    /// Terminals in use over terminals assigned at or above which a school passes.
    public var inUseMinimumShare = 0.8
    /// An assigned terminal not seen for this many school days is announced (one message per school).
    public var notSeenAlertSchoolDays = 10

    /// The interfaces whose rates are kept at poll resolution.
    public enum FullResolution: String, Sendable, Hashable, Codable, CaseIterable {
        /// Both ends of every planned link (backbone, access and campus-backbone links: the uplinks).
        case plannedLinks = "planned-links"
        /// Every interface.
        case all
    }

    init(terminalsPerStudent: Double, terminalsPerTeacher: Double) {
        self.terminalsPerStudent = terminalsPerStudent
        self.terminalsPerTeacher = terminalsPerTeacher
    }

    /// Revisions stored before poll intervals by role (and resolution tiers, and the fleet's use rules) existed have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        terminalsPerStudent = try container.decode(Double.self, forKey: .terminalsPerStudent)
        terminalsPerTeacher = try container.decode(Double.self, forKey: .terminalsPerTeacher)
        pollIntervalSeconds = try container.decodeIfPresent([DeviceRole: Double].self, forKey: .pollIntervalSeconds) ?? [:]
        fullResolution = try container.decodeIfPresent(FullResolution.self, forKey: .fullResolution) ?? .plannedLinks
        inUseSeenDays = try container.decodeIfPresent(Int.self, forKey: .inUseSeenDays) ?? 3
        inUseSchoolDays = try container.decodeIfPresent(Int.self, forKey: .inUseSchoolDays) ?? 10
        inUseMinimumShare = try container.decodeIfPresent(Double.self, forKey: .inUseMinimumShare) ?? 0.8
        notSeenAlertSchoolDays = try container.decodeIfPresent(Int.self, forKey: .notSeenAlertSchoolDays) ?? 10
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
    /// `scan_detection`; nil (the key left out, or a configuration stored before it existed) is the defaults.
    public var scanDetection: ScanDetectionPolicy?
    /// `posture`; nil (the key left out, or a configuration stored before it existed) is the defaults.
    public var posture: PosturePolicy?
    /// `quarantine`; nil (the key left out, or a configuration stored before it existed) is the defaults: ports shut for
    /// 24 hours, by hand only.
    public var quarantine: QuarantinePolicy?
}

/// How a port is quarantined (`security.yaml`'s `quarantine`, NAV Arnold's detentions): shut, or moved to a quarantine
/// VLAN (its PVID), for a period, then released; never a port with more stations behind it than one station's worth
/// (a downstream switch or access point). The daemon quarantines by itself only for the detections `automatic` names.
public struct QuarantinePolicy: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        /// ifAdminStatus down.
        case shutdown
        /// dot1qPvid set to `vlan`.
        case vlan
    }

    public var action: Action = .shutdown
    /// The quarantine VLAN, for `action: vlan`.
    public var vlan: Int?
    public var periodHours: Double = 24
    /// A port with more stations than this behind it is never quarantined (a downstream switch or an access point).
    public var maxStationsPerPort: Int = 4
    /// The security detections the daemon quarantines the station's port for by itself; none by default.
    public var automatic: [Trigger] = []

    /// The detections a quarantine can follow: those that name one station's MAC (named as their alert rules are).
    public enum Trigger: String, Sendable, Hashable, Codable, CaseIterable {
        case rogueDHCPServer = "rogue_dhcp_server"
        case unknownStation = "unknown_station"
        case arpAddressMismatch = "arp_address_mismatch"
    }

    public init() {}
}

/// How the graded-protection posture checks over SNMP are run (`security.yaml`'s `posture`): how often each inventory
/// device is asked with the forbidden communities, how long a probe waits, and when an access port that is admin-up
/// but has had nothing plugged in is an unused port left open.
public struct PosturePolicy: Sendable, Hashable, Codable {
    /// A device is probed again once its last probe is this old (the probe is one GET a community and version).
    public var probeIntervalHours: Double = 24
    /// How long one probe waits for an answer (no retries: an agent that answers a community answers at once).
    public var probeTimeoutSeconds: Double = 1
    /// An admin-up port operationally down this long is unused and should be shut (等级保护: 关闭不使用的端口).
    public var unusedPortDays: Double = 30
    /// The roles whose ports are access ports (the ports of planned links are never counted).
    public var unusedPortRoles: [DeviceRole] = [.accessSwitch]

    public init() {}
}

/// When a source's connection attempts are a port scan or an address sweep (`security.yaml`'s `scan_detection`):
/// Zeek's scan policy by default (15 ports of one host, or 25 hosts on one port, within 5 minutes), a higher threshold
/// for sources inside the school subnets (their backup agents and printer discovery), and the bureau's own scanners.
public struct ScanDetectionPolicy: Sendable, Hashable, Codable {
    public var windowSeconds: Double = 300
    public var portScanPorts: Int = 15
    public var addressSweepHosts: Int = 25
    public var localPortScanPorts: Int = 50
    public var localAddressSweepHosts: Int = 100
    public var allowedScanners: [IPAddress] = []

    public init() {}
}

/// Who hears about alerts and when: receivers (one or more per county's IT team), the routes to them, how
/// alerts are raised (grace periods, severities), grouped, held when flapping, and delivered.
public struct AlertingPolicy: Sendable, Hashable, Codable {
    /// The payload format a receiver expects.
    public enum ReceiverKind: String, Sendable, Hashable, Codable, CaseIterable {
        case generic, alertmanager, dingtalk, wecom, feishu

        /// Messages a minute the service accepts from one robot (DingTalk and WeCom: 20; Feishu: 100).
        public var defaultRatePerMinute: Int {
            switch self {
            case .dingtalk, .wecom: 20
            case .feishu: 100
            case .generic, .alertmanager: 600
            }
        }
    }

    /// A webhook endpoint; its signing secret is a reference, never a value.
    public struct Receiver: Sendable, Hashable, Codable, Identifiable {
        public var id: String
        public var name: String
        public var kind: ReceiverKind
        public var url: String
        public var secret: SecretReference?
        /// At most this many messages a minute (`rate_per_minute`; the service's own limit by default).
        public var ratePerMinute: Int?
        /// Text in English instead of Chinese (`language: en`).
        public var english: Bool?

        public init(
            id: String, name: String, kind: ReceiverKind, url: String, secret: SecretReference?, ratePerMinute: Int? = nil, english: Bool? = nil
        ) {
            self.id = id
            self.name = name
            self.kind = kind
            self.url = url
            self.secret = secret
            self.ratePerMinute = ratePerMinute
            self.english = english
        }

        public var effectiveRatePerMinute: Int { ratePerMinute ?? kind.defaultRatePerMinute }
    }

    /// Sends alerts whose labels equal every `match` entry to `receiver`; the first matching route wins.
    public struct Route: Sendable, Hashable, Codable {
        public var match: [String: String]
        public var receiver: String
        /// Labels whose values make a group (one message per group); the policy's `grouping.group_by` when nil.
        public var groupBy: [String]?

        public init(match: [String: String], receiver: String, groupBy: [String]? = nil) {
            self.match = match
            self.receiver = receiver
            self.groupBy = groupBy
        }
    }

    /// When each source raises its alert and how severe it is (`rules:`).
    public struct Rules: Sendable, Hashable, Codable {
        /// Every alert rule's name, as alerts and `rules:` spell it.
        public static let names = [
            "device_unreachable", "link_down", "link_congested", "compliance_fail", "trap_link_down", "device_restarted",
            "snmp_auth_failure", "delivery_failed", "ap_down", "terminal_lost_seen", "terminals_not_seen", "terminal_wrong_school",
            "pool_site_loss", "pool_active_active_lost", "pool_storage_full", "security_event", "snmp_default_community", "security_posture",
        ]
        /// NAV's two stages: a device that has not answered for this long is a warning, then critical.
        public var unreachableWarningSeconds: Double = 60
        public var unreachableCriticalSeconds: Double = 240
        /// A planned link's interface down; `redundantLinkDownSeverity` when its twin still carries the traffic.
        public var linkDownSeverity: AlertSeverity = .critical
        public var redundantLinkDownSeverity: AlertSeverity = .warning
        /// A link above the congestion threshold in every sample for this long.
        public var congestionMinutes: Double = 15
        public var congestionSeverity: AlertSeverity = .warning
        /// Compliance findings that fail, evaluated this often over this window.
        public var complianceSeverity: AlertSeverity = .warning
        public var complianceEveryMinutes: Double = 60
        public var complianceWindowHours: Double = 24
        /// Traps: linkDown (resolved by linkUp), coldStart/warmStart and authenticationFailure (resolved after the hold).
        public var trapLinkDownSeverity: AlertSeverity = .warning
        public var restartSeverity: AlertSeverity = .info
        public var restartHoldMinutes: Double = 10
        public var authenticationFailureSeverity: AlertSeverity = .warning
        public var authenticationFailureHoldMinutes: Double = 30
        /// A message that could not be delivered within the maximum age.
        public var deliveryFailedSeverity: AlertSeverity = .critical
        /// An access point its controller reports down; grouped by school unless a route says otherwise, so that a
        /// school's dead Wi-Fi is one message, not one per AP.
        public var accessPointDownSeverity: AlertSeverity = .warning
        public var accessPointDownGroupBy: [String] = ["county", "school", "rule"]
        /// E-book terminals: one marked lost seen on Wi-Fi (a security alert saying where), a school's assigned
        /// terminals not seen for `fleet.yaml`'s days (one alert a school), one seen at a school it is not registered to.
        public var terminalLostSeenSeverity: AlertSeverity = .critical
        public var terminalsNotSeenSeverity: AlertSeverity = .info
        public var terminalWrongSchoolSeverity: AlertSeverity = .warning
        /// The education cloud: the pool no longer survives a site loss, a service lost its active-active, a storage
        /// pool full within `pool.yaml`'s `storage.alert_days`.
        public var poolSiteLossSeverity: AlertSeverity = .critical
        public var poolActiveActiveSeverity: AlertSeverity = .critical
        public var poolStorageFullSeverity: AlertSeverity = .warning
        /// What live capture found (each detector's kind is its own rule, at the severity docs/security.md gives it):
        /// resolved this long after the last frame that showed it.
        public var securityEventHoldMinutes: Double = 60
        /// The posture checks (evaluated with compliance): a device answering a default community, and a device below
        /// SNMPv3 authPriv or with unused ports left open.
        public var snmpDefaultCommunitySeverity: AlertSeverity = .critical
        public var securityPostureSeverity: AlertSeverity = .warning

        public init() {}

        /// A revision stored before a rule existed has that rule's default.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            var rules = Rules()
            func read<T: Decodable>(_ key: CodingKeys, _ path: WritableKeyPath<Rules, T>) throws {
                if let value = try container.decodeIfPresent(T.self, forKey: key) { rules[keyPath: path] = value }
            }
            try read(.unreachableWarningSeconds, \.unreachableWarningSeconds)
            try read(.unreachableCriticalSeconds, \.unreachableCriticalSeconds)
            try read(.linkDownSeverity, \.linkDownSeverity)
            try read(.redundantLinkDownSeverity, \.redundantLinkDownSeverity)
            try read(.congestionMinutes, \.congestionMinutes)
            try read(.congestionSeverity, \.congestionSeverity)
            try read(.complianceSeverity, \.complianceSeverity)
            try read(.complianceEveryMinutes, \.complianceEveryMinutes)
            try read(.complianceWindowHours, \.complianceWindowHours)
            try read(.trapLinkDownSeverity, \.trapLinkDownSeverity)
            try read(.restartSeverity, \.restartSeverity)
            try read(.restartHoldMinutes, \.restartHoldMinutes)
            try read(.authenticationFailureSeverity, \.authenticationFailureSeverity)
            try read(.authenticationFailureHoldMinutes, \.authenticationFailureHoldMinutes)
            try read(.deliveryFailedSeverity, \.deliveryFailedSeverity)
            try read(.accessPointDownSeverity, \.accessPointDownSeverity)
            try read(.accessPointDownGroupBy, \.accessPointDownGroupBy)
            try read(.terminalLostSeenSeverity, \.terminalLostSeenSeverity)
            try read(.terminalsNotSeenSeverity, \.terminalsNotSeenSeverity)
            try read(.terminalWrongSchoolSeverity, \.terminalWrongSchoolSeverity)
            try read(.poolSiteLossSeverity, \.poolSiteLossSeverity)
            try read(.poolActiveActiveSeverity, \.poolActiveActiveSeverity)
            try read(.poolStorageFullSeverity, \.poolStorageFullSeverity)
            try read(.securityEventHoldMinutes, \.securityEventHoldMinutes)
            try read(.snmpDefaultCommunitySeverity, \.snmpDefaultCommunitySeverity)
            try read(.securityPostureSeverity, \.securityPostureSeverity)
            self = rules
        }
    }

    /// An alert that changes state more than `changes` times within `withinMinutes` is held as flapping: notified
    /// once, then not again until it has not changed for `withinMinutes`.
    public struct Flapping: Sendable, Hashable, Codable {
        public var changes: Int = 4
        public var withinMinutes: Double = 30

        public init() {}
    }

    /// Alertmanager's timing: a new group waits `groupWaitSeconds` to gather its alerts; later changes go out at
    /// most every `groupIntervalSeconds`; a group still firing (and not acknowledged) is repeated every `repeatIntervalMinutes`.
    public struct Grouping: Sendable, Hashable, Codable {
        public var groupBy: [String] = ["county", "rule"]
        public var groupWaitSeconds: Double = 30
        public var groupIntervalSeconds: Double = 300
        public var repeatIntervalMinutes: Double = 240
        /// Alerts listed in one message; the rest are counted.
        public var maxAlerts: Int = 100

        public init() {}
    }

    /// Retries: exponential backoff with jitter from `initialBackoffSeconds` up to `maxBackoffSeconds`, until the
    /// message is `maxAgeHours` old; then it is dead-lettered (and a local alert says so).
    public struct Delivery: Sendable, Hashable, Codable {
        public var initialBackoffSeconds: Double = 5
        public var maxBackoffSeconds: Double = 600
        public var maxAgeHours: Double = 24
        public var timeoutSeconds: Double = 10

        public init() {}
    }

    public var receivers: [Receiver]
    public var routes: [Route]
    public var defaultReceiver: String
    public var rules = Rules()
    public var flapping = Flapping()
    public var grouping = Grouping()
    public var delivery = Delivery()

    public init(receivers: [Receiver], routes: [Route], defaultReceiver: String) {
        self.receivers = receivers
        self.routes = routes
        self.defaultReceiver = defaultReceiver
    }

    /// Revisions stored before the timing settings existed have the defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        receivers = try container.decode([Receiver].self, forKey: .receivers)
        routes = try container.decode([Route].self, forKey: .routes)
        defaultReceiver = try container.decode(String.self, forKey: .defaultReceiver)
        rules = try container.decodeIfPresent(Rules.self, forKey: .rules) ?? Rules()
        flapping = try container.decodeIfPresent(Flapping.self, forKey: .flapping) ?? Flapping()
        grouping = try container.decodeIfPresent(Grouping.self, forKey: .grouping) ?? Grouping()
        delivery = try container.decodeIfPresent(Delivery.self, forKey: .delivery) ?? Delivery()
    }

    public func receiver(_ id: String) -> Receiver? { receivers.first { $0.id == id } }

    /// The receiver for an alert's labels, and the labels that name its group there.
    public func route(_ labels: [String: String]) -> (receiver: String, groupLabels: [String: String]) {
        let route = routes.first { $0.match.allSatisfy { labels[$0.key] == $0.value } }
        let keys = route?.groupBy ?? (labels["rule"] == "ap_down" ? rules.accessPointDownGroupBy : grouping.groupBy)
        return (route?.receiver ?? defaultReceiver, labels.filter { keys.contains($0.key) })
    }
}

/// The education cloud's admission control and verdicts (`pool.yaml`): how far each resource may be overcommitted,
/// the headroom measured use must leave, and when storage filling up is a finding and when an alert.
public struct PoolPolicy: Sendable, Hashable, Codable {
    /// Allocated ÷ physical that each resource may reach (vCPU 4 is 4:1; memory and storage 1 are no overcommit).
    public var overcommit: [Resources.Kind: Double]
    /// The share of capacity measured p95 use must leave free (0.2: use at most 80 %).
    public var headroom: Double
    /// A replica's host is healthy while its CPU load is under this share.
    public var hostLoadThreshold: Double
    /// The window of measured use (p95 CPU and memory), in hours.
    public var windowHours: Double
    /// Days until a storage pool is full under which it is a finding, and under which it is an alert.
    public var storageFindingDays: Double
    public var storageAlertDays: Double
    /// The trend of storage use is fitted over this many days of roll-ups, and needs at least `minimumTrendHours`.
    public var trendDays: Int
    public var minimumTrendHours: Double
    /// How long a health check may take before it counts as failed, in seconds.
    public var healthTimeoutSeconds: Double
    /// A host whose latest poll is older than this (and than three of the servers' poll intervals) does not answer,
    /// in seconds; nil in configurations stored before it existed (`defaultHostSilentSeconds`).
    public var hostSilentSeconds: Double?
    /// `host_silent_seconds` when pool.yaml does not say: three minutes.
    public static let defaultHostSilentSeconds: Double = 180

    public init(
        overcommit: [Resources.Kind: Double], headroom: Double, hostLoadThreshold: Double, windowHours: Double, storageFindingDays: Double,
        storageAlertDays: Double, trendDays: Int, minimumTrendHours: Double, healthTimeoutSeconds: Double,
        hostSilentSeconds: Double = PoolPolicy.defaultHostSilentSeconds
    ) {
        self.overcommit = overcommit
        self.headroom = headroom
        self.hostLoadThreshold = hostLoadThreshold
        self.windowHours = windowHours
        self.storageFindingDays = storageFindingDays
        self.storageAlertDays = storageAlertDays
        self.trendDays = trendDays
        self.minimumTrendHours = minimumTrendHours
        self.healthTimeoutSeconds = healthTimeoutSeconds
        self.hostSilentSeconds = hostSilentSeconds
    }

    /// The ratio for one resource (1: none set, no overcommit).
    public func ratio(_ kind: Resources.Kind) -> Double { overcommit[kind] ?? 1 }
}

/// All policies, loaded together from `policies/`.
public struct PolicySet: Sendable, Hashable, Codable {
    public var bandwidth: BandwidthPolicy
    public var fleet: FleetPolicy
    public var security: SecurityPolicy
    public var alerting: AlertingPolicy
    /// Nil only in configurations stored before `pool.yaml` existed.
    public var pool: PoolPolicy?
}
