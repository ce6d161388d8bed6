import Foundation
import Model
import Pool
import Store
import TestSupport

/// The sample city's compute pool (two sites of three 96-vCPU, 768 GiB, 46 TiB hosts; four services) over a real
/// SQLite file, with host polls written through the measurement store as the daemon writes them.
struct PoolFixture {
    let directory: URL
    let configuration: CityConfiguration
    let database: StoreDatabase
    let measurements: MeasurementStore
    let register: PoolRegister
    /// A fixed "now", so that every figure is exact.
    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    init(policy: ((inout PoolPolicy) -> Void)? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-pool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = try ConfigurationLoader.load(
            inventoryDirectory: TestAgents.root.appendingPathComponent("inventory").path,
            policiesDirectory: TestAgents.root.appendingPathComponent("policies").path)
        if let policy, var pool = configuration.policies.pool {
            policy(&pool)
            configuration.policies.pool = pool
        }
        self.configuration = configuration
        database = try StoreDatabase(path: directory.appendingPathComponent("pool.sqlite").path)
        measurements = MeasurementStore(database: database)
        register = PoolRegister(store: PoolStore(database: database), measurements: measurements, configuration: configuration)
    }

    /// The same store with another configuration (a test's own health checks).
    init(replacing configuration: CityConfiguration, in other: PoolFixture) throws {
        directory = other.directory
        self.configuration = configuration
        database = other.database
        measurements = other.measurements
        register = PoolRegister(store: PoolStore(database: database), measurements: measurements, configuration: configuration)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    var pool: ComputePool { configuration.inventory.computePool }

    /// One poll of a host: every processor at `load` %, memory `memoryGiB` in use, /data `dataUsed` bytes of 46 TiB.
    func poll(_ device: String, at time: Date, load: Int = 30, memoryGiB: Double = 200, dataUsed: UInt64 = 10 << 40, capped: Bool = false) throws {
        let reading = HostReading(
            processors: 8, processorLoads: Array(repeating: load, count: 8),
            storage: [
                .init(description: "Physical memory", kind: .memory, sizeBytes: 768 << 30, usedBytes: UInt64(memoryGiB * 1_073_741_824)),
                .init(description: "/data", kind: .disk, sizeBytes: 46 << 40, usedBytes: dataUsed, capped: capped),
            ])
        try measurements.record(DeviceObservations(device: device, time: time, rates: [], host: reading))
    }

    func verdicts(at now: Date = PoolFixture.now) throws -> PoolVerdicts { try PoolVerdicts.read(register: register, at: now, freshness: 180) }

    func request(_ tenant: String = "xingqing-primary-01", vcpus: Int = 0, memoryGiB: Double = 0, storageTiB: Double = 0, site: String? = nil)
        -> PoolRegister.Request
    {
        PoolRegister.Request(
            tenant: tenant, name: "vm", service: nil, site: site,
            resources: Resources(vcpus: vcpus, memory: .gibibytes(memoryGiB), storage: .tebibytes(storageTiB)))
    }
}
