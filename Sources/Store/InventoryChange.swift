import Foundation

/// What applying an inventory adds, changes and removes, entity by entity; empty when nothing differs.
public struct InventoryChange: Sendable, Hashable, Codable {
    /// One entity that differs between the stored revision and the new inventory.
    public struct Entry: Sendable, Hashable, Codable {
        public enum Action: String, Sendable, Codable { case added, changed, removed }
        public var action: Action
        public var kind: EntityKind
        public var id: String
        public var label: String
        /// For `changed`: the top-level fields whose values differ, with old and new values as JSON text.
        public var fields: [FieldChange]
    }

    /// A field whose value differs.
    public struct FieldChange: Sendable, Hashable, Codable {
        public var name: String
        public var old: String
        public var new: String
    }

    public var entries: [Entry]

    public var isEmpty: Bool { entries.isEmpty }
    public func count(_ action: Entry.Action) -> Int { entries.filter { $0.action == action }.count }

    /// Compares stored records with new ones, kind by kind, keeping the new inventory's order.
    static func between(old: [EntityKind: [EntityRecord]], new: [EntityKind: [EntityRecord]]) -> InventoryChange {
        var entries: [Entry] = []
        for kind in EntityKind.allCases {
            let before = Dictionary((old[kind] ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let after = new[kind] ?? []
            let afterIDs = Set(after.map(\.id))
            for record in after {
                guard let previous = before[record.id] else {
                    entries.append(Entry(action: .added, kind: kind, id: record.id, label: record.label, fields: []))
                    continue
                }
                if previous.json != record.json {
                    entries.append(
                        Entry(
                            action: .changed, kind: kind, id: record.id, label: record.label,
                            fields: fieldChanges(previous.json, record.json)))
                }
            }
            for record in old[kind] ?? [] where !afterIDs.contains(record.id) {
                entries.append(Entry(action: .removed, kind: kind, id: record.id, label: record.label, fields: []))
            }
        }
        return InventoryChange(entries: entries)
    }

    private static func fieldChanges(_ old: Data, _ new: Data) -> [FieldChange] {
        let before = (try? JSONSerialization.jsonObject(with: old)) as? [String: Any] ?? [:]
        let after = (try? JSONSerialization.jsonObject(with: new)) as? [String: Any] ?? [:]
        return Set(before.keys).union(after.keys).sorted().compactMap { key in
            let old = render(before[key])
            let new = render(after[key])
            return old == new ? nil : FieldChange(name: key, old: old, new: new)
        }
    }

    private static func render(_ value: Any?) -> String {
        guard let value else { return "—" }
        if let text = value as? String { return text }
        guard JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        else {
            return "\(value)"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
