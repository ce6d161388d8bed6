/// Every id defined in the inventory and policies, and every place one is referred to, so that
/// duplicates and dangling references are found after all files are read, whatever their order.
struct ReferenceTable {
    enum Kind: String {
        case county
        case node = "network node"
        case link, school, device
        case snmpProfile = "SNMP profile"
        case site = "cloud site"
        case host = "cloud host"
        case service = "cloud service"
        case storagePool = "storage pool"
        case platform = "cloud platform"
        case tier = "bandwidth tier"
        case receiver = "alert receiver"
    }

    private struct Reference {
        let kind: Kind
        let id: String
        let location: SourceLocation
        let context: String
        let roles: Set<DeviceRole>
    }

    private var definitions: [Kind: [String: SourceLocation]] = [:]
    private var deviceRoles: [String: DeviceRole] = [:]
    private var references: [Reference] = []

    /// Records a definition; a second one with the same id is reported against the first.
    mutating func define(_ kind: Kind, _ id: String, at location: SourceLocation, log: DiagnosticLog) {
        if let first = definitions[kind]?[id] {
            log.error(
                "duplicate \(kind.rawValue) id `\(id)`; first defined at \(first)", at: location,
                help: "give each \(kind.rawValue) its own id, or remove the copy")
            return
        }
        definitions[kind, default: [:]][id] = location
    }

    mutating func defineDevice(_ id: String, role: DeviceRole, at location: SourceLocation, log: DiagnosticLog) {
        define(.device, id, at: location, log: log)
        if deviceRoles[id] == nil { deviceRoles[id] = role }
    }

    /// Records that `context` at `location` refers to `id`; a device reference may require certain roles.
    mutating func refer(to kind: Kind, _ id: String, at location: SourceLocation, context: String, roles: Set<DeviceRole> = []) {
        references.append(Reference(kind: kind, id: id, location: location, context: context, roles: roles))
    }

    func isDefined(_ kind: Kind, _ id: String) -> Bool { definitions[kind]?[id] != nil }

    /// Reports each reference to an id that was never defined, with the closest defined id.
    func resolve(log: DiagnosticLog) {
        for reference in references {
            let known = definitions[reference.kind] ?? [:]
            guard known[reference.id] != nil else {
                let suggestion = Suggestion.closest(to: reference.id, among: known.keys.sorted())
                log.error(
                    "\(reference.context) refers to unknown \(reference.kind.rawValue) `\(reference.id)`"
                        + (suggestion.map { "; did you mean `\($0)`?" } ?? ""),
                    at: reference.location, help: "define the \(reference.kind.rawValue) or correct the id")
                continue
            }
            if !reference.roles.isEmpty, let role = deviceRoles[reference.id], !reference.roles.contains(role) {
                let wanted = reference.roles.map(\.rawValue).sorted().joined(separator: " or ")
                log.error(
                    "\(reference.context) must be a device of role \(wanted), but `\(reference.id)` is a \(role.rawValue)",
                    at: reference.location, help: "point it at a \(wanted) or correct the device's role")
            }
        }
    }
}
