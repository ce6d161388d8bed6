import Foundation
import Yams

/// A YAML node together with its file, with typed accessors that log a located diagnostic
/// (and return `nil`) instead of throwing, so one pass reports every problem in a file.
struct YAMLValue {
    let node: Node
    let file: String
    let log: DiagnosticLog

    var location: SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// How the value looks, for "expected …, found …" messages.
    var shapeDescription: String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar(let scalar): isNull ? "nothing" : "`\(scalar.string)`"
        }
    }

    private var isNull: Bool {
        if case .scalar(let scalar) = node { return scalar.style == .plain && node.null != nil }
        return false
    }

    private func mismatch(_ field: String, expected: String, help: String? = nil) {
        log.error("`\(field)` must be \(expected), found \(shapeDescription)", at: location, help: help)
    }

    func string(_ field: String) -> String? {
        guard case .scalar(let scalar) = node, !isNull else {
            mismatch(field, expected: "text")
            return nil
        }
        return scalar.string
    }

    /// A non-empty identifier: letters, digits, `-`, `_` and `.` only, so it is safe in CLI arguments and file names.
    func identifier(_ field: String) -> String? {
        guard let text = string(field) else { return nil }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }) else {
            log.error(
                "`\(field)` `\(text)` is not a valid id", at: location,
                help: "use ASCII letters, digits, '-', '_' and '.', e.g. `xq-primary-01`")
            return nil
        }
        return text
    }

    func int(_ field: String, in range: ClosedRange<Int> = Int.min...Int.max) -> Int? {
        guard case .scalar(let scalar) = node, !isNull, let value = Int(scalar.string) else {
            mismatch(field, expected: "a whole number")
            return nil
        }
        guard range.contains(value) else {
            log.error("`\(field)` is \(value), outside \(range.lowerBound)…\(range.upperBound)", at: location)
            return nil
        }
        return value
    }

    func double(_ field: String, in range: ClosedRange<Double>) -> Double? {
        guard case .scalar(let scalar) = node, !isNull, let value = Double(scalar.string), value.isFinite else {
            mismatch(field, expected: "a number")
            return nil
        }
        guard range.contains(value) else {
            log.error("`\(field)` is \(Self.plain(value)), outside \(Self.plain(range.lowerBound))…\(Self.plain(range.upperBound))", at: location)
            return nil
        }
        return value
    }

    /// A number as it would be written in YAML: 30, not 30.0.
    private static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    func choice<E: RawRepresentable & CaseIterable>(_ field: String, of _: E.Type = E.self) -> E? where E.RawValue == String {
        guard let text = string(field) else { return nil }
        if let value = E(rawValue: text) { return value }
        let names = E.allCases.map(\.rawValue)
        let suggestion = Suggestion.closest(to: text, among: names)
        log.error(
            "`\(field)` has unknown value `\(text)`" + (suggestion.map { "; did you mean `\($0)`?" } ?? ""),
            at: location, help: "one of: " + names.joined(separator: ", "))
        return nil
    }

    /// A value written as text (a bandwidth, an address, a network); `help` says what a valid one looks like.
    func textual<T: TextualValue>(_ field: String, as name: String, help: String) -> T? {
        guard let text = string(field) else { return nil }
        guard let value = T(text) else {
            log.error("`\(field)` `\(text)` is not \(name)", at: location, help: help)
            return nil
        }
        return value
    }

    func bandwidth(_ field: String) -> Bandwidth? {
        textual(field, as: "a bandwidth", help: "write a rate such as `2.5G`, `10G` or `100M` (bits per second)")
    }

    func byteSize(_ field: String) -> ByteSize? {
        if case .scalar(let scalar) = node, let number = Double(scalar.string) {
            log.error(
                "`\(field)` `\(number == number.rounded() ? String(Int(number)) : String(number))` has no unit", at: location,
                help: "write a size with its unit, such as `64GiB`, `2TiB` or `500GB`")
            return nil
        }
        return textual(field, as: "a size", help: "write a size with its unit, such as `64GiB`, `2TiB` or `500GB`")
    }

    func ipAddress(_ field: String) -> IPAddress? {
        textual(field, as: "an IP address", help: "write an IPv4 or IPv6 address, e.g. `127.3.1.1`")
    }

    func mac(_ field: String) -> MACAddress? {
        guard let text = string(field) else { return nil }
        guard let mac = MACAddress(parsing: text) else {
            log.error("`\(field)` `\(text)` is not a MAC address", at: location, help: "write six hex pairs, e.g. `00:1a:2b:3c:4d:5e`")
            return nil
        }
        return mac
    }

    func ipNetwork(_ field: String) -> IPNetwork? {
        textual(field, as: "a network in CIDR form", help: "write the network address and prefix with host bits zero, e.g. `10.12.0.0/16`")
    }

    func list(_ field: String) -> [YAMLValue]? {
        guard case .sequence(let sequence) = node else {
            mismatch(field, expected: "a list")
            return nil
        }
        return sequence.map { YAMLValue(node: $0, file: file, log: log) }
    }

    /// A list where every element is read by `element`; elements that fail are dropped (their problem is logged).
    func list<T>(_ field: String, _ element: (YAMLValue) -> T?) -> [T]? {
        list(field)?.compactMap(element)
    }

    /// A mapping whose keys must come from `keys`; an unknown key is reported with the closest known one.
    func mapping(_ what: String, keys: [String], required: [String] = []) -> YAMLMapping? {
        guard case .mapping(let mapping) = node else {
            mismatch(what, expected: "a mapping")
            return nil
        }
        var entries: [String: YAMLValue] = [:]
        var keyLocations: [String: SourceLocation] = [:]
        for (keyNode, valueNode) in mapping {
            let key = YAMLValue(node: keyNode, file: file, log: log)
            guard case .scalar(let scalar) = keyNode else {
                log.error("keys of \(what) must be plain names", at: key.location)
                continue
            }
            guard keys.contains(scalar.string) else {
                let suggestion = Suggestion.closest(to: scalar.string, among: keys)
                log.error(
                    "unknown key `\(scalar.string)` in \(what)" + (suggestion.map { "; did you mean `\($0)`?" } ?? ""),
                    at: key.location, help: "allowed keys: " + keys.joined(separator: ", "))
                continue
            }
            entries[scalar.string] = YAMLValue(node: valueNode, file: file, log: log)
            keyLocations[scalar.string] = key.location
        }
        for key in required where entries[key] == nil {
            log.error("\(what) is missing required key `\(key)`", at: location)
        }
        return YAMLMapping(value: self, entries: entries)
    }

    /// A secret must be a reference: `{env: NAME}` or `{file: PATH}`. A plain value is refused as an inline secret.
    func secret(_ field: String) -> SecretReference? {
        if case .scalar = node, !isNull {
            log.error(
                "`\(field)` holds a secret inline; secrets must never be written in YAML", at: location,
                help:
                    "keep it in an environment variable or a file and write `\(field): {env: EDUNET_\(field.uppercased().replacingOccurrences(of: "-", with: "_"))}` or `\(field): {file: /etc/edunet/secrets/\(field)}`"
            )
            return nil
        }
        guard let map = mapping("`\(field)`", keys: ["env", "file"]) else { return nil }
        switch (map["env"], map["file"]) {
        case (let env?, nil): return env.string("env").map(SecretReference.environment)
        case (nil, let file?): return file.string("file").map(SecretReference.file)
        default:
            log.error(
                "`\(field)` must name exactly one of `env` or `file`", at: location,
                help: "e.g. `\(field): {env: EDUNET_SNMP_COMMUNITY}`")
            return nil
        }
    }
}

/// A YAML mapping whose keys were checked against the allowed set.
struct YAMLMapping {
    let value: YAMLValue
    let entries: [String: YAMLValue]

    subscript(key: String) -> YAMLValue? { entries[key] }
    var location: SourceLocation { value.location }
}
