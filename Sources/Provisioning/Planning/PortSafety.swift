import Model

/// The ports a plan never shuts or moves, each refusal saying why (issue 15's safety list): a planned link's
/// interface, the switch's uplink (its spanning-tree root port), an interface that carries the device's own address
/// (its management traffic), and a port with more stations behind it than one station's worth (a downstream switch
/// or an access point). Devices outside the inventory are never surveyed, so never reach here.
public struct PortSafety: Sendable {
    /// Each planned link's ends, with the link's id.
    public let plannedEnds: [LinkEnd: String]
    public let maxStationsPerPort: Int

    public init(inventory: Inventory, maxStationsPerPort: Int) {
        var ends: [LinkEnd: String] = [:]
        for link in inventory.links {
            ends[link.a] = link.id
            ends[link.b] = link.id
        }
        plannedEnds = ends
        self.maxStationsPerPort = maxStationsPerPort
    }

    /// Why the interface `index` (named `name`) of `device` must not be shut or moved; nil when it may be.
    public func refusal(device: Device, index: UInt32, name: String, ports: SwitchPorts) -> String? {
        if let link = plannedEnds[LinkEnd(device: device.id, interface: name)] {
            return "an interface of planned link \(link): never shut or moved by a plan"
        }
        let bridgePort = ports.bridgePort(ofIfIndex: index)
        if let root = ports.rootBridgePort, bridgePort == root {
            return "the switch's uplink (spanning-tree root port \(root)): shutting it cuts the switch off"
        }
        if let address = ports.addressInterfaces.filter({ $0.value == index }).keys.sorted(by: { $0.bytes.lexicographicallyPrecedes($1.bytes) }).first
        {
            return address == device.management?.address
                ? "carries the device's management address \(address)" : "carries the device's own address \(address)"
        }
        if let port = bridgePort, let stations = ports.stationsBehindBridgePort[port], stations > maxStationsPerPort {
            return "\(stations) stations behind it (more than max_stations_per_port \(maxStationsPerPort)): a downstream switch or access point"
        }
        return nil
    }
}
