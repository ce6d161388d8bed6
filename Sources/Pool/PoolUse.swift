import Foundation
import Model
import Store

/// What the pool holds and uses, read once: capacity per site, what the services' replicas and the allocations
/// reserve there, the hosts' measured p95 use over the window and their latest state. Admission control, the
/// status table and the verdicts all work from one of these.
public struct PoolUse: Sendable {
    /// One site's figures; resources by kind (vCPUs, or bytes).
    public struct Site: Sendable {
        public var site: ComputePool.Site
        public var hosts: [ComputePool.Host]
        /// Physical capacity.
        public var capacity: [Resources.Kind: Double]
        /// Reserved by the services' replicas placed here and by the allocations held here.
        public var replicas: [Resources.Kind: Double]
        public var allocated: [Resources.Kind: Double]
        /// p95 over the window of CPU (in vCPUs: load × the host's vCPUs) and memory in use (bytes), summed over the
        /// hosts (a sum of p95s, never less than the p95 of the sum); nil when no host of the site reported any.
        public var measuredCPU: Double?
        public var measuredMemory: Double?
        /// Host samples the measured figures rest on.
        public var samples: Int

        public var reserved: [Resources.Kind: Double] { replicas.merging(allocated, uniquingKeysWith: +) }

        /// What may be reserved here under the overcommit ratios.
        public func admissible(_ policy: PoolPolicy) -> [Resources.Kind: Double] {
            Dictionary(uniqueKeysWithValues: Resources.Kind.allCases.map { ($0, (capacity[$0] ?? 0) * policy.ratio($0)) })
        }
    }

    /// A host's latest poll, and the restarts its polls found in the window.
    public struct HostState: Sendable {
        public var time: Date
        public var cpuLoad: Double?
        /// hrSystemUptime at that poll, seconds.
        public var uptime: Double?
        /// When the host booted at each restart in the window, oldest first.
        public var restarts: [Date] = []

        /// When the host booted, as its latest poll's uptime says (within 497.1 days, the span of a TimeTicks).
        public var bootedAt: Date? { uptime.map { time.addingTimeInterval(-$0) } }
    }

    public let pool: ComputePool
    public let policy: PoolPolicy
    public var sites: [Site]
    /// The allocations held that were forced past admission control (the site-loss finding names them).
    public let forced: [PoolStore.Allocation]
    public let latest: [String: HostState]
    public let health: [String: [String: PoolStore.HealthCheck]]
    public let from: Date
    public let to: Date

    /// A host poll that finished this long after the moment judged still tells the state at it: the daemon judges
    /// while it polls, and a poll stored a moment after the judgement began must not make its host look silent.
    static let lateSampleTolerance: TimeInterval = 60

    /// Reads the pool's use over `[from, to)` from the store.
    public static func read(
        pool: ComputePool, policy: PoolPolicy, store: PoolStore, measurements: MeasurementStore, from: Date, to: Date
    ) throws(PoolError) -> PoolUse {
        do {
            let devices = pool.hosts.map(\.device)
            let use = try store.hostPercentiles(devices: devices, from: from, to: to)
            let restarts = try measurements.restarts(devices: devices, from: from, to: to.addingTimeInterval(Self.lateSampleTolerance))
            let latest = try measurements.latestHosts(devices: devices, notAfter: to.addingTimeInterval(Self.lateSampleTolerance))
                .reduce(into: [String: HostState]()) { states, entry in
                    states[entry.key] = HostState(
                        time: entry.value.time, cpuLoad: entry.value.cpuLoad, uptime: entry.value.uptime, restarts: restarts[entry.key] ?? [])
                }
            return PoolUse(
                pool: pool, policy: policy, held: try store.held(), forced: try store.allocations(forcedOnly: true), hostUse: use, latest: latest,
                health: try store.healthChecks(), from: from, to: to)
        } catch { throw PoolError(error) }
    }

    public init(
        pool: ComputePool, policy: PoolPolicy, held: [String: Resources], forced: [PoolStore.Allocation],
        hostUse: [String: PoolStore.HostPercentiles], latest: [String: HostState],
        health: [String: [String: PoolStore.HealthCheck]], from: Date, to: Date
    ) {
        self.pool = pool
        self.policy = policy
        self.forced = forced
        self.latest = latest
        self.health = health
        self.from = from
        self.to = to
        let siteOfHost = pool.siteOfHost
        sites = pool.sites.map { site in
            let hosts = pool.hosts.filter { $0.site == site.id }
            var figures = Site(site: site, hosts: hosts, capacity: [:], replicas: [:], allocated: [:], samples: 0)
            for kind in Resources.Kind.allCases {
                figures.capacity[kind] = hosts.reduce(0) { $0 + $1.capacity[kind] }
                figures.replicas[kind] = pool.services.reduce(0) { sum, service in
                    sum + Double(service.hosts.filter { siteOfHost[$0] == site.id }.count) * (service.replica?[kind] ?? 0)
                }
            }
            figures.allocated = Self.allocated(held, site: site.id)
            var cpu: Double?
            var memory: Double?
            for host in hosts {
                guard let use = hostUse[host.device] else { continue }
                figures.samples += use.samples
                if let p95 = use.cpu { cpu = (cpu ?? 0) + p95 / 100 * Double(host.vcpus) }
                if let p95 = use.memory { memory = (memory ?? 0) + p95 }
            }
            figures.measuredCPU = cpu
            figures.measuredMemory = memory
            return figures
        }
    }

    private static func allocated(_ held: [String: Resources], site: String) -> [Resources.Kind: Double] {
        Dictionary(uniqueKeysWithValues: Resources.Kind.allCases.map { ($0, held[site]?[$0] ?? 0) })
    }

    /// The same use with what the allocations held at this moment reserve, by site (admission decided again inside
    /// the allocation's transaction).
    public func with(held: [String: Resources]) -> PoolUse {
        var copy = self
        for index in copy.sites.indices { copy.sites[index].allocated = Self.allocated(held, site: copy.sites[index].site.id) }
        return copy
    }

    /// The site whose loss costs most of a resource (the largest), and what the others hold of it.
    public func survivingCapacity(_ kind: Resources.Kind) -> (lost: Site?, capacity: Double) {
        let largest = sites.max { ($0.capacity[kind] ?? 0) < ($1.capacity[kind] ?? 0) }
        let total = sites.reduce(0) { $0 + ($1.capacity[kind] ?? 0) }
        return (largest, total - (largest?.capacity[kind] ?? 0))
    }

    /// Everything reserved in the pool (replicas and allocations), by kind.
    public var reserved: [Resources.Kind: Double] {
        sites.reduce(into: [:]) { sum, site in sum.merge(site.reserved, uniquingKeysWith: +) }
    }
}
