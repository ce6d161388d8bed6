import Foundation
import Model
import Provisioning
import Store

/// Provisioning as a token may see and do it. A plan is a county's when every device it changes is; a county token
/// lists, makes, applies and undoes its counties' plans only, and a plan that spans counties is the city's. Making a
/// plan writes nothing to the network (`operate`); applying, confirming and undoing do (`admin`). Every write is in
/// the provisioning audit log under the token's name, and in the API's audit log.
extension CityView {
    /// A stored plan as listed: what it changes and what became of it.
    public struct PlanSummary: Sendable, Encodable {
        public let id: String
        public let kind: String
        public let createdAt: Date
        public let devices: [String]
        public let changes: Int
        /// `planned` (never applied), `applied` (some change stands), `undone` (all set back) or `failed` (written to,
        /// nothing applied: refused or unreachable; the audit log says why).
        public let state: String
        /// Its probation or quarantine period, pending or settled, if it had one.
        public let deadline: ProvisioningDeadline?

        enum CodingKeys: String, CodingKey {
            case id, kind, devices, changes, state, deadline
            case createdAt = "created_at"
        }
    }

    /// One plan in full: its summary, its changes and its lines of the audit log.
    public struct PlanDetail: Sendable, Encodable {
        public let plan: PlanSummary
        public let changes: [ProvisioningChange]
        public let audit: [ProvisioningAuditEntry]
    }

    /// What a write to the network did: each change's line of the audit log, and the plan as it stands after.
    public struct PlanWrite: Sendable, Encodable {
        public let plan: PlanSummary
        public let applied: Int
        public let entries: [ProvisioningAuditEntry]
    }

    var provisioning: ProvisioningStore { ProvisioningStore(database: database) }

    /// Whether the token may see everything on `device`.
    func admits(device: String) -> Bool { token.admits(county: inventory.countyOfDevice[device]) }

    /// The token's plans, by id.
    public func plans() throws(Problem) -> [PlanSummary] {
        do {
            let audit = Dictionary(grouping: try provisioning.audit(), by: \.plan)
            let deadlines = try provisioning.deadlines()
            return try provisioning.plans().filter { $0.changes.allSatisfy { admits(device: $0.device) } }.map { plan in
                summary(plan, audit: audit[plan.id] ?? [], deadline: deadlines[plan.id])
            }
        } catch {
            throw Problem(.serviceUnavailable, "the plans could not be read: \(error.message)")
        }
    }

    public func plan(_ id: String) throws(Problem) -> PlanDetail {
        let plan = try storedPlan(id)
        do {
            let audit = try provisioning.audit(plan: id)
            return PlanDetail(
                plan: summary(plan, audit: audit, deadline: try provisioning.deadline(plan: id)), changes: plan.changes, audit: audit)
        } catch {
            throw Problem(.serviceUnavailable, "the plan could not be read: \(error.message)")
        }
    }

    /// The stored plan `id` if the token may see it, else a 404 as for a plan that does not exist.
    func storedPlan(_ id: String) throws(Problem) -> ProvisioningPlan {
        let stored: ProvisioningPlan?
        do { stored = try provisioning.storedPlan(id) } catch {
            throw Problem(.serviceUnavailable, "the plan could not be read: \(error.message)")
        }
        guard let stored, stored.changes.allSatisfy({ admits(device: $0.device) }) else { throw Problem.notFound("plan", id) }
        return stored
    }

    func summary(_ plan: ProvisioningPlan, audit: [ProvisioningAuditEntry], deadline: ProvisioningDeadline?) -> PlanSummary {
        let applied = audit.filter { $0.result == "applied" }
        let undone = applied.filter { $0.why.hasPrefix(PlanApplier.undoMark) }.count
        let state =
            audit.isEmpty ? "planned" : applied.isEmpty ? "failed" : undone >= applied.count - undone ? "undone" : "applied"
        var devices: [String] = []
        for change in plan.changes where !devices.contains(change.device) { devices.append(change.device) }
        return PlanSummary(
            id: plan.id, kind: plan.kind, createdAt: plan.createdAt, devices: devices, changes: plan.changes.count, state: state,
            deadline: deadline)
    }

