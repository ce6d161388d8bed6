import Foundation

/// Reads the five policy files, logging every problem with its place.
struct PolicyParser {
    static let files = ["bandwidth-tiers.yaml", "fleet.yaml", "security.yaml", "alerting.yaml", "pool.yaml"]

    let log: DiagnosticLog
    var references: ReferenceTable
    /// Where each school kind was placed in a tier, to report a kind placed twice.
    private var kindPlacements: [SchoolKind: SourceLocation] = [:]

    init(log: DiagnosticLog, references: ReferenceTable) {
        self.log = log
        self.references = references
    }

    mutating func bandwidth(_ root: YAMLValue) -> BandwidthPolicy? {
        guard
            let m = root.mapping(
                "bandwidth-tiers.yaml", keys: ["links", "school_tiers", "congestion_threshold", "wifi_ap_uptime", "live_class"],
                required: ["links", "school_tiers", "congestion_threshold"])
        else { return nil }
        let uptime = m["wifi_ap_uptime"]?.double("wifi_ap_uptime", in: 0.5...1)
        var liveClass: BandwidthPolicy.LiveClass?
        if let live = m["live_class"]?.mapping("`live_class`", keys: ["stream_bitrate", "streams"], required: ["stream_bitrate", "streams"]),
            let bitrate = live["stream_bitrate"]?.bandwidth("live_class.stream_bitrate"),
            let streams = live["streams"]?.mapping("`live_class.streams` (streams by school kind)", keys: SchoolKind.allCases.map(\.rawValue))
        {
            var byKind: [SchoolKind: Int] = [:]
            for kind in SchoolKind.allCases {
                if let n = streams[kind.rawValue]?.int("live_class.streams.\(kind.rawValue)", in: 0...1000) { byKind[kind] = n }
            }
            liveClass = .init(streamBitrate: bitrate, streams: byKind)
        }
        let links = m["links"]?.list("links") { linkTarget($0) }
        let tiers = m["school_tiers"]?.list("school_tiers") { schoolTier($0) }
        let threshold = m["congestion_threshold"]?.double("congestion_threshold", in: 0.01...1)
        if let links, let at = m["links"]?.location {
            for tier in LinkTier.allCases where tier != .campusBackbone && !links.contains(where: { $0.tier == tier }) {
                log.error("no target for link tier `\(tier.rawValue)`", at: at, help: "add `- {tier: \(tier.rawValue), minimum: 2.5G}`")
            }
        }
        guard let links, let tiers, let threshold else { return nil }
        return BandwidthPolicy(links: links, tiers: tiers, congestionThreshold: threshold, wifiAPUptime: uptime, liveClass: liveClass)
    }

    private func linkTarget(_ value: YAMLValue) -> BandwidthPolicy.LinkTarget? {
        guard let m = value.mapping("a link target", keys: ["tier", "minimum", "dual_star"], required: ["tier", "minimum"]),
            let tier = m["tier"]?.choice("tier", of: LinkTier.self), let minimum = m["minimum"]?.bandwidth("minimum")
        else { return nil }
        let dualStar = m["dual_star"].map { $0.choice("dual_star", of: YesNo.self) == .yes } ?? false
        return .init(tier: tier, minimum: minimum, dualStar: dualStar)
    }

    private mutating func schoolTier(_ value: YAMLValue) -> BandwidthPolicy.SchoolTier? {
        let keys = ["id", "name", "name_en", "school_kinds", "campus_backbone", "wifi_access", "wifi_areas", "dual_homed"]
        guard let m = value.mapping("a school tier", keys: keys, required: Array(keys.dropLast())),
            let id = m["id"]?.identifier("id")
        else { return nil }
        references.define(.tier, id, at: m.location, log: log)
        var kinds: [SchoolKind] = []
        for item in m["school_kinds"]?.list("school_kinds") ?? [] {
            guard let kind = item.choice("school_kinds", of: SchoolKind.self) else { continue }
            if let first = kindPlacements[kind] {
                log.error(
                    "school kind `\(kind.rawValue)` is already placed in a tier at \(first)", at: item.location,
                    help: "a school kind belongs to exactly one tier")
            } else {
                kindPlacements[kind] = item.location
            }
            kinds.append(kind)
        }
        let areas = m["wifi_areas"]?.list("wifi_areas") { $0.choice("wifi_areas", of: AreaKind.self) }
        guard let name = m["name"]?.string("name"), let nameEN = m["name_en"]?.string("name_en"),
            let backbone = m["campus_backbone"]?.bandwidth("campus_backbone"),
            let access = m["wifi_access"]?.bandwidth("wifi_access"), let areas
        else { return nil }
        let dualHomed = m["dual_homed"].map { $0.choice("dual_homed", of: YesNo.self) == .yes } ?? false
        return .init(
            id: id, name: name, nameEN: nameEN, schoolKinds: kinds, campusBackbone: backbone,
            wifiAccess: access, wifiAreas: areas, dualHomed: dualHomed)
    }

