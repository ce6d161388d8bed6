import Compliance
import Foundation
import Model
import Pool
import Reports
import Store

/// The education cloud as a token sees it. The pool's sites are the city's, shared by every county, so every token
/// reads their figures; an allocation belongs to its tenant's county (a school's, or the county's own), and a
/// platform's to no county, so a county token lists, makes and releases its counties' allocations only.
extension CityView {
    /// The sites side by side (capacity, admissible, reserved, p95 use) and the pool's verdicts.
    public struct PoolStatus: Sendable, Encodable {
        public let sites: [ComplianceReport.CloudRow]
        public let findings: [Finding]
    }

    /// What `POST /pool/allocations` answers: the allocation stored (none on a dry run) and admission control's answer.
    public struct AllocationOutcome: Sendable, Encodable {
        public let allocation: PoolStore.Allocation?
        public let decision: Decision

        /// Admission control's answer, as `edunet pool allocate --dry-run` prints it.
        public struct Decision: Sendable, Encodable {
            public let accepted: Bool
            public let site: String?
            public let fits: Bool
            public let survivesSiteLoss: Bool
            public let problems: [String]
            public let figures: [String]

            init(_ decision: PoolAdmission.Decision) {
                (accepted, site, fits) = (decision.accepted, decision.site, decision.fits)
                (survivesSiteLoss, problems, figures) = (decision.survivesSiteLoss, decision.problems, decision.figures)
            }
        }
    }

    /// The register, or a 404 when the inventory declares no pool.
    func poolRegister() throws(Problem) -> PoolRegister {
        guard !inventory.computePool.sites.isEmpty else {
            throw Problem(.notFound, "the inventory declares no compute pool (compute_pool in inventory/cloud.yaml)")
        }
        return evaluator.poolRegister
    }

    public func pool() throws(Problem) -> PoolStatus {
        let register = try poolRegister()
        do {
            let verdicts = try PoolVerdicts.read(register: register, at: now, freshness: evaluator.hostFreshness)
            return PoolStatus(sites: PoolListings.cloudRows(verdicts.use), findings: verdicts.findings())
        } catch {
            throw Problem(.serviceUnavailable, "the pool's use could not be read: \(error.message)")
        }
    }

    /// Whether the token may see and act for `tenant`: a school's county, a county itself; a platform is the city's.
    func admits(tenant: String) -> Bool {
        if let school = inventory.schools.first(where: { $0.id == tenant }) { return token.admits(county: school.county) }
        if inventory.counties.contains(where: { $0.id == tenant }) { return token.admits(county: tenant) }
        return inventory.computePool.platforms.contains { $0.id == tenant } && token.admits(county: nil)
    }

    /// The allocations held (with `released`, those given back too) by the tenants the token may see, by id.
    public func allocations(tenant: String?, released: Bool) throws(Problem) -> [PoolStore.Allocation] {
        let register = try poolRegister()
        do {
            return try register.store.allocations(released: released).filter { ($0.tenant == tenant || tenant == nil) && admits(tenant: $0.tenant) }
                .sorted { $0.id < $1.id }
        } catch {
            throw Problem(.serviceUnavailable, "the allocations could not be read: \(error.message)")
        }
    }

    /// Asks admission control for `request` and stores it, in the token's name, when accepted (or when `force`d past
    /// site-loss survival, by an admin token); a dry run stores nothing. A refusal is a 409 with the reasons and figures;
    /// a tenant, site or service that does not exist (or a tenant of another county) is a 404 naming the field.
    public func allocate(_ request: PoolRegister.Request, force: Bool, dryRun: Bool, reason: String, path: String) throws(Problem)
        -> AllocationOutcome
    {
        let register = try poolRegister()
        guard admits(tenant: request.tenant) else {
            let hint = token.counties.isEmpty ? "a school, a county or a platform of cloud.yaml" : "a school or county of its counties"
            throw Problem(.notFound, "no tenant `\(request.tenant)` (\(hint))", field: "tenant")
        }
        let outcome: AllocationOutcome
        do throws(PoolError) {
            if dryRun { return AllocationOutcome(allocation: nil, decision: .init(try register.check(request, at: now))) }
            let (allocation, decision) = try register.allocate(request, force: force, by: token.name, why: reason, at: now)
            outcome = AllocationOutcome(allocation: allocation, decision: .init(decision))
        } catch {
            throw Self.problem(error)
        }
        guard let allocation = outcome.allocation else { return outcome }
        try audit(
            method: "POST", path: path, status: 201,
            detail: "allocation \(allocation.id): \(allocation.resources.text) for \(allocation.tenant) in \(allocation.site)"
                + (allocation.forced ? " (forced past: \(outcome.decision.problems.joined(separator: "; ")))" : ""))
        return outcome
    }

    /// Gives back an allocation of the token's tenants, in the token's name.
    public func release(_ id: String, reason: String, path: String) throws(Problem) -> PoolStore.Allocation {
        guard let number = Int64(id), let held = try allocations(tenant: nil, released: false).first(where: { $0.id == number }) else {
            throw Problem.notFound("allocation held", id)
        }
        let register = try poolRegister()
        let released: PoolStore.Allocation
        do throws(PoolError) { released = try register.release(held.id, by: token.name, why: reason, at: now) } catch {
            throw Self.problem(error)
        }
        try audit(method: "POST", path: path, status: 200, detail: "released allocation \(released.id) of \(released.tenant)")
        return released
    }

    /// The API's answer to what the register refused or could not do.
    static func problem(_ error: PoolError) -> Problem {
        switch error.code {
        case .refused: Problem(.conflict, error.message)
        case .notFound: Problem(.notFound, error.message, field: error.field)
        case .invalidRequest: Problem(.badRequest, error.message, field: error.field)
        default: Problem(.serviceUnavailable, error.message)
        }
    }
}
