import Foundation

/// A validated inventory with the policies it was checked against: what the rest of EduNet works from.
public struct CityConfiguration: Sendable, Hashable {
    public var inventory: Inventory
    public var policies: PolicySet

    public init(inventory: Inventory, policies: PolicySet) {
        self.inventory = inventory
        self.policies = policies
    }
}

/// Loads and validates `inventory/` and `policies/` together, reporting every problem in both at once.
public enum ConfigurationLoader {
    /// The files every policies directory holds.
    public static let policyFiles = PolicyParser.files

    /// Reads both directories; throws a `ModelError` listing every diagnostic, in file order, if anything is wrong.
    public static func load(inventoryDirectory: String, policiesDirectory: String) throws(ModelError) -> CityConfiguration {
        let log = DiagnosticLog()
        var inventoryParser = InventoryParser(log: log)
        if let files = YAMLDocumentReader.files(in: inventoryDirectory), !files.isEmpty {
            for file in files {
                if let root = YAMLDocumentReader.read(path: file.path, displayPath: file.displayPath, log: log) {
                    inventoryParser.parseFile(root)
                }
            }
        } else {
            log.error(
                "no inventory found: `\(inventoryDirectory)` is not a directory holding .yaml files", at: nil,
                help: "pass the inventory directory with `--inventory DIR`")
        }
        var policyParser = PolicyParser(log: log, references: inventoryParser.references)
        let policies = loadPolicies(from: policiesDirectory, parser: &policyParser, log: log)
        policyParser.references.resolve(log: log)
        InventoryChecks(log: log).run(inventoryParser, policies: policies)
        let diagnostics = log.diagnostics.sortedByLocation()
        guard diagnostics.isEmpty, let policies else {
            let inInventory = diagnostics.contains { $0.location?.file.hasPrefix(inventoryDirectory) ?? true }
            throw ModelError(code: inInventory ? .invalidInventory : .invalidPolicies, diagnostics: diagnostics)
        }
        return CityConfiguration(inventory: inventoryParser.inventory, policies: policies)
    }

    private static func loadPolicies(from directory: String, parser: inout PolicyParser, log: DiagnosticLog) -> PolicySet? {
        func root(_ name: String) -> YAMLValue? {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            let display = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            guard FileManager.default.fileExists(atPath: path) else {
                log.error(
                    "missing policy file `\(display)`", at: nil, help: "every policy directory needs " + PolicyParser.files.joined(separator: ", "))
                return nil
            }
            return YAMLDocumentReader.read(path: path, displayPath: display, log: log)
        }
        let bandwidth = root("bandwidth-tiers.yaml").flatMap { parser.bandwidth($0) }
        let fleet = root("fleet.yaml").flatMap { parser.fleet($0) }
        let security = root("security.yaml").flatMap { parser.security($0) }
        let alerting = root("alerting.yaml").flatMap { parser.alerting($0) }
        let pool = root("pool.yaml").flatMap { parser.pool($0) }
        guard let bandwidth, let fleet, let security, let alerting, let pool else { return nil }
        return PolicySet(bandwidth: bandwidth, fleet: fleet, security: security, alerting: alerting, pool: pool)
    }
}

/// The checks that compare entities with each other once every file has been read.
private struct InventoryChecks {
    let log: DiagnosticLog

    func run(_ parsed: InventoryParser, policies: PolicySet?) {
        duplicateManagementAddresses(parsed.managementLocations)
        overlappingSubnets(parsed.subnetLocations)
        reusedInterfaces(parsed.interfaceLocations)
        if let policies {
            for (kind, school, location) in parsed.schoolKindLocations where policies.bandwidth.tier(for: kind) == nil {
                log.error(
                    "school `\(school)` is a `\(kind.rawValue)`, a kind no bandwidth tier covers", at: location,
                    help: "add `\(kind.rawValue)` to the `school_kinds` of a tier in bandwidth-tiers.yaml")
            }
        }
    }

    private func duplicateManagementAddresses(_ entries: [(ManagementAddress, device: String, SourceLocation)]) {
        var seen: [ManagementAddress: (String, SourceLocation)] = [:]
        for (address, device, location) in entries {
            if let (first, firstAt) = seen[address] {
                log.error(
                    "management address \(address) of `\(device)` is already used by `\(first)` at \(firstAt)", at: location,
                    help: "each device answers SNMP at its own address and port")
            } else {
                seen[address] = (device, location)
            }
        }
    }

    private func overlappingSubnets(_ entries: [(IPNetwork, school: String, SourceLocation)]) {
        for (index, entry) in entries.enumerated() {
            for earlier in entries[..<index] where earlier.0.overlaps(entry.0) {
                let whose = earlier.school == entry.school ? "the same school's" : "school `\(earlier.school)`'s"
                log.error(
                    "subnet \(entry.0) of school `\(entry.school)` overlaps \(whose) \(earlier.0) at \(earlier.2)",
                    at: entry.2, help: "give each school network its own address range")
                break
            }
        }
    }

    private func reusedInterfaces(_ entries: [(LinkEnd, link: String, SourceLocation)]) {
        var seen: [LinkEnd: (String, SourceLocation)] = [:]
        for (end, link, location) in entries {
            if let (first, firstAt) = seen[end] {
                log.error(
                    "interface `\(end.interface)` of `\(end.device)` is used by link `\(link)` and by link `\(first)` at \(firstAt)",
                    at: location, help: "an interface carries one planned link; correct the interface name")
            } else {
                seen[end] = (link, location)
            }
        }
    }
}

extension CityConfiguration {
    /// The interfaces whose rates are kept at poll resolution (`fleet.yaml` `full_resolution`): both ends of every
    /// planned link; nil when every interface is.
    public var fullResolutionInterfaces: Set<LinkEnd>? {
        switch policies.fleet.fullResolution {
        case .all: nil
        case .plannedLinks: Set(inventory.links.flatMap { [$0.a, $0.b] })
        }
    }
}