    func fleet(_ root: YAMLValue) -> FleetPolicy? {
        let required = ["terminals_per_student", "terminals_per_teacher"]
        guard
            let m = root.mapping(
                "fleet.yaml", keys: required + ["poll_interval_seconds", "full_resolution", "in_use", "not_seen_alert_school_days"],
                required: required),
            let students = m["terminals_per_student"]?.double("terminals_per_student", in: 0...100),
            let teachers = m["terminals_per_teacher"]?.double("terminals_per_teacher", in: 0...100)
        else { return nil }
        var policy = FleetPolicy(terminalsPerStudent: students, terminalsPerTeacher: teachers)
        if let intervals = m["poll_interval_seconds"]?.mapping(
            "`poll_interval_seconds` (seconds by device role)", keys: DeviceRole.allCases.map(\.rawValue))
        {
            for role in DeviceRole.allCases {
                if let seconds = intervals[role.rawValue]?.double("poll_interval_seconds.\(role.rawValue)", in: 1...86_400) {
                    policy.pollIntervalSeconds[role] = seconds
                }
            }
        }
        if let tier = m["full_resolution"]?.choice("full_resolution", of: FleetPolicy.FullResolution.self) { policy.fullResolution = tier }
        if let inUse = m["in_use"]?.mapping(
            "`in_use` (seen_days of school_days, minimum_share)", keys: ["seen_days", "school_days", "minimum_share"],
            required: ["seen_days", "school_days"]),
            let days = inUse["school_days"]?.int("in_use.school_days", in: 1...60),
            let seen = inUse["seen_days"]?.int("in_use.seen_days", in: 1...days)
        {
            policy.inUseSeenDays = seen
            policy.inUseSchoolDays = days
            if let share = inUse["minimum_share"]?.double("in_use.minimum_share", in: 0...1) { policy.inUseMinimumShare = share }
        }
        if let days = m["not_seen_alert_school_days"]?.int("not_seen_alert_school_days", in: 1...200) { policy.notSeenAlertSchoolDays = days }
        return policy
    }

    func pool(_ root: YAMLValue) -> PoolPolicy? {
        let required = ["overcommit", "headroom", "host_load_threshold", "window_hours", "storage"]
        guard let m = root.mapping("pool.yaml", keys: required + ["health_timeout_seconds", "host_silent_seconds"], required: required) else {
            return nil
        }
        var overcommit: [Resources.Kind: Double] = [:]
        let ratios = m["overcommit"]?.mapping("`overcommit` (ratio by resource)", keys: Resources.Kind.allCases.map(\.rawValue))
        for kind in Resources.Kind.allCases {
            if let ratio = ratios?[kind.rawValue]?.double("overcommit.\(kind.rawValue)", in: 0.1...100) { overcommit[kind] = ratio }
        }
        let storageKeys = ["finding_days", "alert_days", "trend_days", "minimum_trend_hours"]
        let storage = m["storage"]?.mapping(
            "`storage` (finding_days, alert_days, trend_days, minimum_trend_hours)", keys: storageKeys, required: storageKeys)
        // Every value read before any is required, so that one pass reports every problem.
        let headroom = m["headroom"]?.double("headroom", in: 0...0.9)
        let threshold = m["host_load_threshold"]?.double("host_load_threshold", in: 0.05...1)
        let window = m["window_hours"]?.double("window_hours", in: 0.01...24 * 90)
        let findingDays = storage?["finding_days"]?.double("storage.finding_days", in: 0...3650)
        let alertDays = storage?["alert_days"]?.double("storage.alert_days", in: 0...(findingDays ?? 3650))
        let trendDays = storage?["trend_days"]?.int("storage.trend_days", in: 1...365)
        let minimumHours = storage?["minimum_trend_hours"]?.double("storage.minimum_trend_hours", in: 0.001...Double((trendDays ?? 365) * 24))
        guard let ratios, ratios.entries.count == overcommit.count, let headroom, let threshold, let window, let findingDays, let alertDays,
            let trendDays, let minimumHours
        else { return nil }
        let timeout = m["health_timeout_seconds"]?.double("health_timeout_seconds", in: 0.1...60) ?? 5
        let silent = m["host_silent_seconds"]?.double("host_silent_seconds", in: 1...86_400) ?? PoolPolicy.defaultHostSilentSeconds
        return PoolPolicy(
            overcommit: overcommit, headroom: headroom, hostLoadThreshold: threshold, windowHours: window, storageFindingDays: findingDays,
            storageAlertDays: alertDays, trendDays: trendDays, minimumTrendHours: minimumHours, healthTimeoutSeconds: timeout,
            hostSilentSeconds: silent)
    }

