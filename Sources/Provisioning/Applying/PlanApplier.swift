import Foundation
import Model
import Monitor
import SNMP
import Store

/// Applies a stored plan to the network, device by device, and undoes it: each device is reached with its
/// `snmp_write_profile`; what its objects hold (and what each change's condition asks, such as a port still being
/// down) is read first and must still be what the plan was made on, else nothing is written there (make a new plan);
/// its changes go in one SET (the agent commits all or none) and are read back. Every change's outcome is appended to
/// the audit log as each device is done, so a crash loses nothing written.
public struct PlanApplier: Sendable {
    public let engine: SNMPEngine
    public let inventory: Inventory
    public let store: ProvisioningStore
    public let now: @Sendable () -> Date
    public var timeout: Duration = .seconds(2)
    /// How many devices are written at once (each device's changes stay in order, in one SET).
    public var devicesInFlight = 16

    public init(engine: SNMPEngine, inventory: Inventory, store: ProvisioningStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.engine = engine
        self.inventory = inventory
        self.store = store
        self.now = now
    }

    /// Applies the plan `id`; the outcome of each change, in the plan's order. With a `deadline` (probation, or a
    /// quarantine's period) the daemon sets the plan back that many seconds from now unless it is settled first.
    public func apply(
        plan id: String, by: String, why: String, deadline: (kind: ProvisioningDeadline.Kind, seconds: Double)? = nil
    ) async throws(StoreError) -> [ProvisioningAuditEntry] {
        guard let changes = try store.plan(id) else {
            throw StoreError(.notFound, "no plan `\(id)`; `edunet provision plan` makes one and prints its id")
        }
        let entries = try await write(changes, plan: id, by: by, why: why)
        if let deadline, entries.contains(where: { $0.result == "applied" }) {
            try store.setDeadline(ProvisioningDeadline(plan: id, kind: deadline.kind, due: now().addingTimeInterval(deadline.seconds)))
        }
        return entries
    }

    /// Sets back what the plan's applied changes replaced; recorded under the plan with `undo: ` before the reason. A
    /// pending deadline of the plan is settled as undone.
    public func undo(plan id: String, by: String, why: String) async throws(StoreError) -> [ProvisioningAuditEntry] {
        // What stands now: each object's last applied write, unless that was an undo.
        var standing: [String: ProvisioningAuditEntry] = [:]
        var order: [String] = []
        for entry in try store.audit(plan: id) where entry.result == "applied" {
            let key = entry.device + " " + entry.object
            if entry.why.hasPrefix(Self.undoMark) {
                standing[key] = nil
            } else {
                if !order.contains(key) { order.append(key) }
                standing[key] = entry
            }
        }
        let applied = order.compactMap { standing[$0] }
        guard !applied.isEmpty else {
            throw StoreError(.notFound, "plan `\(id)` has no applied change to undo; `edunet provision history` lists them")
        }
        let entries = try await write(applied.reversed().map(\.change.reversed), plan: id, by: by, why: Self.undoMark + why)
        try store.settleDeadline(plan: id, how: "undone by \(by)", at: now())
        return entries
    }

    /// Sets back one applied change of the audit log (its id, as `history` shows it).
    public func undo(change id: Int64, by: String, why: String) async throws(StoreError) -> [ProvisioningAuditEntry] {
        guard let entry = try store.auditEntry(id), entry.result == "applied" else {
            throw StoreError(.notFound, "no applied change \(id) in the audit log; `edunet provision history` lists them with their ids")
        }
        return try await write([entry.change.reversed], plan: entry.plan, by: by, why: Self.undoMark + why)
    }

    /// What the daemon does every few seconds: each deadline now due is acted on, a probation set back and a
    /// quarantine released, by `edunetd`; the outcome of each, soonest first.
    public func settleDue() async throws(StoreError) -> [(deadline: ProvisioningDeadline, entries: [ProvisioningAuditEntry])] {
        var settled: [(ProvisioningDeadline, [ProvisioningAuditEntry])] = []
        for deadline in try store.pendingDeadlines(dueBy: now()) {
            let why =
                deadline.kind == .probation
                ? "not confirmed by \(CityTime.minute(deadline.due))" : "quarantine period ended at \(CityTime.minute(deadline.due))"
            var entries: [ProvisioningAuditEntry] = []
            do throws(StoreError) {
                entries = try await undo(plan: deadline.plan, by: "edunetd", why: why)
            } catch  where error.code == .notFound {
                // Nothing applied is left to set back.
            }
            let applied = entries.filter { $0.result == "applied" }.count
            let how = (deadline.kind == .probation ? "set back" : "released") + " by edunetd (\(applied) of \(entries.count) changes)"
            try store.settleDeadline(plan: deadline.plan, how: how, at: now())
            var done = deadline
            done.settledAt = now()
            done.settled = how
            settled.append((done, entries))
        }
        return settled
    }

    /// What the reason of a write that sets a change back starts with, in the audit log.
    public static let undoMark = "undo: "

