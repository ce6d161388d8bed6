import Foundation

/// One verdict of one rule about one subject — a link, a school, a county node — with the target, what was
/// measured and the evidence behind it. Unknown is never a pass: it says why the verdict cannot be given.
public struct Finding: Sendable, Hashable, Codable, Identifiable {
    /// The plan's rules, each driven by policy data.
    public enum Rule: String, Sendable, Hashable, Codable, CaseIterable {
        /// Negotiated speed (ifHighSpeed) of a backbone or access link against its tier's minimum.
        case provisionedCapacity = "provisioned-capacity"
        /// p95 utilisation of a link, per direction, against the congestion threshold.
        case deliveredCapacity = "delivered-capacity"
        /// Two uplinks (to two distinct upstream nodes for county nodes), both up.
        case redundancy
        /// Campus backbone links against the school tier's backbone speed.
        case campusBackbone = "campus-backbone"
        /// Every area kind the tier requires has an AP up for the policy's share of the window.
        case wifiCoverage = "wifi-coverage"
        /// AP uplink speed or association rate against the tier's Wi-Fi access rate.
        case wirelessAccess = "wireless-access"
        /// 同步课堂: the uplink's p95 plus the planned live-class streams stays under the congestion threshold.
        case liveClassHeadroom = "live-class-headroom"
        /// 电子书包: terminals assigned against one per student and one per teacher.
        case terminalRatio = "terminal-ratio"
        /// Assigned terminals Wi-Fi sees on enough school days, against the policy's share.
        case terminalUse = "terminal-use"
        /// 教育云: after losing either site, the reservations and the measured p95 use still fit the other.
        case poolSiteLoss = "pool-site-loss"
        /// 双活: every service has a healthy replica in every site.
        case poolActiveActive = "pool-active-active"
        /// Elastic compute: a site's measured p95 CPU and memory leave the policy's headroom.
        case poolElasticCompute = "pool-elastic-compute"
        /// Dynamic storage: days until a storage pool is full at its trend, against the policy's days.
        case poolStorage = "pool-storage"
        /// 等级保护: the device answers none of `security.yaml`'s forbidden (vendor default) communities.
        case snmpDefaultCommunity = "snmp-default-community"
        /// 等级保护: a device of a role in `snmp_v3_required_roles` is polled with SNMPv3 at authPriv.
        case snmpV3Required = "snmp-v3-required"
        /// 等级保护: no access port left admin-up while nothing has been plugged into it for the policy's days.
        case unusedPorts = "unused-ports"

        /// The education cloud's rules, which `edunet report pool` shows.
        public static let pool: Set<Rule> = [.poolSiteLoss, .poolActiveActive, .poolElasticCompute, .poolStorage]
        /// The graded-protection posture checks, which `edunet report security` shows.
        public static let security: Set<Rule> = [.snmpDefaultCommunity, .snmpV3Required, .unusedPorts]

        /// How the report names the rule, in Chinese and English.
        public var title: (zh: String, en: String) {
            switch self {
            case .provisionedCapacity: ("链路带宽", "Provisioned capacity")
            case .deliveredCapacity: ("链路拥塞", "Delivered capacity")
            case .redundancy: ("双归冗余", "Redundancy")
            case .campusBackbone: ("校园主干", "Campus backbone")
            case .wifiCoverage: ("无线覆盖", "Wi-Fi coverage")
            case .wirelessAccess: ("无线接入带宽", "Wireless access bandwidth")
            case .liveClassHeadroom: ("同步课堂余量", "Live-class headroom")
            case .terminalRatio: ("电子书包配备", "Terminal ratio")
            case .terminalUse: ("电子书包使用", "Terminals in use")
            case .poolSiteLoss: ("教育云容灾", "Site-loss survival")
            case .poolActiveActive: ("教育云双活", "Active-active")
            case .poolElasticCompute: ("弹性计算", "Elastic compute")
            case .poolStorage: ("动态存储", "Dynamic storage")
            case .snmpDefaultCommunity: ("默认团体名", "Default SNMP community")
            case .snmpV3Required: ("SNMPv3 加密", "SNMPv3 required")
            case .unusedPorts: ("闲置端口未关闭", "Unused ports open")
            }
        }
    }