    func security(_ root: YAMLValue) -> SecurityPolicy? {
        let required = ["graded_protection_level", "forbidden_communities", "snmp_v3_required_roles", "authorized_dhcp_servers", "blocked_domains"]
        guard let m = root.mapping("security.yaml", keys: required + ["scan_detection", "posture", "quarantine"], required: required),
            let level = m["graded_protection_level"]?.int("graded_protection_level", in: 1...5),
            let communities = m["forbidden_communities"]?.list("forbidden_communities", { $0.string("forbidden_communities") }),
            let roles = m["snmp_v3_required_roles"]?.list("snmp_v3_required_roles", { $0.choice("snmp_v3_required_roles", of: DeviceRole.self) }),
            let dhcp = m["authorized_dhcp_servers"]?.list("authorized_dhcp_servers", { $0.ipAddress("authorized_dhcp_servers") }),
            let domains = m["blocked_domains"]?.list("blocked_domains", { $0.string("blocked_domains") })
        else { return nil }
        var policy = SecurityPolicy(
            gradedProtectionLevel: level, forbiddenCommunities: communities, snmpV3RequiredRoles: roles,
            authorizedDHCPServers: dhcp, blockedDomains: domains)
        if let scan = m["scan_detection"] {
            guard let detection = scanDetection(scan) else { return nil }
            policy.scanDetection = detection
        }
        if let posture = m["posture"] {
            guard let parsed = self.posture(posture) else { return nil }
            policy.posture = parsed
        }
        if let quarantine = m["quarantine"] {
            guard let parsed = self.quarantine(quarantine) else { return nil }
            policy.quarantine = parsed
        }
        return policy
    }

    private func quarantine(_ value: YAMLValue) -> QuarantinePolicy? {
        let keys = ["action", "vlan", "period_hours", "max_stations_per_port", "automatic"]
        guard let m = value.mapping("`quarantine`", keys: keys) else { return nil }
        var fields = OptionalFields(m, defaults: QuarantinePolicy())
        fields.read("action", { $0.choice("action", of: QuarantinePolicy.Action.self) }, into: \.action)
        fields.read("vlan", { $0.int("vlan", in: 1...4094) }, into: \.vlan)
        fields.read("period_hours", { $0.double("period_hours", in: 0.01...8_760) }, into: \.periodHours)
        fields.read("max_stations_per_port", { $0.int("max_stations_per_port", in: 1...1_000) }, into: \.maxStationsPerPort)
        fields.read("automatic", { $0.list("automatic", { $0.choice("automatic", of: QuarantinePolicy.Trigger.self) }) }, into: \.automatic)
        guard let policy = fields.result else { return nil }
        if policy.action == .vlan, policy.vlan == nil {
            let at = m["action"] ?? value
            at.log.error("`quarantine` with `action: vlan` needs `vlan`", at: at.location, help: "add `vlan: ID`, the quarantine VLAN (1…4094)")
            return nil
        }
        return policy
    }

    private func posture(_ value: YAMLValue) -> PosturePolicy? {
        let keys = ["probe_interval_hours", "probe_timeout_seconds", "unused_port_days", "unused_port_roles"]
        guard let m = value.mapping("`posture`", keys: keys) else { return nil }
        var fields = OptionalFields(m, defaults: PosturePolicy())
        fields.read("probe_interval_hours", { $0.double("probe_interval_hours", in: 0.01...8_760) }, into: \.probeIntervalHours)
        fields.read("probe_timeout_seconds", { $0.double("probe_timeout_seconds", in: 0.1...30) }, into: \.probeTimeoutSeconds)
        fields.read("unused_port_days", { $0.double("unused_port_days", in: 0.01...3_650) }, into: \.unusedPortDays)
        fields.read(
            "unused_port_roles", { $0.list("unused_port_roles", { $0.choice("unused_port_roles", of: DeviceRole.self) }) }, into: \.unusedPortRoles)
        return fields.result
    }

