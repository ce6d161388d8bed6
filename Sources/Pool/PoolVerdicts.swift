import Foundation
import Model
import Store

/// The education cloud's verdicts, as findings with their figures: site-loss survival of the whole pool, active-active
/// per service, elastic compute per site and dynamic storage per storage pool.
public struct PoolVerdicts: Sendable {
    public let use: PoolUse
    /// Each storage pool's trend, by pool id.
    public let storage: [String: StorageTrend]
    /// A replica's host whose latest poll is older than this is not answering.
    public let freshness: TimeInterval

    public init(use: PoolUse, storage: [String: StorageTrend], freshness: TimeInterval) {
        self.use = use
        self.storage = storage
        self.freshness = freshness
    }

    /// Reads what the verdicts need at `now` and judges.
    public static func read(register: PoolRegister, at now: Date, freshness: TimeInterval) throws(PoolError) -> PoolVerdicts {
        let use = try register.use(at: now)
        let policy = register.policy
        let since = now.addingTimeInterval(-Double(policy.trendDays) * 86_400)
        var storage: [String: StorageTrend] = [:]
        do {
            for pool in register.pool.storagePools {
                let devices = register.pool.hosts.filter { $0.storagePool == pool.id }.map(\.device)
                let series = try register.store.storageSeries(devices: devices, since: since).filter { $0.storage == pool.mount && $0.last <= now }
                storage[pool.id] = StorageTrend(series: series, minimumHours: policy.minimumTrendHours)
            }
        } catch { throw PoolError(error) }
        return PoolVerdicts(use: use, storage: storage, freshness: freshness)
    }

    private static let source = "the inventory's compute_pool, pool.yaml, the allocations (edunet pool) and HOST-RESOURCES-MIB polls"

    private func subject(_ id: String) -> Finding.Subject { .init(kind: .cloud, id: id, county: nil, school: nil) }

    public func findings() -> [Finding] {
        guard !use.pool.sites.isEmpty else { return [] }
        return [siteLoss()] + use.pool.services.map(activeActive) + use.sites.map(elastic) + use.pool.storagePools.map(storageFinding)
    }

