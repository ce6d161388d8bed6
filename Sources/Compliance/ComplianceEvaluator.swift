import Foundation
import Model
import Monitor
import Pool
import Store
import Synchronization

/// Evaluates the policies against the stored inventory and measurements over a window, rule by rule, into
/// findings. Every verdict rests on stored evidence: a negotiated speed, the rates of the window, the interface
/// states, the access points' polls. Where the evidence is missing or too thin the verdict is unknown, with why.
/// Each rule is one file under `Rules/`; a new rule is a new file and a line in `rules`.
public struct ComplianceEvaluator: Sendable {
    public let configuration: CityConfiguration
    public let store: MeasurementStore
    /// Below this share of the window measured, a delivered-capacity verdict is unknown rather than a pass.
    public var minimumCoverage = LinkUtilisation.Criteria.defaultMinimumCoverage

    /// Every rule, in the order their findings are listed.
    static let rules: [any ComplianceRule] =
        [
            ProvisionedCapacityRule(), DeliveredCapacityRule(), LiveClassHeadroomRule(), RedundancyRule(), WifiCoverageRule(), WirelessAccessRule(),
            TerminalRatioRule(), TerminalUseRule(), PoolRule(),
        ] + postureRules
    /// The graded-protection checks: judged on the latest probes, profiles and interface states, not on a window.
    static let postureRules: [any ComplianceRule] = [SNMPDefaultCommunityRule(), SNMPv3RequiredRule(), UnusedPortsRule()]

    public init(configuration: CityConfiguration, store: MeasurementStore) {
        self.configuration = configuration
        self.store = store
    }

    /// What a link's utilisation is judged against.
    public var criteria: LinkUtilisation.Criteria {
        .init(congestionThreshold: configuration.policies.bandwidth.congestionThreshold, minimumCoverage: minimumCoverage)
    }

    /// The education cloud's register, over the same store.
    public var poolRegister: PoolRegister {
        PoolRegister(store: PoolStore(database: store.database), measurements: store, configuration: configuration)
    }

    /// A cloud host whose latest poll is older than this does not answer: `pool.yaml`'s `host_silent_seconds`, and at
    /// least three of the servers' poll intervals where `fleet.yaml` sets them.
    public var hostFreshness: TimeInterval {
        max(
            configuration.policies.pool?.hostSilentSeconds ?? PoolPolicy.defaultHostSilentSeconds,
            3 * (configuration.policies.fleet.pollIntervalSeconds[.server] ?? 0))
    }

    /// Each school's e-book terminals as of `date`, with its planning figures: what the fleet findings and the
    /// report's fleet section are made of. Terminals are in use when seen on the policy's days of its last school days.
    public func fleetCounts(at date: Date) throws(StoreError) -> [String: FleetCounts] {
        let policy = configuration.policies.fleet
        var counts = try FleetStore(database: store.database).counts(
            schoolDays: SchoolDays.last(policy.inUseSchoolDays, upTo: date), seenAtLeast: policy.inUseSeenDays)
        for school in configuration.inventory.schools {
            counts[school.id, default: FleetCounts()].students = school.students
            counts[school.id, default: FleetCounts()].teachers = school.teachers
            counts[school.id, default: FleetCounts()].seenDaysRequired = policy.inUseSeenDays
        }
        return counts
    }

    /// The posture rules' findings alone, as they stand at `time` (the daemon's, after a probe).
    public func postureFindings(at time: Date) throws(StoreError) -> [Finding] {
        let context = try ComplianceContext(evaluator: self, from: time, to: time)
        var findings: [Finding] = []
        for rule in Self.postureRules { findings += try rule.findings(in: context, linkFindings: []) }
        return findings
    }

    /// Every finding of every rule for `[from, to)`.
    public func evaluate(from: Date, to: Date) throws(StoreError) -> [Finding] {
        let context = try ComplianceContext(evaluator: self, from: from, to: to)
        // Links are independent and their rates are read from a pool of connections: judged on every core.
        let links = configuration.inventory.links
        let perLink = Mutex([[Finding]](repeating: [], count: links.count))
        let failure = Mutex<StoreError?>(nil)
        DispatchQueue.concurrentPerform(iterations: links.count) { index in
            do throws(StoreError) {
                var found: [Finding] = []
                for rule in Self.rules { found += try rule.findings(for: links[index], in: context) }
                perLink.withLock { $0[index] = found }
            } catch {
                failure.withLock { $0 = error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        var findings = perLink.withLock { $0 }.flatMap { $0 }
        let linkFindings = findings
        for rule in Self.rules { findings += try rule.findings(in: context, linkFindings: linkFindings) }
        return findings
    }

    /// The utilisation over the window of delivered-capacity findings, for their charts, by finding id (other
    /// findings, and those without a capacity or samples, have none).
    public func series(for findings: [Finding], from: Date, to: Date) throws(StoreError) -> [String: UtilisationSeries] {
        let interfaces = try store.allInterfaces()
        var result: [String: UtilisationSeries] = [:]
        for finding in findings where finding.rule == .deliveredCapacity {
            guard let link = configuration.inventory.links.first(where: { $0.id == finding.subject.id }),
                let direction = finding.direction.flatMap(LinkUtilisation.Direction.init(rawValue:))
            else { continue }
            result[finding.id] = try series(link, direction, from: from, to: to, interfaces: interfaces)
        }
        return result
    }

    /// A link's utilisation in one direction over the window; nil without a capacity or samples.
    public func series(
        _ link: Link, _ direction: LinkUtilisation.Direction, from: Date, to: Date, interfaces: [String: [String: InterfaceStatus]]? = nil
    ) throws(StoreError) -> UtilisationSeries? {
        let known: [String: [String: InterfaceStatus]]
        if let interfaces { known = interfaces } else { known = try store.allInterfaces() }
        let utilisation = try LinkUtilisation.measure(link, from: from, to: to, store: store, interfaces: known, criteria: criteria)
        guard let capacity = utilisation.capacity?.bitsPerSecond, let p95 = utilisation.figures(direction).p95Utilisation else { return nil }
        let points = utilisation.intervals.filter { $0.unknownReason == nil }.compactMap { i in i.rate(direction).map { (i.time, $0 / capacity) } }
        return UtilisationSeries(points: points, p95: p95, threshold: utilisation.congestionThreshold)
    }
}
