import Model

/// What a finding's subject is called in a report: a school by its name (灵武市职业学校), a link by the places it
/// joins, an area by its school and kind, a node by its name, a device by its place and id; the id stays in JSON and CSV, and under the name.
struct SubjectNames: Sendable {
    private var names: [String: BilingualText] = [:]

    init(inventory: Inventory) {
        let schools = Dictionary(inventory.schools.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let nodes = Dictionary(inventory.nodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let devices = Dictionary(inventory.devices.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func place(_ device: String) -> BilingualText {
            if let school = devices[device]?.school.flatMap({ schools[$0] }) { return BilingualText(zh: school.name, en: school.nameEN) }
            if let node = devices[device]?.node.flatMap({ nodes[$0] }) { return BilingualText(zh: node.name, en: node.id) }
            return BilingualText(zh: device, en: device)
        }
        for school in inventory.schools {
            names[school.id] = BilingualText(zh: school.name, en: school.nameEN)
            for kind in AreaKind.allCases {
                names["\(school.id):\(kind.rawValue)"] = BilingualText(
                    zh: "\(school.name) \(kind.chinese)", en: "\(school.nameEN), \(kind.rawValue) areas")
            }
        }
        for node in inventory.nodes { names[node.id] = BilingualText(zh: node.name, en: node.id) }
        for device in inventory.devices {
            let at = place(device.id)
            names[device.id] = at.zh == device.id ? at : BilingualText(zh: "\(at.zh) \(device.id)", en: "\(at.en) \(device.id)")
        }
        for link in inventory.links {
            let (down, up) = (place(link.b.device), place(link.a.device))
            names[link.id] =
                down == up
                ? BilingualText(zh: "\(down.zh) 校园主干", en: "\(down.en) campus backbone")
                : BilingualText(zh: "\(down.zh) ← \(up.zh)", en: "\(down.en) ← \(up.en)")
        }
    }

    /// The finding's subject by name, with its direction: `灵武市职业学校 ← 灵武市汇聚 ↓`.
    func label(_ finding: Finding, english: Bool) -> String {
        let name = names[finding.subject.id].map { $0.text(english: english) } ?? finding.subject.id
        return finding.direction.map { "\(name) \($0 == "downstream" ? "↓" : "↑")" } ?? name
    }

}