    public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
        case pass, fail, unknown
    }

    /// What the finding is about.
    public struct Subject: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable { case link, school, node, area, cloud, device }
        public var kind: Kind
        public var id: String
        public var county: String?
        public var school: String?

        public init(kind: Kind, id: String, county: String?, school: String?) {
            self.kind = kind
            self.id = id
            self.county = county
            self.school = school
        }
    }

    /// Where the measured value came from and how much of the window it covers.
    public struct Evidence: Sendable, Hashable, Codable {
        /// Samples the verdict rests on (polls, intervals, APs).
        public var samples: Int
        /// The share of the window the samples cover, when that applies.
        public var coverage: Double?
        /// What was read: "ifHighSpeed of agg-lingwu-sw XGigabitEthernet1/0/1", "rates at the downstream end".
        public var source: String

        public init(samples: Int, coverage: Double?, source: String) {
            self.samples = samples
            self.coverage = coverage
            self.source = source
        }
    }

    /// Stable across runs: rule, subject and (for per-direction rules) the direction.
    public var id: String
    public var rule: Rule
    public var subject: Subject
    /// For per-direction rules: `downstream` (towards the school) or `upstream`.
    public var direction: String?
    /// The target as people read it: "≥ 2.5G", "p95 ≤ 80 %".
    public var target: String
    /// What was measured, as people read it; nil when nothing was.
    public var measured: String?
    /// The numbers behind `target` and `measured`, for other systems (bits per second or a fraction).
    public var targetValue: Double?
    public var measuredValue: Double?
    /// For utilisation findings: the capacity (bit/s) the utilisation is of.
    public var capacityValue: Double?
    public var verdict: Verdict
    /// Why it failed or is unknown.
    public var reason: String?
    public var evidence: Evidence
    /// `target`, `measured` and `reason` in Chinese, where they have words (numbers and units read the same).
    public var zh = Chinese()

    /// A finding's texts in Chinese; nil where the English text serves both.
    public struct Chinese: Sendable, Hashable, Codable {
        public var target: String?
        public var measured: String?
        public var reason: String?

        public init(target: String? = nil, measured: String? = nil, reason: String? = nil) {
            self.target = target
            self.measured = measured
            self.reason = reason
        }
    }

    public init(
        id: String, rule: Rule, subject: Subject, direction: String?, target: String, measured: String?, targetValue: Double?,
        measuredValue: Double?, capacityValue: Double? = nil, verdict: Verdict, reason: String?, evidence: Evidence
    ) {
        self.id = id
        self.rule = rule
        self.subject = subject
        self.direction = direction
        self.target = target
        self.measured = measured
        self.targetValue = targetValue
        self.measuredValue = measuredValue
        self.capacityValue = capacityValue
        self.verdict = verdict
        self.reason = reason
        self.evidence = evidence
    }

    /// Sets why it failed or is unknown, in both languages.
    public mutating func explain(_ english: String, zh chinese: String) {
        reason = english
        zh.reason = chinese
    }

    /// Sets what was measured, in both languages.
    public mutating func measured(_ english: String, zh chinese: String) {
        measured = english
        zh.measured = chinese
    }

    /// The target, what was measured and why, in the report's language.
    public func target(english: Bool) -> String { english ? target : zh.target ?? target }
    public func measured(english: Bool) -> String? { english ? measured : zh.measured ?? measured }
    public func reason(english: Bool) -> String? { english ? reason : zh.reason ?? reason }

    /// The subject as a report line names it: the id, and the direction when there is one.
    public var subjectLabel: String { direction.map { "\(subject.id) \($0 == "downstream" ? "↓" : "↑")" } ?? subject.id }
}

extension Finding {
    /// A finding before it is judged: unknown, nothing measured yet. Its id is the rule, the subject and, for
    /// per-direction rules, the direction: stable across runs, so alerts and ledgers can follow it.
    public init(
        rule: Rule, subject: Subject, direction: String? = nil, target: String, zh targetZH: String? = nil, targetValue: Double?,
        source: String
    ) {
        self.init(
            id: ([rule.rawValue, subject.id] + (direction.map { [$0] } ?? [])).joined(separator: ":"), rule: rule, subject: subject,
            direction: direction, target: target, measured: nil, targetValue: targetValue, measuredValue: nil, verdict: .unknown,
            reason: nil, evidence: .init(samples: 0, coverage: nil, source: source))
        zh.target = targetZH
    }
}
