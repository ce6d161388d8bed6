import Foundation
import Model
import Synchronization
import Monitor
import Reports
import Store

/// Evaluates the policies against the stored inventory and measurements over a window, rule by rule, into
/// findings. Every verdict rests on stored evidence: a negotiated speed, the rates of the window, the interface
/// states, the access points' polls. Where the evidence is missing or too thin the verdict is unknown, with why.
public struct ComplianceEvaluator: Sendable {
    public let configuration: CityConfiguration
    public let store: MeasurementStore
    /// Below this share of the window measured, a delivered-capacity verdict is unknown rather than a pass.
    public var minimumCoverage = 0.5

    public init(configuration: CityConfiguration, store: MeasurementStore) {
        self.configuration = configuration
        self.store = store
    }

    private var inventory: Inventory { configuration.inventory }
    private var policy: BandwidthPolicy { configuration.policies.bandwidth }

    /// Every finding of every rule for `[from, to)`.
    public func evaluate(from: Date, to: Date) throws(StoreError) -> [Finding] {
        let context = try Context(evaluator: self, from: from, to: to)
        // Links are independent and their rates are read from a pool of connections: judged on every core.
        let links = inventory.links
        let perLink = Mutex([[Finding]](repeating: [], count: links.count)), failure = Mutex<StoreError?>(nil)
        DispatchQueue.concurrentPerform(iterations: links.count) { index in
            do throws(StoreError) {
                let found = try linkFindings(links[index], context: context)
                perLink.withLock { $0[index] = found }
            } catch {
                failure.withLock { $0 = error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        var findings = perLink.withLock { $0 }.flatMap { $0 }
        findings += liveClass(delivered: findings.filter { $0.rule == .deliveredCapacity && $0.direction == "downstream" }, context: context)
        findings += try redundancy(context: context)
        findings += wifi(context: context)
        return findings
    }

    private func linkFindings(_ link: Link, context: Context) throws(StoreError) -> [Finding] {
        var findings: [Finding] = []
        if link.tier == .campusBackbone {
            if let tier = context.tier(ofDevice: link.b.device) ?? context.tier(ofDevice: link.a.device) {
                findings.append(try capacity(link, rule: .campusBackbone, minimum: tier.campusBackbone, context: context))
            }
        } else if let target = policy.target(for: link.tier) {
            findings.append(try capacity(link, rule: .provisionedCapacity, minimum: target.minimum, context: context))
        }
        return findings + (try delivered(link, context: context))
    }

    // MARK: - Capacity: negotiated speed against a minimum

    private func capacity(_ link: Link, rule: Finding.Rule, minimum: Bandwidth, context: Context) throws(StoreError) -> Finding {
        var finding = Finding(id: "\(rule.rawValue):\(link.id)", rule: rule, subject: context.subject(link), direction: nil, target: "≥ \(minimum)", measured: nil,
                              targetValue: Double(minimum.bitsPerSecond), measuredValue: nil, verdict: .unknown, reason: nil,
                              evidence: .init(samples: 0, coverage: nil, source: "ifHighSpeed"))
        var missing: [LinkEnd] = []
        for end in [link.b, link.a] {
            guard let interfaces = context.interfaces(of: end.device) else { continue }
            guard let status = interfaces[end.interface] else {
                missing.append(end)
                continue
            }
            finding.evidence = .init(samples: 1, coverage: nil, source: "ifHighSpeed of \(end.device) \(end.interface)")
            guard let speed = status.speedBitsPerSecond else {
                finding.reason = "\(end.device) \(end.interface) reports no speed"
                return finding
            }
            finding.measured = Bandwidth(bitsPerSecond: speed).description
            finding.measuredValue = Double(speed)
            finding.verdict = speed >= minimum.bitsPerSecond ? .pass : .fail
            if finding.verdict == .fail { finding.reason = "negotiated \(Bandwidth(bitsPerSecond: speed)), the plan asks at least \(minimum)" }
            return finding
        }
        if let end = missing.first {
            finding.verdict = .fail
            finding.reason = "the planned interface \(end.interface) is not on \(end.device): the plan and the network disagree"
        } else {
            finding.reason = "neither \(link.b.device) nor \(link.a.device) has been polled"
        }
        return finding
    }

    // MARK: - Delivered capacity: p95 utilisation per direction

    /// The rates a link's delivered capacity is judged on: the downstream end's own counters first (its "in" is
    /// the traffic towards the school), else the upstream end's; and the capacity they are measured against. When
    /// the rates at poll resolution cover less of the window than the five-minute roll-ups do (a window reaching
    /// back past the rates' retention), the roll-ups' means are used, and `resolution` says so.
    func measuredEnd(of link: Link, from: Date, to: Date, context: Context) throws(StoreError)
        -> (end: LinkEnd, samples: [InterfaceMeasurement], downstreamIsIn: Bool, capacity: Double?, resolution: String) {
        var end = link.b, samples = try store.rates(device: link.b.device, interface: link.b.interface, from: from, to: to)
        var downstreamIsIn = true
        if samples.isEmpty {
            end = link.a
            samples = try store.rates(device: link.a.device, interface: link.a.interface, from: from, to: to)
            downstreamIsIn = false
        }
        var resolution = "rates"
        let window = to.timeIntervalSince(from)
        if (Self.coverage(samples, window: window) ?? 0) < minimumCoverage {
            for candidate in [link.b, link.a] {
                let rollups = try store.rollups(device: candidate.device, interface: candidate.interface, from: from, to: to).map { r in
                    InterfaceMeasurement(device: r.device, interface: r.interface, time: r.bucketStart.addingTimeInterval(MeasurementStore.rollupSeconds),
                                         inBitsPerSecond: r.measured > 0 ? r.inMean : nil, outBitsPerSecond: r.measured > 0 ? r.outMean : nil,
                                         unknownReason: r.measured > 0 ? nil : "no measured interval in five minutes")
                }
                if (Self.coverage(rollups, window: window) ?? 0) > (Self.coverage(samples, window: window) ?? 0) {
                    (end, samples, downstreamIsIn, resolution) = (candidate, rollups, candidate == link.b, "five-minute means")
                    break
                }
            }
        }
        let speed = context.interfaces(of: end.device)?[end.interface]?.speedBitsPerSecond
        return (end, samples, downstreamIsIn, speed.map { Double($0) } ?? link.capacity.map { Double($0.bitsPerSecond) }, resolution)
    }

    /// The utilisation over the window of delivered-capacity findings, for their charts, by finding id (other
    /// findings, and those without a capacity or samples, have none).
    public func series(for findings: [Finding], from: Date, to: Date) throws(StoreError) -> [String: ComplianceReport.Series] {
        let context = try Context(evaluator: self, from: from, to: to)
        var result: [String: ComplianceReport.Series] = [:]
        for finding in findings where finding.rule == .deliveredCapacity {
            guard let link = inventory.links.first(where: { $0.id == finding.subject.id }) else { continue }
            let (_, samples, downstreamIsIn, capacity, _) = try measuredEnd(of: link, from: from, to: to, context: context)
            guard let capacity, capacity > 0 else { continue }
            let useIn = (finding.direction == "downstream") == downstreamIsIn
            let points = samples.filter { $0.unknownReason == nil }.compactMap { m in (useIn ? m.inBitsPerSecond : m.outBitsPerSecond).map { (m.time, $0 / capacity) } }
            guard let p95 = Percentile.nearestRank(0.95, of: points.map(\.1)) else { continue }
            result[finding.id] = ComplianceReport.Series(points: points, p95: p95, threshold: policy.congestionThreshold)
        }
        return result
    }

    private func delivered(_ link: Link, context: Context) throws(StoreError) -> [Finding] {
        let (end, samples, downstreamIsIn, capacity, resolution) = try measuredEnd(of: link, from: context.from, to: context.to, context: context)
        let coverage = Self.coverage(samples, window: context.to.timeIntervalSince(context.from))
        let threshold = policy.congestionThreshold
        return [("downstream", downstreamIsIn), ("upstream", !downstreamIsIn)].map { direction, useIn in
            let values = samples.filter { $0.unknownReason == nil }.compactMap { useIn ? $0.inBitsPerSecond : $0.outBitsPerSecond }
            var finding = Finding(id: "\(Finding.Rule.deliveredCapacity.rawValue):\(link.id):\(direction)", rule: .deliveredCapacity,
                                  subject: context.subject(link), direction: direction, target: "p95 ≤ \(RateText.percent(threshold))", measured: nil,
                                  targetValue: threshold, measuredValue: nil, verdict: .unknown, reason: nil,
                                  evidence: .init(samples: values.count, coverage: coverage,
                                                  source: "\(direction) \(resolution) at \(end.device) \(end.interface)"))
            guard let p95 = Percentile.nearestRank(0.95, of: values) else {
                finding.reason = "no measured \(direction) samples in the window"
                return finding
            }
            guard let capacity, capacity > 0 else {
                finding.measured = "p95 \(RateText.bitsPerSecond(p95))"
                finding.reason = "the link's capacity is unknown (no contracted capacity, no negotiated speed)"
                return finding
            }
            let utilisation = p95 / capacity
            finding.capacityValue = capacity
            finding.measured = "p95 \(RateText.bitsPerSecond(p95)) = \(RateText.percent(utilisation)), peak \(RateText.bitsPerSecond(values.max()))"
            finding.measuredValue = utilisation
            guard let coverage, coverage >= minimumCoverage else {
                finding.reason = "samples cover only \(RateText.percent(coverage ?? 0)) of the window"
                return finding
            }
            finding.verdict = utilisation > threshold ? .fail : .pass
            if finding.verdict == .fail { finding.reason = "congested \(direction): p95 \(RateText.percent(utilisation)) of \(RateText.bitsPerSecond(capacity))" }
            return finding
        }
    }

    /// The share of the window the measured samples cover: measured samples × the usual spacing of samples, over
    /// the window. Nil with fewer than two samples (the spacing is unknown).
    static func coverage(_ samples: [InterfaceMeasurement], window: TimeInterval) -> Double? {
        guard samples.count >= 2, window > 0 else { return nil }
        let times = samples.map(\.time.timeIntervalSince1970).sorted()
        guard let spacing = Percentile.nearestRank(0.5, of: zip(times.dropFirst(), times).map { $0 - $1 }), spacing > 0 else { return nil }
        let measured = samples.filter { $0.unknownReason == nil }.count
        return min(1, Double(measured) * spacing / window)
    }

    // MARK: - Live-class headroom (同步课堂)

    /// For each school: on each of its uplinks, the downstream p95 plus the planned streams, against the threshold.
    private func liveClass(delivered: [Finding], context: Context) -> [Finding] {
        guard let live = policy.liveClass else { return [] }
        let byLink = Dictionary(delivered.map { ($0.subject.id, $0) }, uniquingKeysWith: { a, _ in a })
        let threshold = policy.congestionThreshold
        return inventory.schools.compactMap { school -> Finding? in
            guard let streams = live.streams[school.kind], streams > 0 else { return nil }
            let planned = Double(streams) * Double(live.streamBitrate.bitsPerSecond)
            let devices = Set(inventory.devices.filter { $0.school == school.id }.map(\.id))
            let uplinks = inventory.links.filter { $0.tier == .countySchool && devices.contains($0.b.device) }
            var finding = Finding(id: "\(Finding.Rule.liveClassHeadroom.rawValue):\(school.id)", rule: .liveClassHeadroom,
                                  subject: .init(kind: .school, id: school.id, county: school.county, school: school.id), direction: "downstream",
                                  target: "p95 + \(streams) × \(live.streamBitrate) ≤ \(RateText.percent(threshold))", measured: nil,
                                  targetValue: threshold, measuredValue: nil, verdict: .unknown, reason: nil,
                                  evidence: .init(samples: 0, coverage: nil, source: "downstream p95 of the school's uplinks"))
            // The worst uplink decides; an uplink whose p95 is unknown makes the verdict unknown.
            var worst: (link: String, utilisation: Double)?
            for uplink in uplinks {
                guard let p95 = byLink[uplink.id], let utilisation = p95.measuredValue, let capacity = p95.capacityValue, capacity > 0,
                      p95.verdict != .unknown else {
                    finding.reason = "the downstream p95 of \(uplink.id) is unknown"
                    return finding
                }
                finding.evidence.samples += p95.evidence.samples
                let total = utilisation + planned / capacity
                if worst == nil || total > worst!.utilisation { worst = (uplink.id, total) }
            }
            guard let worst else {
                finding.reason = "no uplink planned"
                return finding
            }
            finding.measured = "\(RateText.percent(worst.utilisation)) on \(worst.link) with \(streams) streams"
            finding.measuredValue = worst.utilisation
            finding.verdict = worst.utilisation > threshold ? .fail : .pass
            if finding.verdict == .fail { finding.reason = "no room for \(streams) live-class streams of \(live.streamBitrate) on \(worst.link)" }
            return finding
        }
    }

    // MARK: - Redundancy

    private func redundancy(context: Context) throws(StoreError) -> [Finding] {
        var findings: [Finding] = []
        for node in inventory.nodes where node.kind == .countyAggregation {
            let devices = Set(inventory.devices.filter { $0.node == node.id }.map(\.id))
            let uplinks = inventory.links.filter { $0.tier == .cityCounty && devices.contains($0.b.device) }
            findings.append(try uplinkFinding(id: node.id, subject: .init(kind: .node, id: node.id, county: node.county, school: nil),
                                              uplinks: uplinks, distinctUpstream: true, context: context))
        }
        for school in inventory.schools where context.tier(of: school)?.dualHomed == true {
            let devices = Set(inventory.devices.filter { $0.school == school.id }.map(\.id))
            let uplinks = inventory.links.filter { $0.tier == .countySchool && devices.contains($0.b.device) }
            findings.append(try uplinkFinding(id: school.id, subject: .init(kind: .school, id: school.id, county: school.county, school: school.id),
                                              uplinks: uplinks, distinctUpstream: false, context: context))
        }
        return findings
    }

    private func uplinkFinding(id: String, subject: Finding.Subject, uplinks: [Link], distinctUpstream: Bool,
                               context: Context) throws(StoreError) -> Finding {
        let upstream = Set(uplinks.map(\.a.device)).sorted()
        var finding = Finding(id: "\(Finding.Rule.redundancy.rawValue):\(id)", rule: .redundancy, subject: subject, direction: nil,
                              target: distinctUpstream ? "2 uplinks to 2 upstream nodes, both up" : "2 uplinks, both up",
                              measured: "\(uplinks.count) uplink\(uplinks.count == 1 ? "" : "s")\(upstream.isEmpty ? "" : " to " + upstream.joined(separator: ", "))",
                              targetValue: 2, measuredValue: Double(uplinks.count), verdict: .fail, reason: nil,
                              evidence: .init(samples: 0, coverage: nil, source: "planned links and their interfaces' state"))
        if uplinks.count < 2 {
            finding.reason = uplinks.isEmpty ? "no uplink planned" : "single-homed: only \(uplinks[0].id)"
            return finding
        }
        if distinctUpstream, upstream.count < 2 {
            finding.reason = "every uplink goes to \(upstream.first ?? "?"): one node's failure cuts it off"
            return finding
        }
        var unknown: [String] = []
        for link in uplinks {
            var state = context.interfaces(of: link.b.device)?[link.b.interface]
            if state == nil { state = context.interfaces(of: link.a.device)?[link.a.interface] }
            guard let state else {
                unknown.append(link.id)
                continue
            }
            finding.evidence.samples += 1
            if !state.operUp {
                finding.reason = "uplink \(link.id) is down"
                return finding
            }
        }
        if !unknown.isEmpty {
            finding.verdict = .unknown
            finding.reason = "no interface state for \(unknown.joined(separator: ", ")) (not polled)"
            return finding
        }
        finding.verdict = .pass
        return finding
    }

    // MARK: - Wi-Fi: coverage of the required areas, access bandwidth

    private func wifi(context: Context) -> [Finding] {
        var findings: [Finding] = []
        let threshold = policy.wifiAPUptime ?? BandwidthPolicy.defaultWifiAPUptime
        for school in inventory.schools {
            guard let tier = context.tier(of: school) else { continue }
            for kind in tier.wifiAreas {
                let areas = school.areas.filter { $0.kind == kind }
                let aps = areas.flatMap(\.accessPoints)
                var finding = Finding(id: "\(Finding.Rule.wifiCoverage.rawValue):\(school.id):\(kind.rawValue)", rule: .wifiCoverage,
                                      subject: .init(kind: .area, id: "\(school.id):\(kind.rawValue)", county: school.county, school: school.id),
                                      direction: nil, target: "an AP up ≥ \(RateText.percent(threshold)) of the window", measured: nil, targetValue: threshold,
                                      measuredValue: nil, verdict: .fail, reason: nil,
                                      evidence: .init(samples: 0, coverage: nil, source: "AP states polled from the controllers"))
                guard !aps.isEmpty else {
                    finding.reason = "no \(kind.rawValue) area with an access point in the inventory"
                    findings.append(finding)
                    continue
                }
                let reported = aps.compactMap { context.accessPoints[$0] }.filter { $0.upShare != nil }
                finding.evidence.samples = reported.count
                guard let best = reported.max(by: { ($0.upShare ?? 0) < ($1.upShare ?? 0) }), let share = best.upShare else {
                    finding.verdict = .unknown
                    finding.reason = "the controller reports none of \(aps.joined(separator: ", "))"
                    findings.append(finding)
                    continue
                }
                finding.measured = "\(best.id) up \(RateText.percent(share))"
                finding.measuredValue = share
                finding.verdict = share >= threshold ? .pass : .fail
                if finding.verdict == .fail { finding.reason = "no \(kind.rawValue) AP up for \(RateText.percent(threshold)) of the window" }
                findings.append(finding)
            }
            findings.append(wirelessAccess(school, tier: tier, context: context))
        }
        return findings
    }

    private func wirelessAccess(_ school: School, tier: BandwidthPolicy.SchoolTier, context: Context) -> Finding {
        let aps = Set(school.areas.flatMap(\.accessPoints)).sorted()
        let target = tier.wifiAccess
        var finding = Finding(id: "\(Finding.Rule.wirelessAccess.rawValue):\(school.id)", rule: .wirelessAccess,
                              subject: .init(kind: .school, id: school.id, county: school.county, school: school.id), direction: nil,
                              target: "≥ \(target) per AP", measured: nil, targetValue: Double(target.bitsPerSecond), measuredValue: nil,
                              verdict: .unknown, reason: nil, evidence: .init(samples: 0, coverage: nil, source: ""))
        // AP uplink speed where the controller reports it, else the highest association rate.
        let evidence = aps.compactMap { id -> (String, Double, String)? in
            guard let reading = context.accessPoints[id]?.reading else { return nil }
            if let mbps = reading.uplinkMbps { return (id, Double(mbps) * 1e6, "uplink speed") }
            if let rate = reading.maxRateMbps { return (id, rate * 1e6, "association rate") }
            return nil
        }
        finding.evidence = .init(samples: evidence.count, coverage: nil,
                                 source: Set(evidence.map(\.2)).sorted().joined(separator: ", ").isEmpty ? "none reported"
                                     : "AP " + Set(evidence.map(\.2)).sorted().joined(separator: " and ") + " from the controller")
        guard let worst = evidence.min(by: { $0.1 < $1.1 }) else {
            finding.reason = "the controller reports neither AP uplink speeds nor association rates"
            return finding
        }
        finding.measured = "lowest \(Bandwidth(bitsPerSecond: UInt64(worst.1))) (\(worst.0) \(worst.2))"
        finding.measuredValue = worst.1
        let slow = evidence.filter { $0.1 < Double(target.bitsPerSecond) }
        finding.verdict = slow.isEmpty ? .pass : .fail
        if !slow.isEmpty { finding.reason = "\(slow.count) of \(evidence.count) APs under \(target): \(slow.map(\.0).joined(separator: ", "))" }
        return finding
    }
}

/// What one evaluation reads once: interface states by device, APs by inventory id, tiers by school.
struct Context: Sendable {
    let from: Date
    let to: Date
    let inventory: Inventory
    let policy: BandwidthPolicy
    let store: MeasurementStore
    let countyOfDevice: [String: String]
    let schoolOfDevice: [String: String]
    let schools: [String: School]
    let accessPoints: [String: AccessPointRegister.Entry]
    /// Every polled device's interfaces, read in one query.
    private let interfaceStates: [String: [String: InterfaceStatus]]

    init(evaluator: ComplianceEvaluator, from: Date, to: Date) throws(StoreError) {
        self.from = from
        self.to = to
        inventory = evaluator.configuration.inventory
        policy = evaluator.configuration.policies.bandwidth
        store = evaluator.store
        countyOfDevice = inventory.countyOfDevice
        schoolOfDevice = Dictionary(inventory.devices.compactMap { d in d.school.map { (d.id, $0) } }, uniquingKeysWith: { a, _ in a })
        schools = Dictionary(inventory.schools.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let register = AccessPointRegister(inventory: inventory, statuses: try evaluator.store.accessPoints(since: from))
        accessPoints = Dictionary(register.entries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        interfaceStates = try evaluator.store.allInterfaces()
    }

    /// The interfaces of a device as last polled; nil when it never was.
    func interfaces(of device: String) -> [String: InterfaceStatus]? { interfaceStates[device] }

    func tier(of school: School) -> BandwidthPolicy.SchoolTier? { policy.tier(for: school.kind) }

    /// The school or backbone node a device belongs to.
    func owner(ofDevice device: String) -> String? {
        schoolOfDevice[device] ?? inventory.devices.first { $0.id == device }?.node
    }

    func tier(ofDevice device: String) -> BandwidthPolicy.SchoolTier? { schoolOfDevice[device].flatMap { schools[$0] }.flatMap(tier(of:)) }

    func subject(_ link: Link) -> Finding.Subject {
        .init(kind: .link, id: link.id, county: countyOfDevice[link.b.device] ?? countyOfDevice[link.a.device],
              school: schoolOfDevice[link.b.device] ?? schoolOfDevice[link.a.device])
    }
}
