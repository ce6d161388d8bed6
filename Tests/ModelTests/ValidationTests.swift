import Foundation
import Testing

@testable import Model

@Suite("Inventory validation reports every problem with its file, line and column")
struct ValidationTests {
    /// Loads a fixture with `file` added as `case.yaml` and returns its diagnostics.
    private func problems(_ file: String, base: String? = InventoryFixture.base) throws -> (InventoryFixture, [Diagnostic]) {
        let fixture = try InventoryFixture(["case.yaml": file], base: base)
        return (fixture, fixture.diagnostics())
    }

    @Test func baseFixtureIsValid() throws {
        let fixture = try InventoryFixture()
        defer { fixture.remove() }
        let configuration = try fixture.load()
        #expect(configuration.inventory.schools.map(\.id) == ["xq-01"])
        #expect(configuration.inventory.devices.first?.management?.port == 161)
    }

    @Test func yamlSyntaxError() throws {
        let (fixture, diagnostics) = try problems(
            """
            schools:
              - id: xq-02
                name: [unclosed
            """)
        defer { fixture.remove() }
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].message.hasPrefix("YAML syntax"))
        #expect(diagnostics[0].location?.file == fixture.inventory + "/case.yaml")
        #expect(diagnostics[0].location?.line == 4)
    }

    @Test func unknownKeySuggestsTheClosest() throws {
        let (fixture, diagnostics) = try problems(
            """
            counties:
              - id: guyuan
                name: 固原市
                nmae_en: Jinfeng District
            """)
        defer { fixture.remove() }
        let unknown = try #require(diagnostics.first { $0.message.hasPrefix("unknown key") })
        #expect(unknown.location == fixture.at("case.yaml", 4, 5))
        #expect(unknown.message == "unknown key `nmae_en` in a county; did you mean `name_en`?")
        let missing = try #require(diagnostics.first { $0.message.contains("missing required key `name_en`") })
        #expect(missing.location == fixture.at("case.yaml", 2, 5))
        #expect(diagnostics.count == 2)
    }

    @Test func wrongTypes() throws {
        let (fixture, diagnostics) = try problems(
            """
            schools:
              - id: xq-02
                name: 兴庆区第二小学
                name_en: Xingqing No. 2 Primary School
                county: xingqing
                kind: primary
                students: many
                teachers: [80]
            """)
        defer { fixture.remove() }
        #expect(diagnostics.map(\.location) == [fixture.at("case.yaml", 7, 15), fixture.at("case.yaml", 8, 15)])
        #expect(diagnostics[0].message == "`students` must be a whole number, found `many`")
        #expect(diagnostics[1].message == "`teachers` must be a whole number, found a list")
    }

    @Test func unknownEnumValueSuggestsTheClosest() throws {
        let (fixture, diagnostics) = try problems(
            """
            devices:
              - {id: x-sw, name: 交换机, role: core-swich, node: agg-xingqing, management: {address: 127.2.1.9}, snmp_profile: v2}
            """)
        defer { fixture.remove() }
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].location == fixture.at("case.yaml", 2, 33))
        #expect(diagnostics[0].message == "`role` has unknown value `core-swich`; did you mean `core-switch`?")
    }

    @Test func duplicateIdsAcrossFiles() throws {
        let (fixture, diagnostics) = try problems(
            """
            counties:
              - {id: xingqing, name: 兴庆区, name_en: Xingqing District}
            """)
        defer { fixture.remove() }
        #expect(diagnostics.count == 1)
        // base.yaml sorts before case.yaml, so the copy in case.yaml is the duplicate.
        #expect(diagnostics[0].location == fixture.at("case.yaml", 2, 5))
        #expect(diagnostics[0].message == "duplicate county id `xingqing`; first defined at \(fixture.at("base.yaml", 2, 5))")
    }

    @Test func danglingReferences() throws {
        let (fixture, diagnostics) = try problems(
            """
            links:
              - id: up-1
                tier: county-school
                a: {device: agg-sw, interface: XGigabitEthernet3/0/1}
                b: {device: xq-01-cor, interface: XGigabitEthernet0/0/25}
            devices:
              - {id: xq-01-core, name: 核心, role: core-switch, school: xq-01, management: {address: 127.3.1.1}, snmp_profile: v2c}
              - {id: xq-01-ap01, name: AP, role: access-point, school: xq-01, controller: wlc-nowhere}
            schools:
              - id: xq-02
                name: 二小
                name_en: No. 2
                county: xingqin
                kind: primary
                students: 1
                teachers: 1
                areas:
                  - {kind: teaching, name: 教学楼, aps: [xq-02-ap09]}
            """)
        defer { fixture.remove() }
        let expected: [(Model.SourceLocation, String)] = [
            (fixture.at("case.yaml", 5, 17), "link `up-1` end `b` refers to unknown device `xq-01-cor`; did you mean `xq-01-core`?"),
            (fixture.at("case.yaml", 7, 114), "device `xq-01-core` refers to unknown SNMP profile `v2c`; did you mean `v2`?"),
            (fixture.at("case.yaml", 8, 79), "controller of `xq-01-ap01` refers to unknown device `wlc-nowhere`"),
            (fixture.at("case.yaml", 13, 13), "school `xq-02` refers to unknown county `xingqin`; did you mean `xingqing`?"),
            (fixture.at("case.yaml", 18, 43), "area `教学楼` of school `xq-02` refers to unknown device `xq-02-ap09`; did you mean `xq-01-ap01`?"),
        ]
        #expect(diagnostics.map(\.location) == expected.map(\.0))
        #expect(diagnostics.map(\.message) == expected.map(\.1))
    }

    @Test func aWriteProfileIsAProfileOfTheInventory() throws {
        let (fixture, diagnostics) = try problems(
            """
            devices:
              - {id: xq-01-sw9, name: 接入, role: access-switch, school: xq-01, management: {address: 127.3.1.9}, snmp_profile: v2, snmp_write_profile: v2-rw}
            """)
        defer { fixture.remove() }
        #expect(diagnostics.map(\.message) == ["device `xq-01-sw9` refers to unknown SNMP profile `v2-rw`"])
        #expect(diagnostics.map(\.location) == [fixture.at("case.yaml", 2, 139)])
        let valid = try InventoryFixture([
            "case.yaml": "devices:\n"
                + "  - {id: xq-01-sw9, name: 接入, role: access-switch, school: xq-01, management: {address: 127.3.1.9}, snmp_profile: v2, snmp_write_profile: v2-rw}"
                .replacingOccurrences(of: "v2-rw", with: "v2") + "\n"
        ])
        defer { valid.remove() }
        #expect(try valid.load().inventory.devices.first { $0.id == "xq-01-sw9" }?.snmpWriteProfile == "v2")
    }

    @Test func referenceToDeviceOfTheWrongRole() throws {
        let (fixture, diagnostics) = try problems(
            """
            schools:
              - id: xq-02
                name: 二小
                name_en: No. 2
                county: xingqing
                kind: primary
                students: 1
                teachers: 1
                areas:
                  - {kind: office, name: 办公楼, aps: [agg-sw]}
            """)
        defer { fixture.remove() }
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].location == fixture.at("case.yaml", 10, 41))
        #expect(diagnostics[0].message == "area `办公楼` of school `xq-02` must be a device of role access-point, but `agg-sw` is a core-switch")
    }

    @Test func duplicateManagementAddress() throws {
        let (fixture, diagnostics) = try problems(
            """
            devices:
              - id: agg-sw-2
                name: 备用汇聚交换机
                role: core-switch
                node: agg-xingqing
                management: {address: 127.2.1.1, port: 161}
                snmp_profile: v2
            """)
        defer { fixture.remove() }
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].location == fixture.at("case.yaml", 6, 17))
        #expect(
            diagnostics[0].message.hasPrefix(
                "management address 127.2.1.1:161 of `agg-sw-2` is already used by `agg-sw` at \(fixture.at("base.yaml", 15, 82))"))
    }

    @Test func sameAddressOnAnotherPortIsAllowed() throws {
        let (fixture, diagnostics) = try problems(
            """
            devices:
              - {id: agg-sw-2, name: 备用, role: core-switch, node: agg-xingqing, management: {address: 127.2.1.1, port: 1161}, snmp_profile: v2}
            """)
        defer { fixture.remove() }
        #expect(diagnostics.isEmpty)
    }

    @Test func perDevicePollInterval() throws {
        let (fixture, diagnostics) = try problems(
            """
            devices:
              - {id: slow-sw, name: 慢交换机, role: access-switch, node: agg-xingqing, management: {address: 127.2.1.9}, snmp_profile: v2, poll_interval_seconds: 300}
              - {id: bad-sw, name: 交换机, role: access-switch, node: agg-xingqing, management: {address: 127.2.1.10}, snmp_profile: v2, poll_interval_seconds: 0}
            """)
        defer { fixture.remove() }
        #expect(diagnostics.map(\.message) == ["`poll_interval_seconds` is 0, outside 1…86400"])
        #expect(diagnostics.first?.location == fixture.at("case.yaml", 3, 146))
        let valid = try InventoryFixture([
            "case.yaml":
                "devices:\n  - {id: slow-sw, name: 慢, role: router, node: agg-xingqing, management: {address: 127.2.1.9}, snmp_profile: v2, poll_interval_seconds: 300}\n"
        ])
        defer { valid.remove() }
        #expect(try valid.load().inventory.devices.first { $0.id == "slow-sw" }?.pollIntervalSeconds == 300)
    }

    @Test func overlappingSubnets() throws {
        let (fixture, diagnostics) = try problems(
            """
            schools:
              - id: xq-02
                name: 二小
                name_en: No. 2
                county: xingqing
                kind: primary
                students: 1
                teachers: 1
                subnets: [10.30.0.0/16, 10.21.8.0/24]
            """)
        defer { fixture.remove() }
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].location == fixture.at("case.yaml", 9, 29))
        #expect(
            diagnostics[0].message
                == "subnet 10.21.8.0/24 of school `xq-02` overlaps school `xq-01`'s 10.21.0.0/20 at \(fixture.at("base.yaml", 24, 15))")
    }

    @Test func hostBitsInASubnetAreRefused() throws {
        let (fixture, diagnostics) = try problems(
            """
            schools:
              - {id: xq-02, name: 二小, name_en: No. 2, county: xingqing, kind: primary, students: 1, teachers: 1, subnets: [10.40.0.1/16]}
            """)
        defer { fixture.remove() }
        #expect(diagnostics.map(\.message) == ["`subnets` `10.40.0.1/16` is not a network in CIDR form"])
        #expect(diagnostics[0].location == fixture.at("case.yaml", 2, 112))
    }

    @Test func schoolKindWithNoTier() throws {
        let fixture = try InventoryFixture()
        defer { fixture.remove() }
        let policy = try String(contentsOfFile: fixture.policies + "/bandwidth-tiers.yaml", encoding: .utf8)
            .replacingOccurrences(of: "school_kinds: [primary, junior-secondary", with: "school_kinds: [junior-secondary")
        try fixture.writePolicy("bandwidth-tiers.yaml", policy)
        let diagnostics = fixture.diagnostics()
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].location == fixture.at("base.yaml", 21, 11))
        #expect(diagnostics[0].message == "school `xq-01` is a `primary`, a kind no bandwidth tier covers")
        #expect(diagnostics[0].help?.contains("bandwidth-tiers.yaml") == true)
    }

    @Test func inlineSecretIsRefusedWithAFix() throws {
        let (fixture, diagnostics) = try problems(
            """
            snmp_profiles:
              - id: lab
                version: v2c
                community: public
              - id: core
                version: v3
                user: poller
                auth: {protocol: SHA-256, key: s3cret-auth}
                privacy: {protocol: AES-128, key: {env: PRIV}}
            """)
        defer { fixture.remove() }
        #expect(diagnostics.map(\.location) == [fixture.at("case.yaml", 4, 16), fixture.at("case.yaml", 8, 36)])
        #expect(diagnostics[0].message == "`community` holds a secret inline; secrets must never be written in YAML")
        #expect(
            diagnostics[0].help
                == "keep it in an environment variable or a file and write `community: {env: EDUNET_COMMUNITY}` or `community: {file: /etc/edunet/secrets/community}`"
        )
        #expect(!diagnostics.map(\.description).joined().contains("s3cret-auth"))
        #expect(!diagnostics.map(\.description).joined().contains("public"))
    }

    @Test func inlineWebhookSecretInPoliciesIsRefused() throws {
        let fixture = try InventoryFixture()
        defer { fixture.remove() }
        let policy = try String(contentsOfFile: fixture.policies + "/alerting.yaml", encoding: .utf8)
            .replacingOccurrences(of: "secret: {env: EDUNET_WEBHOOK_SECRET_CITY}", with: "secret: SEC0123456789")
            .replacingOccurrences(of: "county: xingqing}", with: "county: xingqing}")
        try fixture.writePolicy("alerting.yaml", policy)
        let diagnostics = fixture.diagnostics().filter { $0.message.contains("inline") }
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].location?.file == fixture.policies + "/alerting.yaml")
        let line = policy.components(separatedBy: "\n").firstIndex { $0.contains("secret: SEC0123456789") }.map { $0 + 1 }
        #expect(diagnostics[0].location?.line == line && line != nil)
    }

    @Test func everyProblemIsReportedAtOnceInFileOrder() throws {
        let fixture = try InventoryFixture([
            "a.yaml": "counties:\n  - {id: guyuan, name: 固原市}\n",
            "b.yaml": "devices:\n  - {id: b-sw, name: 交换机, role: router, node: nowhere, management: {address: 999.1.1.1}, snmp_profile: v2}\n",
        ])
        defer { fixture.remove() }
        let diagnostics = fixture.diagnostics()
        #expect(
            diagnostics.map { "\($0.location!.file.split(separator: "/").last!):\($0.location!.line):\($0.location!.column)" }
                == ["a.yaml:2:5", "b.yaml:2:47", "b.yaml:2:78"])
    }

    @Test func rendersAsCompilerStyleLines() {
        let diagnostic = Diagnostic("bad", at: Model.SourceLocation(file: "inventory/x.yaml", line: 3, column: 7), help: "do this")
        #expect(diagnostic.description == "inventory/x.yaml:3:7: error: bad\n    help: do this")
    }

    @Test func missingDirectoriesAreReported() {
        #expect(throws: ModelError.self) {
            try ConfigurationLoader.load(inventoryDirectory: "/nonexistent/inventory", policiesDirectory: "/nonexistent/policies")
        }
        do {
            _ = try ConfigurationLoader.load(inventoryDirectory: "/nonexistent/inventory", policiesDirectory: "/nonexistent/policies")
        } catch {
            #expect(error.diagnostics.count == 6)  // the inventory, and each of the five policy files
            #expect(error.diagnostics.allSatisfy { $0.location == nil })
        }
    }
}
