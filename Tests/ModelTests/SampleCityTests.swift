import Testing

@testable import Model

@Suite("The bundled sample city")
struct SampleCityTests {
    let configuration: CityConfiguration

    init() throws {
        configuration = try ConfigurationLoader.load(inventoryDirectory: Repository.inventory, policiesDirectory: Repository.policies)
    }

    @Test func hasTheSixCountiesAndEverySchoolKind() {
        let inventory = configuration.inventory
        #expect(inventory.counties.map(\.name) == ["兴庆区", "金凤区", "西夏区", "永宁县", "贺兰县", "灵武市"])
        #expect(inventory.schools.count >= 60)
        #expect(Set(inventory.schools.map(\.kind)) == Set(SchoolKind.allCases))
        #expect(inventory.schools.filter { $0.kind == .vocational }.count >= 2)
        #expect((230...270).contains(inventory.devices.count))
        #expect(inventory.nodes.filter { $0.kind == .cityCore }.count == 2)
    }

    @Test func everyManagementAddressIsLoopbackAndUnique() {
        let addresses = configuration.inventory.devices.compactMap(\.management)
        #expect(addresses.allSatisfy { $0.address.isLoopback })
        #expect(Set(addresses).count == addresses.count)
    }

    @Test func deliberateNonComplianceIsPresent() throws {
        let inventory = configuration.inventory
        let policy = configuration.policies.bandwidth
        let countyMinimum = try #require(policy.target(for: .cityCounty)?.minimum)
        #expect(inventory.links.contains { $0.tier == .cityCounty && ($0.capacity ?? countyMinimum) < countyMinimum })
        let vocational = inventory.schools.filter { $0.kind == .vocational }
        let tier = try #require(policy.tier(for: .vocational))
        #expect(tier.campusBackbone == .gigabits(10) && tier.dualHomed)
        let coreOf = { (school: School) in "\(school.id)-core" }
        let singleHomed = vocational.filter { school in
            inventory.links.filter { $0.tier == .countySchool && $0.b.device == coreOf(school) }.count < 2
        }
        #expect(singleHomed.map(\.id) == ["lingwu-vocational-12"])
        let slowBackbone = vocational.filter { school in
            inventory.links.contains { $0.tier == .campusBackbone && $0.a.device == coreOf(school) && $0.capacity! < tier.campusBackbone }
        }
        #expect(slowBackbone.map(\.id) == ["lingwu-vocational-12"])
    }

    @Test func policiesCarryThePlanTargets() throws {
        let bandwidth = configuration.policies.bandwidth
        #expect(bandwidth.target(for: .provinceCity)?.minimum == .gigabits(5))
        #expect(bandwidth.target(for: .provinceCity)?.dualStar == true)
        #expect(bandwidth.target(for: .cityCounty)?.minimum == .gigabits(2.5))
        #expect(bandwidth.target(for: .countySchool)?.minimum == .gigabits(2.5))
        #expect(bandwidth.tier(for: .primary)?.campusBackbone == .gigabits(1))
        #expect(bandwidth.tier(for: .primary)?.wifiAccess == .megabits(100))
        #expect(bandwidth.tier(for: .vocational)?.wifiAccess == .megabits(300))
        #expect(bandwidth.tier(for: .vocational)?.wifiAreas == AreaKind.allCases)
        #expect(configuration.policies.fleet.terminalsPerStudent == 1.0)
        #expect(configuration.policies.fleet.terminalsPerTeacher == 1.0)
    }
}
