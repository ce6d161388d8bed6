import Foundation
import Model
import Store

/// The inventory's access points joined with what their controllers reported: an AP is matched by its
/// inventory id or name against the name the controller knows it by (case aside). An AP the controller does
/// not report is listed as such, never as up.
public struct AccessPointRegister: Sendable, Encodable {
    /// One inventory AP and its latest state.
    public struct Entry: Sendable, Encodable {
        public var id: String
        public var school: String?
        public var areas: [String]
        public var controller: String?
        public var reading: AccessPointReading?
        public var seenAt: Date?
        /// Polls in the window that found it up, over polls that reported its state.
        public var upShare: Double?

        /// `up`, `down`, `unknown` (the MIB has no state) or `not reported` by the controller.
        public var state: String {
            guard let reading else { return "not reported" }
            return switch reading.up {
            case true?: "up"
            case false?: "down"
            case nil: "unknown"
            }
        }

        enum CodingKeys: String, CodingKey { case id, school, areas, controller, state, reading, seenAt, upShare }

        /// The stored fields and the state they give, so that a reader need not work it out.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(school, forKey: .school)
            try c.encode(areas, forKey: .areas)
            try c.encode(controller, forKey: .controller)
            try c.encode(state, forKey: .state)
            try c.encode(reading, forKey: .reading)
            try c.encode(seenAt, forKey: .seenAt)
            try c.encode(upShare, forKey: .upShare)
        }
    }

    public var entries: [Entry]
    /// APs the controllers report that the inventory does not have, by controller.
    public var unplanned: [String: Int]

    public init(inventory: Inventory, statuses: [AccessPointStatus]) {
        var byName: [String: AccessPointStatus] = [:]
        for status in statuses { byName[status.reading.name.lowercased()] = status }
        var matched = Set<String>()
        let areasOfAP = inventory.schools.reduce(into: [String: [String]]()) { result, school in
            for area in school.areas { for ap in area.accessPoints { result[ap, default: []].append("\(area.kind.rawValue):\(area.name)") } }
        }
        entries = inventory.devices.filter { $0.role == .accessPoint }.map { device in
            let status = byName[device.id.lowercased()] ?? byName[device.name.lowercased()]
            if let status { matched.insert(status.reading.name.lowercased()) }
            return Entry(
                id: device.id, school: device.school, areas: areasOfAP[device.id] ?? [], controller: device.controller ?? status?.controller,
                reading: status?.reading, seenAt: status?.seenAt,
                upShare: status.flatMap { $0.stateSamples > 0 ? Double($0.upSamples) / Double($0.stateSamples) : nil })
        }
        unplanned = statuses.filter { !matched.contains($0.reading.name.lowercased()) }.reduce(into: [:]) { $0[$1.controller, default: 0] += 1 }
    }
}
