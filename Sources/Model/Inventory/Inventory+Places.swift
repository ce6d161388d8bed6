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