    /// Makes and stores a plan over the token's devices, narrowed to `county`, `school` or `device`; nothing is written
    /// to the network. A plan with no change is not stored (no id).
    public func makePlan(_ request: PlanMaker.Request, county: String?, school: String?, device: String?, path: String) async throws(Problem)
        -> PlanMaker.Plan
    {
        let token = token
        if let county, !inventory.counties.contains(where: { $0.id == county && token.admits(county: $0.id) }) {
            throw Problem(.notFound, "no county `\(county)`", field: "county")
        }
        if let school, (try? self.school(school)) == nil { throw Problem(.notFound, "no school `\(school)`", field: "school") }
        if let device, (try? self.device(device)) == nil { throw Problem(.notFound, "no device `\(device)`", field: "device") }
        let countyOf = inventory.countyOfDevice
        let plan: PlanMaker.Plan
        do {
            plan = try await PlanMaker(configuration: configuration, database: database, engine: engine).make(
                request,
                includes: { d in
                    token.admits(county: countyOf[d.id]) && (county == nil || countyOf[d.id] == county) && (school == nil || d.school == school)
                        && (device == nil || d.id == device)
                }, at: now)
        } catch {
            throw Problem(.serviceUnavailable, "the plan could not be made: \(error.message)")
        }
        if let id = plan.id {
            try audit(method: "POST", path: path, status: 201, detail: "made plan \(id): \(plan.changes.count) changes")
        }
        return plan
    }

    /// Writes a plan of the token's to the network in the token's name (on probation for `confirmWithin` seconds, or
    /// a quarantine for its period).
    public func apply(plan id: String, reason: String, confirmWithin: Double?, path: String) async throws(Problem) -> PlanWrite {
        _ = try storedPlan(id)
        let quarantine = configuration.policies.security.quarantine ?? QuarantinePolicy()
        return try await write(plan: id, path: path, "applied") { applier throws(StoreError) in
            try await applier.apply(plan: id, by: token.name, why: reason, confirmWithin: confirmWithin, quarantine: quarantine)
        }
    }

    /// Sets back what a plan of the token's replaced, in the token's name.
    public func undo(plan id: String, reason: String, path: String) async throws(Problem) -> PlanWrite {
        _ = try storedPlan(id)
        return try await write(plan: id, path: path, "undid") { applier throws(StoreError) in
            try await applier.undo(plan: id, by: token.name, why: reason)
        }
    }

    /// Keeps a plan applied on probation: edunetd will not set it back.
    public func confirm(plan id: String, path: String) throws(Problem) -> PlanSummary {
        _ = try storedPlan(id)
        do { try provisioning.confirm(plan: id, by: token.name, at: now) } catch { throw Self.problem(error) }
        try audit(method: "POST", path: path, status: 200, detail: "confirmed plan \(id)")
        return try plan(id).plan
    }

    var applier: PlanApplier {
        let now = now
        return PlanApplier(engine: engine, inventory: inventory, store: provisioning) { now }
    }

    /// Runs one write to the network and records it in the API's audit log.
    func write(
        plan id: String, path: String, _ verb: String, _ body: (PlanApplier) async throws(StoreError) -> [ProvisioningAuditEntry]
    ) async throws(Problem) -> PlanWrite {
        let entries: [ProvisioningAuditEntry]
        do { entries = try await body(applier) } catch { throw Self.problem(error) }
        let applied = entries.filter { $0.result == "applied" }.count
        try audit(method: "POST", path: path, status: 200, detail: "\(verb) plan \(id): \(applied) of \(entries.count) changes")
        return PlanWrite(plan: try plan(id).plan, applied: applied, entries: entries)
    }

    /// What a refused write to the network answers: a plan with nothing to undo or confirm, or a quarantine asked to
    /// take probation, is a conflict with the plan's state; a store failure is the server's.
    static func problem(_ error: StoreError) -> Problem {
        error.code == .notFound || error.code == .conflict
            ? Problem(.conflict, error.message) : Problem(.serviceUnavailable, "the write could not be recorded: \(error.message)")
    }

    /// The provisioning audit log's lines on the token's devices, oldest first.
    public func provisioningHistory() throws(Problem) -> [ProvisioningAuditEntry] {
        do { return try provisioning.audit().filter { admits(device: $0.device) } } catch {
            throw Problem(.serviceUnavailable, "the provisioning audit log could not be read: \(error.message)")
        }
    }
}
