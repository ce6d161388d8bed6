import Foundation
import Model
import Monitor
import SNMP
import Store

/// Applies a stored plan to the network, device by device, and undoes it: each device is reached with its
/// `snmp_write_profile`; what its objects hold is read first and must still be what the plan was made on (else nothing
/// is written there: make a new plan); its changes go in one SET (the agent commits all or none) and are read back.
/// Every change's outcome is appended to the audit log as each device is done, so a crash loses nothing written.
/// The values are strings (OctetString), as the alias plan's are.
public struct PlanApplier: Sendable {
    public let engine: SNMPEngine
    public let inventory: Inventory
    public let store: ProvisioningStore
    public let now: @Sendable () -> Date
    public var timeout: Duration = .seconds(2)

    public init(engine: SNMPEngine, inventory: Inventory, store: ProvisioningStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.engine = engine
        self.inventory = inventory
        self.store = store
        self.now = now
    }

    /// Applies the plan `id`; the outcome of each change, in the plan's order.
    public func apply(plan id: String, by: String, why: String) async throws(StoreError) -> [ProvisioningAuditEntry] {
        guard let changes = try store.plan(id) else {
            throw StoreError(.notFound, "no plan `\(id)`; `edunet provision plan` makes one and prints its id")
        }
        return try await write(changes, plan: id, by: by, why: why)
    }

    /// Sets back what the plan's applied changes replaced; recorded under the plan with `undo: ` before the reason.
    public func undo(plan id: String, by: String, why: String) async throws(StoreError) -> [ProvisioningAuditEntry] {
        let applied = try store.audit(plan: id).filter { $0.result == "applied" && !$0.why.hasPrefix(Self.undoMark) }
        guard !applied.isEmpty else {
            throw StoreError(.notFound, "plan `\(id)` has no applied change to undo; `edunet provision history` lists them")
        }
        let reverse = applied.reversed().map {
            ProvisioningChange(device: $0.device, interface: $0.interface, object: $0.object, current: $0.after, new: $0.before ?? "")
        }
        return try await write(reverse, plan: id, by: by, why: Self.undoMark + why)
    }

    static let undoMark = "undo: "

    private func write(_ changes: [ProvisioningChange], plan: String, by: String, why: String) async throws(StoreError) -> [ProvisioningAuditEntry] {
        var order: [String] = []
        var byDevice: [String: [ProvisioningChange]] = [:]
        for change in changes {
            if byDevice[change.device] == nil { order.append(change.device) }
            byDevice[change.device, default: []].append(change)
        }
        var entries: [ProvisioningAuditEntry] = []
        for device in order {
            let group = byDevice[device] ?? []
            let outcomes = await write(group, to: device)
            let done = zip(group, outcomes).map { ProvisioningAuditEntry(plan: plan, at: now(), by: by, why: why, change: $0, result: $1) }
            try store.record(done)
            entries += done
        }
        return entries
    }

    /// The outcome of each of one device's changes: `applied`, `refused: …` (nothing written) or `failed: …`.
    private func write(_ changes: [ProvisioningChange], to id: String) async -> [String] {
        func every(_ outcome: String) -> [String] { Array(repeating: outcome, count: changes.count) }
        guard let device = inventory.devices.first(where: { $0.id == id }), let management = device.management else {
            return every("refused: not a device of the inventory with a management address")
        }
        guard let profileID = device.snmpWriteProfile, let profile = inventory.snmpProfiles.first(where: { $0.id == profileID }) else {
            return every("refused: no snmp_write_profile in the inventory")
        }
        let credentials: SNMPCredentials
        do { credentials = try profile.credentials() } catch { return every("refused: write profile \(profileID): \(error)") }
        let target = SNMPTarget(
            host: management.address.description, port: UInt16(management.port), credentials: credentials, timeout: timeout, retries: 1, name: id)
        let oids = changes.compactMap { OID(parsing: $0.object) }
        guard oids.count == changes.count else { return every("refused: an object of the plan is not a numeric OID") }
        do {
            let held = try await engine.get(target, oids)
            for (change, varbind) in zip(changes, held) where Self.text(varbind.value) != (change.current ?? "") {
                let now = Self.text(varbind.value).map { "\"\($0)\"" } ?? varbind.value.typeName
                return every("refused: \(change.object) holds \(now), not what the plan was made on; make a new plan")
            }
            _ = try await engine.set(target, zip(changes, oids).map { VarBind(oid: $1, value: .octetString(Array($0.new.utf8))) })
            let back = try await engine.get(target, oids)
            return zip(changes, back).map { change, varbind in
                Self.text(varbind.value) == change.new ? "applied" : "failed: read back \(Self.text(varbind.value) ?? varbind.value.typeName)"
            }
        } catch {
            return every((error.code == .refused ? "refused: " : "failed: ") + error.message)
        }
    }

    private static func text(_ value: SNMPValue) -> String? {
        if case .octetString(let bytes) = value { String(decoding: bytes, as: UTF8.self) } else { nil }
    }
}
