extension Inventory {
    /// Each device's county, through its school or its backbone node.
    public var countyOfDevice: [String: String] {
        let schoolCounty = Dictionary(schools.map { ($0.id, $0.county) }, uniquingKeysWith: { a, _ in a })
        let nodeCounty = Dictionary(nodes.compactMap { node in node.county.map { (node.id, $0) } }, uniquingKeysWith: { a, _ in a })
        return Dictionary(
            devices.compactMap { device in
                (device.school.flatMap { schoolCounty[$0] } ?? device.node.flatMap { nodeCounty[$0] }).map { (device.id, $0) }
            }, uniquingKeysWith: { a, _ in a })
    }
}

/// Where an access point is: its inventory id, school and the areas it serves.
public struct AccessPointPlace: Sendable, Hashable, Codable {
    public var accessPoint: String
    public var school: String?
    public var areas: [String]
}

extension Inventory {
    /// The inventory's access points by the name a controller reports for them: the AP's id or name, lower-cased
    /// (the same matching as the AP register).
    public var accessPointPlaces: [String: AccessPointPlace] {
        var areas: [String: [String]] = [:]
        for school in schools {
            for area in school.areas { for ap in area.accessPoints { areas[ap, default: []].append(area.name) } }
        }
        var result: [String: AccessPointPlace] = [:]
        for device in devices where device.role == .accessPoint {
            let place = AccessPointPlace(accessPoint: device.id, school: device.school, areas: areas[device.id] ?? [])
            result[device.name.lowercased()] = place
            result[device.id.lowercased()] = place
        }
        return result
    }
}