    private func scanDetection(_ value: YAMLValue) -> ScanDetectionPolicy? {
        let keys = [
            "window_seconds", "port_scan_ports", "address_sweep_hosts", "local_port_scan_ports", "local_address_sweep_hosts", "allowed_scanners",
        ]
        guard let m = value.mapping("`scan_detection`", keys: keys) else { return nil }
        var fields = OptionalFields(m, defaults: ScanDetectionPolicy())
        fields.read("window_seconds", { $0.double("window_seconds", in: 1...86_400) }, into: \.windowSeconds)
        fields.read("port_scan_ports", { $0.int("port_scan_ports", in: 2...65_535) }, into: \.portScanPorts)
        fields.read("address_sweep_hosts", { $0.int("address_sweep_hosts", in: 2...16_777_216) }, into: \.addressSweepHosts)
        fields.read("local_port_scan_ports", { $0.int("local_port_scan_ports", in: 2...65_535) }, into: \.localPortScanPorts)
        fields.read("local_address_sweep_hosts", { $0.int("local_address_sweep_hosts", in: 2...16_777_216) }, into: \.localAddressSweepHosts)
        fields.read("allowed_scanners", { $0.list("allowed_scanners", { $0.ipAddress("allowed_scanners") }) }, into: \.allowedScanners)
        return fields.result
    }

    mutating func alerting(_ root: YAMLValue) -> AlertingPolicy? {
        guard
            let m = root.mapping(
                "alerting.yaml", keys: ["receivers", "routes", "default_receiver", "rules", "flapping", "grouping", "delivery"],
                required: ["receivers", "default_receiver"])
        else { return nil }
        let receivers = m["receivers"]?.list("receivers") { receiver($0) }
        let routes = m["routes"]?.list("routes") { route($0) } ?? []
        let fallback = m["default_receiver"]?.identifier("default_receiver")
        if let fallback, let at = m["default_receiver"]?.location {
            references.refer(to: .receiver, fallback, at: at, context: "`default_receiver`")
        }
        guard let receivers, let fallback else { return nil }
        var policy = AlertingPolicy(receivers: receivers, routes: routes, defaultReceiver: fallback)
        if let rules = m["rules"] { alertRules(rules, into: &policy.rules) }
        if let flapping = m["flapping"]?.mapping("`flapping`", keys: ["changes", "within_minutes"]) {
            if let v = flapping["changes"]?.int("flapping.changes", in: 1...1000) { policy.flapping.changes = v }
            if let v = flapping["within_minutes"]?.double("flapping.within_minutes", in: 1...1440) { policy.flapping.withinMinutes = v }
        }
        if let grouping = m["grouping"]?.mapping(
            "`grouping`", keys: ["group_by", "group_wait_seconds", "group_interval_seconds", "repeat_interval_minutes", "max_alerts"])
        {
            if let v = grouping["group_by"]?.list("grouping.group_by", { $0.string("grouping.group_by") }) { policy.grouping.groupBy = v }
            if let v = grouping["group_wait_seconds"]?.double("grouping.group_wait_seconds", in: 0...3600) { policy.grouping.groupWaitSeconds = v }
            if let v = grouping["group_interval_seconds"]?.double("grouping.group_interval_seconds", in: 0...86_400) {
                policy.grouping.groupIntervalSeconds = v
            }
            if let v = grouping["repeat_interval_minutes"]?.double("grouping.repeat_interval_minutes", in: 1...10_080) {
                policy.grouping.repeatIntervalMinutes = v
            }
            if let v = grouping["max_alerts"]?.int("grouping.max_alerts", in: 1...10_000) { policy.grouping.maxAlerts = v }
        }
        if let delivery = m["delivery"]?.mapping(
            "`delivery`", keys: ["initial_backoff_seconds", "max_backoff_seconds", "max_age_hours", "timeout_seconds"])
        {
            if let v = delivery["initial_backoff_seconds"]?.double("delivery.initial_backoff_seconds", in: 0.01...3600) {
                policy.delivery.initialBackoffSeconds = v
            }
            if let v = delivery["max_backoff_seconds"]?.double("delivery.max_backoff_seconds", in: 0.01...86_400) {
                policy.delivery.maxBackoffSeconds = v
            }
            if let v = delivery["max_age_hours"]?.double("delivery.max_age_hours", in: 0.001...720) { policy.delivery.maxAgeHours = v }
            if let v = delivery["timeout_seconds"]?.double("delivery.timeout_seconds", in: 0.1...300) { policy.delivery.timeoutSeconds = v }
        }
        return policy
    }