    private func write(_ changes: [ProvisioningChange], plan: String, by: String, why: String) async throws(StoreError) -> [ProvisioningAuditEntry] {
        var order: [String] = []
        var byDevice: [String: [ProvisioningChange]] = [:]
        for change in changes {
            if byDevice[change.device] == nil { order.append(change.device) }
            byDevice[change.device, default: []].append(change)
        }
        // Each device's lines are recorded as soon as it is done, so a crash loses nothing that was written.
        var entries: [String: [ProvisioningAuditEntry]] = [:]
        var failure: StoreError?
        await withTaskGroup(of: (String, [String]).self) { group in
            var pending = order[...]
            func next() {
                guard failure == nil, let device = pending.popFirst() else { return }
                let changes = byDevice[device] ?? []
                group.addTask { (device, await write(changes, to: device)) }
            }
            for _ in 0..<max(1, devicesInFlight) { next() }
            while let (device, outcomes) = await group.next() {
                let done = zip(byDevice[device] ?? [], outcomes).map {
                    ProvisioningAuditEntry(plan: plan, at: now(), by: by, why: why, change: $0, result: $1)
                }
                do throws(StoreError) {
                    entries[device] = try store.record(done)
                } catch {
                    failure = failure ?? error
                }
                next()
            }
        }
        if let failure { throw failure }
        return order.flatMap { entries[$0] ?? [] }
    }

    /// The outcome of each of one device's changes: `applied`, `refused: …` (nothing written) or `failed: …`.
    private func write(_ changes: [ProvisioningChange], to id: String) async -> [String] {
        func every(_ outcome: String) -> [String] { Array(repeating: outcome, count: changes.count) }
        guard let device = inventory.devices.first(where: { $0.id == id }) else {
            return every("refused: \(id) is not a device of the inventory")
        }
        guard let profileID = device.snmpWriteProfile else { return every("refused: no snmp_write_profile in the inventory") }
        let target: SNMPTarget
        switch DeviceTarget.make(device, profile: profileID, in: inventory, timeout: timeout) {
        case .success(let made): target = made
        case .failure(let failure): return every("refused: write profile: \(failure.reason)")
        }
        let oids = changes.compactMap { OID(parsing: $0.object) }
        let conditions = changes.compactMap(\.condition)
        let conditionOIDs = conditions.compactMap { OID(parsing: $0.object) }
        guard oids.count == changes.count, conditionOIDs.count == conditions.count else {
            return every("refused: an object of the plan is not a numeric OID")
        }
        var varbinds: [VarBind] = []
        for (change, oid) in zip(changes, oids) {
            guard let value = Self.value(change.new, change.syntax) else {
                return every("refused: `\(change.new)` is not a \(change.syntax.rawValue) value")
            }
            varbinds.append(VarBind(oid: oid, value: value))
        }
        do {
            let held = try await engine.get(target, oids + conditionOIDs)
            for (change, varbind) in zip(changes, held) where Self.rendered(varbind.value) != (change.current ?? "") {
                return every("refused: \(change.object) holds \(Self.shown(varbind.value)), not what the plan was made on; make a new plan")
            }
            for (condition, varbind) in zip(conditions, held.dropFirst(changes.count)) where Self.rendered(varbind.value) != condition.value {
                return every("refused: no longer so: \(condition.meaning) (\(condition.object) holds \(Self.shown(varbind.value))); make a new plan")
            }
            _ = try await engine.set(target, varbinds)
            let back = try await engine.get(target, oids)
            return zip(changes, back).map { change, varbind in
                Self.rendered(varbind.value) == change.new ? "applied" : "failed: read back \(Self.shown(varbind.value))"
            }
        } catch {
            return every((error.code == .refused ? "refused: " : "failed: ") + error.message)
        }
    }

    /// The value to write for `text` in `syntax`; nil when it is not a number the syntax takes.
    static func value(_ text: String, _ syntax: ProvisioningSyntax) -> SNMPValue? {
        switch syntax {
        case .text: .octetString(Array(text.utf8))
        case .integer: Int32(text).map(SNMPValue.integer32)
        case .unsigned: UInt32(text).map(SNMPValue.gauge32)
        }
    }

    /// A value as plans and the audit log hold it: text as UTF-8, numbers in decimal; nil for anything else.
    static func rendered(_ value: SNMPValue) -> String? {
        switch value {
        case .octetString(let bytes): String(decoding: bytes, as: UTF8.self)
        case .integer32(let n): String(n)
        case .gauge32(let n), .counter32(let n), .timeTicks(let n): String(n)
        default: nil
        }
    }

    private static func shown(_ value: SNMPValue) -> String {
        switch value {
        case .octetString: rendered(value).map { "\"\($0)\"" } ?? value.typeName
        default: rendered(value) ?? value.typeName
        }
    }
}

extension PlanApplier {
    /// Applies a stored plan as people ask for it: on probation when `confirmWithin` (seconds) is given, set back by
    /// edunetd unless confirmed in time; a quarantine plan for `quarantine`'s period instead (it takes no probation).
    public func apply(
        plan id: String, by: String, why: String, confirmWithin: Double?, quarantine: QuarantinePolicy
    ) async throws(StoreError) -> [ProvisioningAuditEntry] {
        var deadline: (ProvisioningDeadline.Kind, Double)? = confirmWithin.map { (.probation, $0) }
        if try store.storedPlan(id)?.kind == PlanMaker.Kind.quarantine.rawValue {
            guard deadline == nil else {
                throw StoreError(
                    .conflict,
                    "a quarantine is released at the end of its period; --confirm-within is not for it (nor the API's confirm_within_minutes)")
            }
            deadline = (.quarantine, quarantine.periodHours * 3_600)
        }
        return try await apply(plan: id, by: by, why: why, deadline: deadline)
    }
}