    /// Whether each replica of a service is healthy, site by site, with why not.
    public func replicas(of service: ComputePool.Service) -> [(site: String, host: String, healthy: Bool, why: String)] {
        let hosts = Dictionary(use.pool.hosts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return service.hosts.compactMap { id in
            guard let host = hosts[id] else { return nil }
            guard let latest = use.latest[host.device] else { return (host.site, id, false, "\(host.device) not polled yet") }
            guard use.to.timeIntervalSince(latest.time) <= freshness else {
                return (host.site, id, false, "\(host.device) does not answer SNMP since \(CityTime.minute(latest.time))")
            }
            if let load = latest.cpuLoad, load >= use.policy.hostLoadThreshold * 100 {
                return (
                    host.site, id, false,
                    String(format: "%@ at %.0f %% CPU (threshold %.0f %%)", host.device, load, use.policy.hostLoadThreshold * 100)
                )
            }
            if let url = service.health[host.site] {
                guard let check = use.health[service.id]?[host.site], use.to.timeIntervalSince(check.checkedAt) <= freshness else {
                    return (host.site, id, false, "no recent answer from its health check \(url)")
                }
                if !check.ok { return (host.site, id, false, "health check \(url): \(check.detail)") }
            }
            return (host.site, id, true, "")
        }
    }

    func activeActive(_ service: ComputePool.Service) -> Finding {
        var finding = Finding(
            rule: .poolActiveActive, subject: subject(service.id), target: "a healthy replica in every site", zh: "每个中心都有健康副本",
            targetValue: Double(use.pool.sites.count), source: Self.source + (service.health.isEmpty ? "" : "; the replicas' health checks"))
        let replicas = replicas(of: service)
        finding.evidence.samples = replicas.count
        let healthySites = Set(replicas.filter(\.healthy).map(\.site))
        finding.measuredValue = Double(healthySites.count)
        let perSite = use.pool.sites.map { site in
            let here = replicas.filter { $0.site == site.id }
            return "\(site.id): " + (here.isEmpty ? "no replica" : "\(here.filter(\.healthy).count) of \(here.count) healthy")
        }
        finding.measured(perSite.joined(separator: "; "), zh: perSite.joined(separator: "；"))
        if use.latest.isEmpty {
            finding.explain("no host of the pool has been polled yet", zh: "教育云主机尚未轮询")
            return finding
        }
        let missing = use.pool.sites.filter { !healthySites.contains($0.id) }
        finding.verdict = missing.isEmpty ? .pass : .fail
        if !missing.isEmpty {
            let why = missing.map { site in
                let here = replicas.filter { $0.site == site.id }
                return here.isEmpty ? "no replica in \(site.id)" : "\(site.id): " + here.map { "\($0.host) — \($0.why)" }.joined(separator: ", ")
            }
            finding.explain(
                "not active-active: " + why.joined(separator: "; "),
                zh: "未实现双活：" + why.joined(separator: "；"))
        }
        return finding
    }

    func siteLoss() -> Finding {
        var finding = Finding(
            rule: .poolSiteLoss, subject: subject("education-cloud"), target: "survives the loss of either site", zh: "任一中心失效后仍可承载",
            targetValue: nil, source: Self.source)
        let policy = use.policy
        var lines: [String] = []
        var problems: [String] = []
        for kind in Resources.Kind.allCases {
            let (lost, surviving) = use.survivingCapacity(kind)
            let limit = surviving * policy.ratio(kind)
            let reserved = use.reserved[kind] ?? 0
            lines.append(
                "\(kind.rawValue) reserved \(Resources.text(reserved, kind)) of \(Resources.text(limit, kind)) without \(lost?.site.id ?? "—")")
            if reserved > limit {
                problems.append("\(kind.rawValue) reservations \(Resources.text(reserved, kind)) > \(Resources.text(limit, kind))")
            }
        }
        var measuredAny = false
        for (kind, values) in [(Resources.Kind.vcpu, use.sites.map(\.measuredCPU)), (.memory, use.sites.map(\.measuredMemory))] {
            let known = values.compactMap { $0 }
            guard !known.isEmpty else { continue }
            measuredAny = true
            let (_, surviving) = use.survivingCapacity(kind)
            let limit = surviving * (1 - policy.headroom)
            let p95 = known.reduce(0, +)
            lines.append("\(kind.rawValue) p95 use \(Resources.text(p95, kind)) of \(Resources.text(limit, kind))")
            if p95 > limit { problems.append("measured p95 \(kind.rawValue) \(Resources.text(p95, kind)) > \(Resources.text(limit, kind))") }
        }
        // A site none of whose hosts answers is lost already: the pool runs on the others and survives no further loss.
        // (A site whose hosts were never polled is not known to be down.)
        let silent = { (site: PoolUse.Site) in
            site.hosts.contains { use.latest[$0.device] != nil }
                && !site.hosts.contains { host in use.latest[host.device].map { use.to.timeIntervalSince($0.time) <= freshness } ?? false }
        }
        if !use.latest.isEmpty {
            for site in use.sites where silent(site) {
                problems.append("\(site.site.id) is down (none of its \(site.hosts.count) hosts answers SNMP): the pool runs on one site already")
            }
        }
        finding.evidence.samples = use.sites.reduce(0) { $0 + $1.samples }
        finding.measured(lines.joined(separator: "; "), zh: lines.joined(separator: "；"))
        let forced = use.forced
        let forcedNote =
            forced.isEmpty ? "" : "; forced past admission control: " + forced.map { "#\($0.id) \($0.tenant)/\($0.name)" }.joined(separator: ", ")
        if !problems.isEmpty {
            finding.verdict = .fail
            finding.explain(
                "the other site could not take the lost one's load: " + problems.joined(separator: "; ") + forcedNote,
                zh: "一个中心失效后另一中心无法承载：" + problems.joined(separator: "；") + forcedNote)
        } else if !measuredAny {
            finding.explain(
                "reservations fit, but no host load has been measured in the window: the measured half of the question is unanswered",
                zh: "预留可承载，但窗口内未测得主机负载")
        } else {
            finding.verdict = .pass
        }
        return finding
    }

    func elastic(_ site: PoolUse.Site) -> Finding {
        let policy = use.policy
        var finding = Finding(
            rule: .poolElasticCompute, subject: subject(site.site.id), target: "p95 CPU and memory ≤ \(Int((1 - policy.headroom) * 100)) %",
            targetValue: 1 - policy.headroom, source: Self.source)
        finding.evidence.samples = site.samples
        guard let cpu = site.measuredCPU, let memory = site.measuredMemory, let vcpus = site.capacity[.vcpu], vcpus > 0,
            let bytes = site.capacity[.memory], bytes > 0
        else {
            finding.explain("no host of \(site.site.id) reported its load in the window", zh: "窗口内 \(site.site.id) 的主机未报告负载")
            return finding
        }
        let shares = (cpu: cpu / vcpus, memory: memory / bytes)
        finding.measuredValue = max(shares.cpu, shares.memory)
        let text = String(
            format: "CPU %.0f %% (%@ of %@), memory %.0f %% (%@ of %@)", shares.cpu * 100, Resources.text(cpu, .vcpu), Resources.text(vcpus, .vcpu),
            shares.memory * 100, Resources.text(memory, .memory), Resources.text(bytes, .memory))
        finding.measured(text, zh: text)
        finding.verdict = max(shares.cpu, shares.memory) <= 1 - policy.headroom ? .pass : .fail
        if finding.verdict == .fail {
            finding.explain(
                "less than the \(Int(policy.headroom * 100)) % headroom left: add hosts or move load to the other site",
                zh: "余量不足 \(Int(policy.headroom * 100)) %：扩容或迁移负载")
        }
        return finding
    }

    func storageFinding(_ pool: ComputePool.StoragePool) -> Finding {
        let policy = use.policy
        var finding = Finding(
            rule: .poolStorage, subject: subject(pool.id), target: "full in ≥ \(Int(policy.storageFindingDays)) days",
            zh: "≥ \(Int(policy.storageFindingDays)) 天后才满", targetValue: policy.storageFindingDays,
            source: Self.source + " (hrStorageTable \(pool.mount))")
        guard let trend = storage[pool.id] else { return finding }
        finding.evidence.samples = trend.samples
        finding.evidence.source += "; hosts " + trend.hosts.map { "\($0.device) (\($0.samples) samples)" }.joined(separator: ", ")
        let usedText = "\(ByteSize(bytes: trend.used)) of \(ByteSize(bytes: trend.size)) used"
        let growth = trend.growthPerDay.map { ", growing \(ByteSize(bytes: UInt64(max(0, $0)))) a day" + ($0 < 0 ? " (falling)" : "") } ?? ""
        guard let days = trend.daysUntilFull else {
            finding.measured(usedText + growth, zh: usedText + growth)
            finding.explain(trend.unknownReason ?? "no trend", zh: trend.unknownReason ?? "无趋势")
            return finding
        }
        finding.measuredValue = days
        let text = usedText + growth + String(format: "; full in %.1f days", days)
        finding.measured(text, zh: text)
        finding.verdict = days >= policy.storageFindingDays ? .pass : .fail
        if finding.verdict == .fail {
            finding.explain(
                String(format: "full within %.1f days at the trend of %.0f h of samples: add capacity or free space", days, trend.spanHours),
                zh: String(format: "按 %.0f 小时的趋势 %.1f 天内写满：扩容或清理", trend.spanHours, days))
        }
        return finding
    }
}