    /// `rules:`: per rule its severity and timing; every key optional.
    private func alertRules(_ value: YAMLValue, into rules: inout AlertingPolicy.Rules) {
        guard let m = value.mapping("`rules`", keys: AlertingPolicy.Rules.names) else { return }
        func severity(_ rule: YAMLMapping, _ name: String, _ key: String = "severity") -> AlertSeverity? {
            rule[key]?.choice("rules.\(name).\(key)", of: AlertSeverity.self)
        }
        func number(_ rule: YAMLMapping, _ name: String, _ key: String, in range: ClosedRange<Double>) -> Double? {
            rule[key]?.double("rules.\(name).\(key)", in: range)
        }
        if let r = m["device_unreachable"]?.mapping("`rules.device_unreachable`", keys: ["warning_after_seconds", "critical_after_seconds"]) {
            if let v = number(r, "device_unreachable", "warning_after_seconds", in: 0...86_400) { rules.unreachableWarningSeconds = v }
            if let v = number(r, "device_unreachable", "critical_after_seconds", in: 0...86_400) { rules.unreachableCriticalSeconds = v }
        }
        if let r = m["link_down"]?.mapping("`rules.link_down`", keys: ["severity", "redundant_severity"]) {
            if let v = severity(r, "link_down") { rules.linkDownSeverity = v }
            if let v = severity(r, "link_down", "redundant_severity") { rules.redundantLinkDownSeverity = v }
        }
        if let r = m["link_congested"]?.mapping("`rules.link_congested`", keys: ["severity", "for_minutes"]) {
            if let v = severity(r, "link_congested") { rules.congestionSeverity = v }
            if let v = number(r, "link_congested", "for_minutes", in: 1...1440) { rules.congestionMinutes = v }
        }
        if let r = m["compliance_fail"]?.mapping("`rules.compliance_fail`", keys: ["severity", "every_minutes", "window_hours"]) {
            if let v = severity(r, "compliance_fail") { rules.complianceSeverity = v }
            if let v = number(r, "compliance_fail", "every_minutes", in: 1...10_080) { rules.complianceEveryMinutes = v }
            if let v = number(r, "compliance_fail", "window_hours", in: 1...2160) { rules.complianceWindowHours = v }
        }
        if let r = m["trap_link_down"]?.mapping("`rules.trap_link_down`", keys: ["severity"]), let v = severity(r, "trap_link_down") {
            rules.trapLinkDownSeverity = v
        }
        if let r = m["device_restarted"]?.mapping("`rules.device_restarted`", keys: ["severity", "hold_minutes"]) {
            if let v = severity(r, "device_restarted") { rules.restartSeverity = v }
            if let v = number(r, "device_restarted", "hold_minutes", in: 0.01...10_080) { rules.restartHoldMinutes = v }
        }
        if let r = m["snmp_auth_failure"]?.mapping("`rules.snmp_auth_failure`", keys: ["severity", "hold_minutes"]) {
            if let v = severity(r, "snmp_auth_failure") { rules.authenticationFailureSeverity = v }
            if let v = number(r, "snmp_auth_failure", "hold_minutes", in: 0.01...10_080) { rules.authenticationFailureHoldMinutes = v }
        }
        if let r = m["security_event"]?.mapping("`rules.security_event`", keys: ["hold_minutes"]),
            let v = number(r, "security_event", "hold_minutes", in: 0.01...10_080)
        {
            rules.securityEventHoldMinutes = v
        }
        if let r = m["delivery_failed"]?.mapping("`rules.delivery_failed`", keys: ["severity"]), let v = severity(r, "delivery_failed") {
            rules.deliveryFailedSeverity = v
        }
        if let r = m["ap_down"]?.mapping("`rules.ap_down`", keys: ["severity", "group_by"]) {
            if let v = severity(r, "ap_down") { rules.accessPointDownSeverity = v }
            if let v = r["group_by"]?.list("rules.ap_down.group_by", { $0.string("rules.ap_down.group_by") }) { rules.accessPointDownGroupBy = v }
        }
        for (name, path) in [
            ("terminal_lost_seen", \AlertingPolicy.Rules.terminalLostSeenSeverity),
            ("terminals_not_seen", \AlertingPolicy.Rules.terminalsNotSeenSeverity),
            ("terminal_wrong_school", \AlertingPolicy.Rules.terminalWrongSchoolSeverity),
            ("pool_site_loss", \AlertingPolicy.Rules.poolSiteLossSeverity),
            ("pool_active_active_lost", \AlertingPolicy.Rules.poolActiveActiveSeverity),
            ("pool_storage_full", \AlertingPolicy.Rules.poolStorageFullSeverity),
            ("snmp_default_community", \AlertingPolicy.Rules.snmpDefaultCommunitySeverity),
            ("security_posture", \AlertingPolicy.Rules.securityPostureSeverity),
        ] {
            if let r = m[name]?.mapping("`rules.\(name)`", keys: ["severity"]), let v = severity(r, name) { rules[keyPath: path] = v }
        }
        if rules.unreachableCriticalSeconds < rules.unreachableWarningSeconds, let at = m["device_unreachable"]?.location {
            log.error("`critical_after_seconds` is shorter than `warning_after_seconds`", at: at, help: "a device is a warning first, then critical")
        }
    }

