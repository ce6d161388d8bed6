import Model
import SNMP

/// A device the daemon polls: its inventory id and how to reach it.
public struct PolledDevice: Sendable, Hashable {
    public var id: String
    public var target: SNMPTarget
    /// The device's own poll interval, when the inventory sets one.
    public var interval: Duration?
    /// Decides what is asked beyond IF-MIB: access points of a controller, load of a server.
    public var role: DeviceRole
    /// The inventory's vendor, which picks the wireless MIB of a controller.
    public var vendor: String?

    public init(id: String, target: SNMPTarget, interval: Duration? = nil, role: DeviceRole = .accessSwitch, vendor: String? = nil) {
        self.id = id
        self.target = target
        self.interval = interval
        self.role = role
        self.vendor = vendor
    }

    /// A device that cannot be polled, and why.
    public struct Problem: Sendable, Hashable {
        public var device: String
        public var reason: String
    }

    /// The inventory's devices that answer SNMP themselves (access points are read through their controller),
    /// credentials resolved now; a device whose profile or secret cannot be used is a problem, not a poll.
    /// Each device's interval: its own, else the policy's for its role, else the daemon's (nil here).
    public static func all(
        in inventory: Inventory, timeout: Duration, retries: Int,
        roleIntervals: [DeviceRole: Double] = [:]
    ) -> (devices: [PolledDevice], problems: [Problem]) {
        let profiles = Dictionary(inventory.snmpProfiles.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var devices: [PolledDevice] = []
        var problems: [Problem] = []
        for device in inventory.devices {
            guard let management = device.management, let profileID = device.snmpProfile else { continue }
            guard let profile = profiles[profileID] else {
                problems.append(Problem(device: device.id, reason: "no SNMP profile \(profileID)"))
                continue
            }
            do {
                let target = SNMPTarget(
                    host: management.address.description, port: UInt16(management.port),
                    credentials: try profile.credentials(), timeout: timeout, retries: retries, name: device.id)
                devices.append(
                    PolledDevice(
                        id: device.id, target: target,
                        interval: (device.pollIntervalSeconds ?? roleIntervals[device.role]).map { .milliseconds(Int($0 * 1000)) },
                        role: device.role, vendor: device.vendor))
            } catch {
                problems.append(Problem(device: device.id, reason: "SNMP profile \(profileID): \(error)"))
            }
        }
        return (devices, problems)
    }
}
