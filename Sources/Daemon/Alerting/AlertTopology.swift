import Model

/// The city network as alerts need it: how to label an alert about a device or a link (county, school, names),
/// which alerts are its parents (the upstream device and uplinks whose failure explains it), and which device a trap
/// came from. Built once per configuration.
public struct AlertTopology: Sendable {
    public let inventory: Inventory
    private let devices: [String: Device]
    private let countyOfDevice: [String: String]
    private let deviceByAddress: [String: String]
    /// Planned links whose downstream end is the device, by device.
    private let uplinks: [String: [Link]]
    /// The uplinks of each place (a school or a backbone node): planned links whose downstream device is there.
    private let placeUplinks: [String: [Link]]

    public init(inventory: Inventory) {
        self.inventory = inventory
        devices = Dictionary(inventory.devices.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        countyOfDevice = inventory.countyOfDevice
        deviceByAddress = Dictionary(
            inventory.devices.compactMap { d in d.management.map { ("\($0.address)", d.id) } }, uniquingKeysWith: { a, _ in a })
        uplinks = Dictionary(grouping: inventory.links.filter { $0.tier != .campusBackbone }, by: \.b.device)
        var byPlace: [String: [Link]] = [:]
        for link in inventory.links where link.tier != .campusBackbone {
            if let place = devices[link.b.device].flatMap(Self.place) { byPlace[place, default: []].append(link) }
        }
        placeUplinks = byPlace
    }

    private static func place(_ device: Device) -> String? { device.school.map { "school:" + $0 } ?? device.node.map { "node:" + $0 } }

    public func device(_ id: String) -> Device? { devices[id] }

    /// The inventory device whose management address sent a trap.
    public func device(atAddress address: String) -> Device? { deviceByAddress[address].flatMap { devices[$0] } }

    public func countyName(_ id: String?) -> BilingualText? {
        guard let id, let county = inventory.counties.first(where: { $0.id == id }) else { return nil }
        return BilingualText(zh: county.name, en: county.nameEN)
    }

    /// county, school and device labels of a device.
    public func labels(device id: String) -> [String: String] {
        var labels = ["device": id]
        if let county = countyOfDevice[id] { labels["county"] = county }
        if let school = devices[id]?.school { labels["school"] = school }
        if let role = devices[id]?.role { labels["role"] = role.rawValue }
        return labels
    }

    /// county, school (of the downstream end), link and tier labels of a link.
    public func labels(link: Link) -> [String: String] {
        var labels = ["link": link.id, "tier": link.tier.rawValue, "device": link.b.device]
        if let county = countyOfDevice[link.b.device] ?? countyOfDevice[link.a.device] { labels["county"] = county }
        if let school = devices[link.b.device]?.school { labels["school"] = school }
        return labels
    }

    /// The links that carry a device's traffic upstream: its own planned uplinks, or, for a device with none of its
    /// own (an access switch in a school, a wireless controller at a county node), those of its place.
    public func upstreamLinks(of device: String) -> [Link] {
        if let own = uplinks[device], !own.isEmpty { return own }
        guard let place = devices[device].flatMap(Self.place) else { return [] }
        return (placeUplinks[place] ?? []).filter { $0.b.device != device }
    }

    /// The alerts that explain a device being unreachable: its upstream links down, the devices at their far end
    /// unreachable, and (for a device behind its school's core) that core unreachable.
    public func parents(ofDevice device: String) -> [String] {
        var parents: [String] = []
        for link in upstreamLinks(of: device) {
            parents.append(AlertFingerprint.of(rule: "link_down", subject: link.id))
            parents.append(AlertFingerprint.of(rule: "device_unreachable", subject: link.a.device))
            if link.b.device != device { parents.append(AlertFingerprint.of(rule: "device_unreachable", subject: link.b.device)) }
        }
        return parents
    }

    /// A link's state is read from its ends: when the upstream end cannot be reached, that explains the link.
    public func parents(ofLink link: Link) -> [String] {
        [AlertFingerprint.of(rule: "device_unreachable", subject: link.a.device)] + parents(ofDevice: link.a.device)
    }

    /// The other uplinks of a link's downstream place (its school or node): a redundant twin.
    public func twins(of link: Link) -> [Link] {
        let candidates = devices[link.b.device].flatMap(Self.place).flatMap { placeUplinks[$0] } ?? uplinks[link.b.device] ?? []
        return candidates.filter { $0.id != link.id }
    }

    public func deviceName(_ id: String) -> String { devices[id].map { $0.name == $0.id ? $0.id : "\($0.name)（\($0.id)）" } ?? id }
}
