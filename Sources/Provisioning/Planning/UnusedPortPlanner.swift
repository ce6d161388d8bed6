import Foundation
import Model

/// The unused-ports plan (`--kind unused-ports`): on the devices of the posture policy's roles, each port that is
/// admin-up and has been operationally down for `unused_port_days` (the compliance rule `unused-ports`) shut
/// (ifAdminStatus down), applied only if it is still down then. The candidates come from the stored polls; the ports
/// are then checked against the switch's own tables (`SwitchPorts`), read live, so that an uplink or a management
/// interface is never shut.
public enum UnusedPortPlanner {
    /// The devices with unused ports, each with those ports (admin-up, down since before the cutoff), by device.
    public static func candidates(
        inventory: Inventory, interfaces: [String: [String: InterfaceStatus]], downSince: [String: [String: Date]], posture: PosturePolicy,
        now: Date, includes: (Device) -> Bool = { _ in true }
    ) -> [(device: Device, ports: [InterfaceStatus])] {
        let roles = Set(posture.unusedPortRoles)
        let cutoff = now.addingTimeInterval(-posture.unusedPortDays * 86_400)
        return inventory.devices.filter { roles.contains($0.role) && includes($0) }.sorted { $0.id < $1.id }.compactMap { device in
            let since = downSince[device.id] ?? [:]
            let ports = (interfaces[device.id] ?? [:]).values.filter { port in
                port.adminUp == true && !port.operUp && (since[port.name].map { $0 <= cutoff } ?? false)
            }.sorted { $0.index < $1.index }
            return ports.isEmpty ? nil : (device, ports)
        }
    }

    /// The changes for the candidates, given each device's tables (or why they could not be read).
    public static func plan(
        candidates: [(device: Device, ports: [InterfaceStatus])], tables: [String: Result<SwitchPorts, SurveyFailure>], safety: PortSafety
    ) -> (changes: [ProvisioningChange], refusals: [ProvisioningRefusal]) {
        var changes: [ProvisioningChange] = []
        var refusals: [ProvisioningRefusal] = []
        for (device, ports) in candidates {
            func refuse(_ port: InterfaceStatus, _ reason: String) {
                refusals.append(ProvisioningRefusal(device: device.id, interface: port.name, reason: reason))
            }
            guard device.snmpWriteProfile != nil else {
                for port in ports { refuse(port, "no snmp_write_profile in the inventory: the device is never written to") }
                continue
            }
            let switchPorts: SwitchPorts
            switch tables[device.id] {
            case .success(let read)?: switchPorts = read
            case .failure(let failure)?:
                for port in ports { refuse(port, "its bridge and address tables could not be read: \(failure.reason)") }
                continue
            case nil:
                for port in ports { refuse(port, "its bridge and address tables were not read") }
                continue
            }
            for port in ports {
                if let reason = safety.refusal(device: device, index: port.index, name: port.name, ports: switchPorts) {
                    refuse(port, reason)
                    continue
                }
                changes.append(
                    ProvisioningChange(
                        device: device.id, interface: port.name, object: "\(SwitchPorts.ifAdminStatus).\(port.index)", current: "1", new: "2",
                        syntax: .integer,
                        condition: ProvisioningCondition(
                            object: "\(SwitchPorts.ifOperStatus).\(port.index)", value: "2", meaning: "the port is still operationally down")))
            }
        }
        return (changes, refusals)
    }
}

/// Why a device's tables could not be read for a plan (the SNMP error's message).
public struct SurveyFailure: Error, Sendable, Hashable {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }
}
