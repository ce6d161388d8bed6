import Foundation
import Model

/// The repository's own directories, found from this file so tests do not depend on the working directory.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let inventory = root.appendingPathComponent("inventory").path
    static let policies = root.appendingPathComponent("policies").path
}

/// A throw-away inventory: a small valid base plus the files a test adds, in a fresh temporary directory.
struct InventoryFixture {
    let directory: String
    var inventory: String { directory + "/inventory" }
    var policies: String { directory + "/policies" }

    static let base = """
        counties:
          - {id: xingqing, name: 兴庆区, name_en: Xingqing District}
          - {id: jinfeng, name: 金凤区, name_en: Jinfeng District}
          - {id: xixia, name: 西夏区, name_en: Xixia District}
          - {id: yongning, name: 永宁县, name_en: Yongning County}
          - {id: helan, name: 贺兰县, name_en: Helan County}
          - {id: lingwu, name: 灵武市, name_en: Lingwu City}
        snmp_profiles:
          - id: v2
            version: v2c
            community: {env: EDUNET_SNMP_COMMUNITY}
        nodes:
          - {id: agg-xingqing, name: 兴庆区汇聚节点, kind: county-aggregation, county: xingqing}
        devices:
          - {id: agg-sw, name: 汇聚交换机, role: core-switch, node: agg-xingqing, management: {address: 127.2.1.1}, snmp_profile: v2}
        schools:
          - id: xq-01
            name: 兴庆区第一小学
            name_en: Xingqing No. 1 Primary School
            county: xingqing
            kind: primary
            students: 1200
            teachers: 80
            subnets: [10.21.0.0/20]
        """

    /// `files` maps a path below the inventory directory to its YAML text.
    init(_ files: [String: String] = [:], base: String? = InventoryFixture.base) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-\(UUID().uuidString)").path
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory + "/inventory", withIntermediateDirectories: true)
        try fm.copyItem(atPath: Repository.policies, toPath: directory + "/policies")
        var all = files
        if let base { all["base.yaml"] = base }
        for (name, text) in all {
            let path = directory + "/inventory/" + name
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    func writePolicy(_ name: String, _ text: String) throws {
        try text.write(toFile: policies + "/" + name, atomically: true, encoding: .utf8)
    }

    func load() throws(ModelError) -> CityConfiguration {
        try ConfigurationLoader.load(inventoryDirectory: inventory, policiesDirectory: policies)
    }

    /// The diagnostics loading produces; empty when the fixture is valid.
    func diagnostics() -> [Diagnostic] {
        do {
            _ = try load()
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// `file:line:column` of a file below the inventory directory, as diagnostics print it.
    func at(_ file: String, _ line: Int, _ column: Int) -> Model.SourceLocation {
        Model.SourceLocation(file: inventory + "/" + file, line: line, column: column)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
