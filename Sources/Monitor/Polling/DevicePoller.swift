import Foundation
import Model
import SNMP

/// Everything one poll of one device read: its interfaces, and by role its access points or its load.
public struct DevicePoll: Sendable, Hashable {
    public var interfaces: InterfacePoll
    public var accessPoints: [AccessPointReading]?
    /// The wireless MIB the access points were read with.
    public var wirelessProfile: String?
    public var host: HostReading?
    /// A controller's associated clients, when its MIB lists them.
    public var stations: [StationReading]?
    /// Varbinds read in all.
    public var varbinds: Int
}

/// Polls one device for what its role calls for: every device its system group and IF-MIB; wireless
/// controllers (and APs that answer SNMP themselves) their access points; servers HOST-RESOURCES-MIB.
public struct DevicePoller: Sendable {
    public let interfaces: InterfacePoller
    public let wireless: WirelessPoller
    public let hosts: HostResourcesPoller

    public init(engine: SNMPEngine, now: @escaping @Sendable () -> Date = Date.init) {
        interfaces = InterfacePoller(engine: engine, now: now)
        wireless = WirelessPoller(engine: engine)
        hosts = HostResourcesPoller(engine: engine)
    }

    public func poll(_ device: PolledDevice) async throws(SNMPError) -> DevicePoll {
        let interfacePoll = try await interfaces.poll(device.target)
        var poll = DevicePoll(interfaces: interfacePoll, varbinds: interfacePoll.varbinds)
        switch device.role {
        case .wirelessController, .accessPoint:
            let profile = WirelessProfile.matching(vendor: device.vendor, sysObjectID: interfacePoll.system.objectID)
            var (readings, stations, varbinds) = try await wireless.poll(device.target, profile: profile)
            poll.stations = stations
            poll.varbinds += varbinds
            if device.role == .accessPoint, profile == .ieee80211 {
                // A standalone AP answering is an AP in service; it is named by its inventory id.
                readings = readings.map {
                    var r = $0
                    r.up = true
                    r.name = device.id
                    return r
                }
            }
            poll.accessPoints = readings
            poll.wirelessProfile = profile.id
        case .server:
            let (reading, varbinds) = try await hosts.poll(device.target)
            poll.host = reading
            poll.varbinds += varbinds
        case .coreSwitch, .accessSwitch, .router:
            break
        }
        return poll
    }
}
