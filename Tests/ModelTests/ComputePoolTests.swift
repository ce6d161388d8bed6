import Foundation
import Model
import Testing

@Suite("The compute pool in the inventory and pool.yaml")
struct ComputePoolTests {
    static let devices = """
        devices:
          - {id: host-a, name: 主机A, role: server, node: agg-xingqing, management: {address: 127.2.9.1}, snmp_profile: v2}
          - {id: host-b, name: 主机B, role: server, node: agg-xingqing, management: {address: 127.2.9.2}, snmp_profile: v2}
        """

    static func cloud(_ service: String, pool: String = "data-a") -> String {
        """
        compute_pool:
          sites:
            - {id: site-a, name: A中心, node: agg-xingqing}
            - {id: site-b, name: B中心, node: agg-xingqing}
          storage_pools:
            - {id: data-a, name: A池, site: site-a, mount: /data}
          hosts:
            - {id: a1, site: site-a, device: host-a, vcpus: 64, memory_gib: 512, storage_tib: 20, storage_pool: \(pool)}
            - {id: b1, site: site-b, device: host-b, vcpus: 64, memory_gib: 512, storage_tib: 20}
          services:
        \(service)
          platforms:
            - {id: city-platform, name: 市平台}
        """
    }

    @Test func sizesTakeTheirUnit() {
        #expect(ByteSize("64GiB")?.bytes == UInt64(68_719_476_736))
        #expect(ByteSize("1.5TiB")?.bytes == 1_649_267_441_664)
        #expect(ByteSize("500GB")?.bytes == 500_000_000_000)
        #expect(ByteSize("512M")?.bytes == 512 * 1_048_576)
        #expect(ByteSize("64") == nil)
        #expect(ByteSize("-1GiB") == nil)
        #expect(ByteSize(bytes: 1_649_267_441_664).description == "1.5TiB")
        #expect(ByteSize(bytes: 64 * 1_073_741_824).description == "64GiB")
    }

    @Test func servicesWithReplicasHealthChecksAndPlatformsLoad() throws {
        let fixture = try InventoryFixture([
            "servers.yaml": Self.devices,
            "cloud.yaml": Self.cloud(
                "    - {id: portal, name: 门户, hosts: [a1, b1], replica: {vcpus: 8, memory: 32GiB, storage: 1TiB}, health: {site-a: 'http://127.0.0.1:1/h', site-b: 'http://127.0.0.1:2/h'}}"
            ),
        ])
        defer { fixture.remove() }
        let pool = try fixture.load().inventory.computePool
        #expect(pool.storagePools.map(\.mount) == ["/data"])
        #expect(pool.hosts.map(\.storagePool) == ["data-a", nil])
        let service = try #require(pool.services.first)
        #expect(service.replica == Resources(vcpus: 8, memory: .gibibytes(32), storage: .tebibytes(1)))
        #expect(service.health == ["site-a": "http://127.0.0.1:1/h", "site-b": "http://127.0.0.1:2/h"])
        #expect(pool.platforms.map(\.id) == ["city-platform"])
        let policy = try #require(try fixture.load().policies.pool)
        #expect(policy.ratio(.vcpu) == 4 && policy.ratio(.memory) == 1 && policy.headroom == 0.2 && policy.storageFindingDays == 90)
    }

    @Test func aSizeWithoutItsUnitIsAnErrorAtItsPlace() throws {
        let fixture = try InventoryFixture([
            "servers.yaml": Self.devices,
            "cloud.yaml": Self.cloud("    - {id: portal, name: 门户, hosts: [a1, b1], replica: {vcpus: 8, memory: 64, storage: 1TiB}}"),
        ])
        defer { fixture.remove() }
        let diagnostics = fixture.diagnostics()
        let unitless = try #require(diagnostics.first { $0.message.contains("has no unit") }, "\(diagnostics)")
        #expect(unitless.message == "`replica.memory` `64` has no unit")
        #expect(unitless.location?.file == fixture.inventory + "/cloud.yaml" && unitless.location?.line == 11)
        #expect(unitless.help?.contains("64GiB") == true)
    }

    @Test func aBadHealthURLAndAnUnknownStoragePoolAreNamed() throws {
        let fixture = try InventoryFixture(
            [
                "servers.yaml": Self.devices,
                "cloud.yaml": Self.cloud(
                    "    - {id: portal, name: 门户, hosts: [a1, b1], health: {site-a: 'ftp://x/h', site-c: 'http://127.0.0.1/h'}}", pool: "data-aa"),
            ])
        defer { fixture.remove() }
        let messages = fixture.diagnostics().map(\.message)
        #expect(messages.contains("`health.site-a` `ftp://x/h` is not an http(s) URL"), "\(messages)")
        #expect(messages.contains { $0.contains("site-c") && $0.contains("cloud site") }, "\(messages)")
        #expect(messages.contains { $0.contains("data-aa") && $0.contains("did you mean `data-a`") }, "\(messages)")
    }

    @Test func poolYAMLIsRequiredAndChecked() throws {
        let fixture = try InventoryFixture()
        defer { fixture.remove() }
        try fixture.writePolicy(
            "pool.yaml",
            "overcommit: {vcpu: 4, memory: 1}\nheadroom: 2\nhost_load_threshold: 0.85\nwindow_hours: 168\nstorage: {finding_days: 90, alert_days: 120, trend_days: 30, minimum_trend_hours: 72}\n"
        )
        let messages = fixture.diagnostics().map(\.message)
        #expect(messages.contains { $0.contains("headroom") }, "\(messages)")
        #expect(messages.contains { $0.contains("storage.alert_days") }, "\(messages)")
        try FileManager.default.removeItem(atPath: fixture.policies + "/pool.yaml")
        #expect(fixture.diagnostics().map(\.message).contains("missing policy file `\(fixture.policies)/pool.yaml`"))
    }

    @Test func howLongAHostMayBeSilentIsAPolicy() throws {
        let fixture = try InventoryFixture()
        defer { fixture.remove() }
        let pool = try String(contentsOfFile: fixture.policies + "/pool.yaml", encoding: .utf8)
        #expect(try fixture.load().policies.pool?.hostSilentSeconds == 180, "the sample's")
        try fixture.writePolicy("pool.yaml", pool.replacingOccurrences(of: "host_silent_seconds: 180", with: "host_silent_seconds: 45"))
        #expect(try fixture.load().policies.pool?.hostSilentSeconds == 45)
        try fixture.writePolicy("pool.yaml", pool.replacingOccurrences(of: "host_silent_seconds: 180", with: "host_silent_seconds: 0"))
        let silent = try #require(fixture.diagnostics().first { $0.message.contains("host_silent_seconds") })
        #expect(silent.location?.file == fixture.policies + "/pool.yaml", "\(silent)")
    }
}
