import Model
import SNMP

/// Reads `SwitchPorts` from inventory devices with their polling (read) profile, several at a time.
public struct PortSurveyor: Sendable {
    public let engine: SNMPEngine
    public let inventory: Inventory
    public var timeout: Duration = .seconds(2)
    public var devicesInFlight = 16

    public init(engine: SNMPEngine, inventory: Inventory) {
        self.engine = engine
        self.inventory = inventory
    }

    /// Each device's tables, or why they could not be read, by device id.
    public func survey(_ devices: [Device]) async -> [String: Result<SwitchPorts, SurveyFailure>] {
        var results: [String: Result<SwitchPorts, SurveyFailure>] = [:]
        await withTaskGroup(of: (String, Result<SwitchPorts, SurveyFailure>).self) { group in
            var pending = devices[...]
            func next() {
                guard let device = pending.popFirst() else { return }
                group.addTask { (device.id, await survey(device)) }
            }
            for _ in 0..<devicesInFlight { next() }
            while let (id, result) = await group.next() {
                results[id] = result
                next()
            }
        }
        return results
    }

    private func survey(_ device: Device) async -> Result<SwitchPorts, SurveyFailure> {
        let target: SNMPTarget
        switch DeviceTarget.make(device, profile: device.snmpProfile, in: inventory, timeout: timeout) {
        case .success(let made): target = made
        case .failure(let failure): return .failure(failure)
        }
        do {
            return .success(try await SwitchPorts.read(from: target, engine: engine))
        } catch {
            return .failure(SurveyFailure(error.message))
        }
    }
}

/// How a plan reaches an inventory device: its management address with the named profile's credentials.
enum DeviceTarget {
    static func make(_ device: Device, profile id: String?, in inventory: Inventory, timeout: Duration) -> Result<SNMPTarget, SurveyFailure> {
        guard let management = device.management else { return .failure(SurveyFailure("no management address in the inventory")) }
        guard let id, let profile = inventory.snmpProfiles.first(where: { $0.id == id }) else {
            return .failure(SurveyFailure("no SNMP profile \(id ?? "named") in the inventory"))
        }
        do {
            return .success(
                SNMPTarget(
                    host: management.address.description, port: UInt16(management.port), credentials: try profile.credentials(), timeout: timeout,
                    retries: 1, name: device.id))
        } catch {
            return .failure(SurveyFailure("SNMP profile \(id): \(error)"))
        }
    }
}
