import Foundation
import Model
import Store

/// The pool's register as people change it: allocations requested with `edunet pool allocate` are checked by
/// admission control against the inventory's capacity and the stored use, and stored with their history only when
/// accepted (or forced past a refusal, which is recorded and raises a finding).
public struct PoolRegister: Sendable {
    public let store: PoolStore
    public let measurements: MeasurementStore
    public let configuration: CityConfiguration

    public init(store: PoolStore, measurements: MeasurementStore, configuration: CityConfiguration) {
        self.store = store
        self.measurements = measurements
        self.configuration = configuration
    }

    public var pool: ComputePool { configuration.inventory.computePool }
    public var policy: PoolPolicy { configuration.policies.pool ?? Self.unconfigured }

    /// Never used by a loaded configuration (pool.yaml is required); for stored ones from before it existed.
    static let unconfigured = PoolPolicy(
        overcommit: [:], headroom: 0, hostLoadThreshold: 1, windowHours: 168, storageFindingDays: 0, storageAlertDays: 0, trendDays: 30,
        minimumTrendHours: 72, healthTimeoutSeconds: 5)

    /// Who may hold an allocation: the city's platforms, its county bureaus and its schools, id → name.
    public var tenants: [String: String] {
        var tenants: [String: String] = [:]
        for school in configuration.inventory.schools { tenants[school.id] = school.name }
        for county in configuration.inventory.counties { tenants[county.id] = county.name }
        for platform in pool.platforms { tenants[platform.id] = platform.name }
        return tenants
    }

    /// The pool's use over the policy's window ending at `now`.
    public func use(at now: Date) throws(PoolError) -> PoolUse {
        try PoolUse.read(
            pool: pool, policy: policy, store: store, measurements: measurements, from: now.addingTimeInterval(-policy.windowHours * 3600), to: now)
    }

    /// An allocation asked for.
    public struct Request: Sendable, Hashable {
        public var tenant: String
        public var name: String
        public var service: String?
        public var site: String?
        public var resources: Resources

        public init(tenant: String, name: String, service: String?, site: String?, resources: Resources) {
            self.tenant = tenant
            self.name = name
            self.service = service
            self.site = site
            self.resources = resources
        }
    }

    /// The request's names checked against the inventory, with a did-you-mean where one is close.
    public func validate(_ request: Request) throws(PoolError) {
        func unknown(_ field: String, _ what: String, _ value: String, among names: some Sequence<String>, list: String) -> PoolError {
            let suggestion = Suggestion.closest(to: value, among: names).map { "; did you mean `\($0)`?" } ?? ""
            return PoolError(.notFound, "no \(what) `\(value)`\(suggestion) (\(list))", field: field)
        }
        guard tenants[request.tenant] != nil else {
            throw unknown("tenant", "tenant", request.tenant, among: tenants.keys, list: "a tenant is a school, a county or a platform of cloud.yaml")
        }
        if let site = request.site, !pool.sites.contains(where: { $0.id == site }) {
            throw unknown("site", "cloud site", site, among: pool.sites.map(\.id), list: "sites: " + pool.sites.map(\.id).joined(separator: ", "))
        }
        if let service = request.service, !pool.services.contains(where: { $0.id == service }) {
            throw unknown(
                "service", "cloud service", service, among: pool.services.map(\.id),
                list: "services: " + pool.services.map(\.id).joined(separator: ", "))
        }
        guard request.resources.vcpus > 0 || request.resources.memory.bytes > 0 || request.resources.storage.bytes > 0 else {
            throw PoolError(
                .invalidRequest, "the allocation asks for nothing: give vcpus, memory or storage (--vcpus, --memory, --storage)", field: "vcpus")
        }
    }

    /// What admission control would say now, writing nothing (`--dry-run`).
    public func check(_ request: Request, at now: Date) throws(PoolError) -> PoolAdmission.Decision {
        try validate(request)
        return PoolAdmission(use: try use(at: now)).check(request.resources, site: request.site)
    }

    /// Stores the allocation when admission control accepts it, or when `force` and it fits a site (a request that
    /// fits no site cannot be forced: there is nowhere to put it). Throws `refused` with the reasons and figures.
    public func allocate(_ request: Request, force: Bool, by: String, why: String, at now: Date) throws(PoolError) -> (
        PoolStore.Allocation, PoolAdmission.Decision
    ) {
        try validate(request)
        let measured = try use(at: now)
        var decision: PoolAdmission.Decision?
        let stored: PoolStore.Allocation?
        do {
            stored = try store.allocate(at: now, by: by, why: why) { held in
                // Admission is decided again inside the transaction, on the allocations held at this moment.
                let answer = PoolAdmission(use: measured.with(held: held)).check(request.resources, site: request.site)
                decision = answer
                guard let site = answer.site, answer.accepted || force else { return nil }
                return PoolStore.NewAllocation(
                    tenant: request.tenant, name: request.name, service: request.service, site: site, resources: request.resources,
                    forced: !answer.accepted, verdict: answer.accepted ? nil : answer.problems.joined(separator: "; "))
            }
        } catch { throw PoolError(error) }
        guard let stored, let decision else {
            let answer = decision!
            let hint =
                answer.fits
                ? "; `--force` accepts it anyway (recorded, and reported as a finding)" : "; it fits no site, so it cannot be forced"
            throw PoolError(
                .refused,
                "allocation refused: " + answer.problems.joined(separator: "; ") + hint + "\n  " + answer.figures.joined(separator: "\n  "))
        }
        return (stored, decision)
    }

    public func release(_ id: Int64, by: String, why: String, at now: Date) throws(PoolError) -> PoolStore.Allocation {
        do { return try store.release(id, at: now, by: by, why: why) } catch { throw PoolError(error) }
    }
}
