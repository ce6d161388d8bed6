import Foundation
import Model
import Monitor
import Pool
import Store

extension ComplianceEvaluator {
    /// The samples and the arithmetic behind one finding, as lines for people (`edunet report bandwidth --explain`).
    public func explain(_ finding: Finding, from: Date, to: Date) throws(StoreError) -> String {
        let context = try ComplianceContext(evaluator: self, from: from, to: to)
        var lines = [
            "\(finding.id): \(finding.verdict.rawValue)\(finding.reason.map { " — " + $0 } ?? "")",
            "rule      \(finding.rule.rawValue) (\(finding.rule.title.zh) \(finding.rule.title.en))",
            "target    \(finding.target)", "measured  \(finding.measured ?? "—")", "evidence  \(finding.evidence.source)", "",
        ]
        let link = configuration.inventory.links.first { $0.id == finding.subject.id }
        switch finding.rule {
        case .provisionedCapacity, .campusBackbone:
            guard let link else { break }
            for end in [link.b, link.a] {
                let interfaces = context.interfaces(of: end.device)
                let state = interfaces?[end.interface]
                lines.append(
                    "\(end.device) \(end.interface): "
                        + (interfaces == nil
                            ? "device not polled"
                            : state.map { "ifHighSpeed \($0.speedBitsPerSecond.map { String($0) } ?? "0") bit/s, \($0.operUp ? "up" : "down")" }
                                ?? "no such interface on the device"))
            }
            if let measured = finding.measuredValue, let target = finding.targetValue {
                lines.append("\(Int(measured)) ≥ \(Int(target))? \(measured >= target ? "yes: pass" : "no: fail")")
            }
        case .deliveredCapacity:
            guard let link, let direction = finding.direction.flatMap(LinkUtilisation.Direction.init(rawValue:)) else { break }
            let utilisation = try context.utilisation(of: link)
            let values = utilisation.intervals.filter { $0.unknownReason == nil }.compactMap { $0.rate(direction) }.sorted()
            let counter = (direction == .downstream) == (utilisation.measuredEnd != link.a) ? "in" : "out"
            lines.append(
                "\(utilisation.resolution.rawValue) of \(utilisation.measuredEnd.map { "\($0.device) \($0.interface)" } ?? "neither end"), "
                    + "\(counter) (= \(direction.rawValue)), \(utilisation.intervals.count) intervals in the window:")
            for (reason, group) in Dictionary(grouping: utilisation.intervals.compactMap(\.unknownReason), by: { $0 }).sorted(by: { $0.key < $1.key })
            {
                lines.append("  \(group.count) unknown: \(reason)")
            }
            lines.append("  \(values.count) measured, ascending: " + Self.abbreviated(values.map { RateText.bitsPerSecond($0) }))
            if let coverage = utilisation.coverage {
                lines.append(
                    "coverage = measured × usual spacing / window = \(RateText.percent(coverage)) (unknown below \(RateText.percent(minimumCoverage)))"
                )
            }
            if let p95 = utilisation.figures(direction).p95 {
                lines.append(
                    "p95 by nearest rank: ⌈0.95 × \(values.count)⌉ = \(Percentile.rank(0.95, count: values.count)) → \(RateText.bitsPerSecond(p95))")
                if let capacity = utilisation.capacity {
                    lines.append(
                        "capacity \(RateText.bitsPerSecond(capacity.bitsPerSecond)) (\(capacity.basis); the smaller of the planned capacity and the negotiated speed)"
                    )
                    lines.append(
                        "utilisation = \(RateText.bitsPerSecond(p95)) / \(RateText.bitsPerSecond(capacity.bitsPerSecond)) = "
                            + "\(RateText.percent(p95 / capacity.bitsPerSecond)); threshold \(RateText.percent(utilisation.congestionThreshold))")
                }
            }
        case .redundancy:
            let uplinks = configuration.inventory.links.filter { candidate in
                [.cityCounty, .countySchool].contains(candidate.tier) && context.owner(ofDevice: candidate.b.device) == finding.subject.id
            }
            for uplink in uplinks {
                let state = context.interfaces(of: uplink.b.device)?[uplink.b.interface]
                lines.append(
                    "\(uplink.id): \(uplink.a.device) → \(uplink.b.device) \(uplink.b.interface), "
                        + (state.map { $0.operUp ? "up" : "down" } ?? "state unknown"))
            }
        case .liveClassHeadroom:
            guard let live = configuration.policies.bandwidth.liveClass,
                let school = configuration.inventory.schools.first(where: { $0.id == finding.subject.id })
            else { break }
            let streams = live.streams[school.kind] ?? 0
            let delivered = try evaluate(from: from, to: to).filter { $0.rule == .deliveredCapacity && $0.direction == "downstream" }
            for uplink in configuration.inventory.links where uplink.tier == .countySchool && context.owner(ofDevice: uplink.b.device) == school.id {
                guard let p95 = delivered.first(where: { $0.subject.id == uplink.id }), let utilisation = p95.measuredValue,
                    let capacity = p95.capacityValue
                else {
                    lines.append("\(uplink.id): downstream p95 unknown")
                    continue
                }
                let planned = Double(streams) * Double(live.streamBitrate.bitsPerSecond)
                lines.append(
                    "\(uplink.id): p95 \(RateText.percent(utilisation)) + \(streams) × \(live.streamBitrate) / \(RateText.bitsPerSecond(capacity)) "
                        + "(\(RateText.percent(planned / capacity))) = \(RateText.percent(utilisation + planned / capacity)); threshold "
                        + RateText.percent(configuration.policies.bandwidth.congestionThreshold))
            }
        case .wifiCoverage, .wirelessAccess:
            let school = configuration.inventory.schools.first { $0.id == finding.subject.school }
            let kind = finding.subject.id.split(separator: ":").last.map(String.init)
            for area in school?.areas ?? [] where finding.rule == .wirelessAccess || area.kind.rawValue == kind {
                for ap in area.accessPoints {
                    let entry = context.accessPoints[ap]
                    lines.append(
                        "\(area.kind.rawValue) \(area.name) \(ap): "
                            + (entry?.reading.map { reading in
                                "\(entry?.state ?? "") by \(entry?.controller ?? "?"), up \(RateText.percent(entry?.upShare)) of the window's polls, "
                                    + "uplink \(reading.uplinkMbps.map { "\($0)M" } ?? "—"), clients' median rate "
                                    + "\(reading.clientRateMbps.map { "\($0)M" } ?? "—"), max rate \(reading.maxRateMbps.map { "\($0)M" } ?? "—")"
                            } ?? "not reported by its controller"))
                }
            }
        case .poolSiteLoss, .poolElasticCompute:
            for site in context.pool.use.sites {
                lines.append(
                    "\(site.site.id) \(site.site.name): "
                        + Resources.Kind.allCases.map { kind in
                            "\(kind.rawValue) capacity \(Resources.text(site.capacity[kind] ?? 0, kind)), replicas \(Resources.text(site.replicas[kind] ?? 0, kind)), "
                                + "allocations \(Resources.text(site.allocated[kind] ?? 0, kind))"
                        }.joined(separator: "; ")
                        + "; p95 CPU \(site.measuredCPU.map { Resources.text($0, .vcpu) } ?? "—"), memory \(site.measuredMemory.map { Resources.text($0, .memory) } ?? "—") "
                        + "over \(site.samples) host samples")
            }
            let policy = context.pool.use.policy
            lines.append(
                "overcommit " + Resources.Kind.allCases.map { "\($0.rawValue) \(policy.ratio($0)):1" }.joined(separator: ", ")
                    + "; headroom \(Int(policy.headroom * 100)) %; the largest site is the one lost")
        case .poolActiveActive:
            if let service = configuration.inventory.computePool.services.first(where: { $0.id == finding.subject.id }) {
                for replica in context.pool.replicas(of: service) {
                    lines.append("\(replica.site) \(replica.host): " + (replica.healthy ? "healthy" : replica.why))
                }
            }
        case .poolStorage:
            if let trend = context.pool.storage[finding.subject.id] {
                lines.append(
                    String(format: "%d samples over %.1f h; ", trend.samples, trend.spanHours)
                        + "used \(ByteSize(bytes: trend.used)) of \(ByteSize(bytes: trend.size)); least-squares growth "
                        + (trend.growthPerDay.map { String(format: "%.0f bytes a day", $0) } ?? "—") + "; days until full = free ÷ growth")
            }
        case .terminalRatio, .terminalUse:
            let counts = context.fleet[finding.subject.id] ?? FleetCounts()
            let policy = context.fleetPolicy
            lines.append(
                "register: \(counts.inStock) in stock, \(counts.assigned) assigned, \(counts.repair) in repair, \(counts.lost) lost, "
                    + "\(counts.found) found, \(counts.retired) retired; \(counts.everSeen) ever seen on Wi-Fi")
            lines.append(
                "planning figures \(counts.students) students × \(policy.terminalsPerStudent) + \(counts.teachers) teachers × "
                    + "\(policy.terminalsPerTeacher) = \(counts.required(policy)) terminals; roster \(counts.rosterStudents) and \(counts.rosterTeachers)"
            )
            lines.append(
                "in use: assigned and seen on ≥ \(policy.inUseSeenDays) of the school days "
                    + SchoolDays.last(policy.inUseSchoolDays, upTo: to).reversed().map(String.init).joined(separator: " ") + ": \(counts.inUse)")
        case .snmpDefaultCommunity:
            guard let probe = context.probes[finding.subject.id] else { break }
            lines.append(
                "probe at \(CityTime.minute(probe.time)): own credentials \(probe.reachable ? "answered" : "not answered"); "
                    + "asked v1 and v2c with " + context.security.forbiddenCommunities.joined(separator: ", ")
                    + "; answered: \(probe.answers.isEmpty ? "none" : probe.answeredText)")
        case .snmpV3Required:
            lines.append("roles that must use SNMPv3 authPriv: " + context.security.snmpV3RequiredRoles.map(\.rawValue).joined(separator: ", "))
        case .unusedPorts:
            let since = context.downSince[finding.subject.id] ?? [:]
            for (port, date) in since.sorted(by: { $0.value < $1.value }) {
                let days = to.timeIntervalSince(date) / 86_400
                lines.append(String(format: "%@: admin-up, down since %@ (%.1f days)", port, CityTime.minute(date), days))
            }
            lines.append("unused after \(context.posture.unusedPortDays) days; the ports of planned links are not counted")
        }
        return lines.joined(separator: "\n")
    }

    /// The first and last few of a long list.
    private static func abbreviated(_ items: [String]) -> String {
        items.count <= 12 ? items.joined(separator: ", ") : (items.prefix(6) + ["…"] + items.suffix(6)).joined(separator: ", ")
    }
}