    private mutating func receiver(_ value: YAMLValue) -> AlertingPolicy.Receiver? {
        guard
            let m = value.mapping(
                "a receiver", keys: ["id", "name", "kind", "url", "secret", "rate_per_minute", "language"],
                required: ["id", "name", "kind", "url"]),
            let id = m["id"]?.identifier("id")
        else { return nil }
        references.define(.receiver, id, at: m.location, log: log)
        let secret = m["secret"]?.secret("secret")
        let rate = m["rate_per_minute"]?.int("rate_per_minute", in: 1...100_000)
        let language = m["language"]?.choice("language", of: Language.self)
        guard let name = m["name"]?.string("name"), let kind = m["kind"]?.choice("kind", of: AlertingPolicy.ReceiverKind.self),
            let urlValue = m["url"], let url = urlValue.string("url")
        else { return nil }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            log.error(
                "`url` `\(url)` is not an http(s) URL", at: urlValue.location,
                help: "write the webhook address, e.g. `https://oapi.dingtalk.com/robot/send?access_token=…`")
            return nil
        }
        if kind == .generic, secret == nil, m["secret"] == nil {
            log.error(
                "receiver `\(id)` (generic) has no `secret`: generic webhooks are always signed", at: m.location,
                help: "add `secret: {env: EDUNET_WEBHOOK_SECRET_\(id.uppercased().replacingOccurrences(of: "-", with: "_"))}`")
        }
        return .init(id: id, name: name, kind: kind, url: url, secret: secret, ratePerMinute: rate, english: language.map { $0 == .en })
    }

    private mutating func route(_ value: YAMLValue) -> AlertingPolicy.Route? {
        guard let m = value.mapping("a route", keys: ["match", "receiver", "group_by"], required: ["match", "receiver"]),
            let receiver = m["receiver"]?.identifier("receiver"), let receiverAt = m["receiver"]?.location,
            let matchValue = m["match"], let match = matchValue.mapping("`match`", keys: ["county", "severity", "rule"])
        else { return nil }
        references.refer(to: .receiver, receiver, at: receiverAt, context: "route")
        var labels: [String: String] = [:]
        for (key, item) in match.entries {
            guard let text = item.string(key) else { continue }
            if key == "county" { references.refer(to: .county, text, at: item.location, context: "route `match`") }
            labels[key] = text
        }
        let groupBy = m["group_by"]?.list("group_by") { $0.string("group_by") }
        return .init(match: labels, receiver: receiver, groupBy: groupBy)
    }
}

private enum Language: String, CaseIterable { case zh, en }

/// YAML booleans read strictly (`true`/`false`), so `dual_star: yes` is not silently misread.
private enum YesNo: String, CaseIterable {
    case yes = "true"
    case no = "false"
}

/// The optional keys of a policy block read over its defaults: each key given replaces its default, and a key that
/// does not parse (its problem already reported with its location) makes the whole block nil.
private struct OptionalFields<Policy> {
    let mapping: YAMLMapping
    var policy: Policy
    var valid = true

    init(_ mapping: YAMLMapping, defaults: Policy) {
        self.mapping = mapping
        policy = defaults
    }

    mutating func read<T>(_ key: String, _ parse: (YAMLValue) -> T?, into field: WritableKeyPath<Policy, T>) {
        guard let value = mapping[key] else { return }
        if let parsed = parse(value) { policy[keyPath: field] = parsed } else { valid = false }
    }

    var result: Policy? { valid ? policy : nil }
}
