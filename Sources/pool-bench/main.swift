import BenchSupport
import Foundation
import Model
import Pool
import Store

/// The education-cloud benchmark (scripts/bench-pool.sh), on a fresh database at PATH: a pool of HOSTS hosts in two
/// sites, SERVICES services with a replica in each site and ALLOCATIONS allocations, its hosts' polls of 30 days
/// (hourly, then every POLL seconds for the last week: 120, the servers' interval in policies/fleet.yaml) stored as the
/// daemon stores them; then the pool's first verdicts, allocation requests one after another, one request after every
/// host was polled again, and the verdicts after another poll of every host. Prints `step=… seconds=… cpu=… rows=…`
/// lines.
@main
struct PoolBench {
    static func main() throws {
        var command = BenchCommandLine()
        let hostCount = command.option("--hosts", 500)
        let serviceCount = command.option("--services", 200)
        let allocationCount = command.option("--allocations", 5_000)
        let requests = command.option("--requests", 200)
        let pollSeconds = command.option("--poll-seconds", 120)
        guard let path = command.arguments.first else {
            BenchCommandLine.usage("pool-bench DATABASE [--hosts N] [--services N] [--allocations N] [--requests N] [--poll-seconds N]")
        }
        let database = try StoreDatabase(path: path)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        let hosts = (0..<hostCount).map { n in
            ComputePool.Host(
                id: "h\(n)", site: n % 2 == 0 ? "a" : "b", device: "host-\(n)", vcpus: 96, memoryGiB: 768, storageTiB: 46,
                storagePool: n % 2 == 0 ? "data-a" : "data-b")
        }
        let pool = ComputePool(
            sites: [.init(id: "a", name: "A", node: "core-a"), .init(id: "b", name: "B", node: "core-b")], hosts: hosts,
            storagePools: [.init(id: "data-a", name: "A", site: "a", mount: "/data"), .init(id: "data-b", name: "B", site: "b", mount: "/data")],
            services: (0..<serviceCount).map { n in
                .init(
                    id: "s\(n)", name: "service \(n)", hosts: ["h\(2 * n % hostCount)", "h\((2 * n + 1) % hostCount)"],
                    replica: Resources(vcpus: 8, memory: .gibibytes(32), storage: .tebibytes(1)))
            },
            platforms: [.init(id: "platform", name: "platform")])
        // The sample city's policies and places (run from the repository), its pool replaced by the benchmark's.
        var configuration = try ConfigurationLoader.load(inventoryDirectory: "inventory", policiesDirectory: "policies")
        configuration.inventory.computePool = pool
        let measurements = MeasurementStore(database: database)
        let register = PoolRegister(store: PoolStore(database: database), measurements: measurements, configuration: configuration)

        // 30 days of polls: hourly for 23 days, every `pollSeconds` for the last 7.
        var times: [Date] = []
        var t = now.addingTimeInterval(-30 * 86_400)
        while t < now {
            times.append(t)
            t += t < now.addingTimeInterval(-7 * 86_400) ? 3600 : Double(pollSeconds)
        }
        measure("seed-polls", rows: times.count * hostCount) {
            for (k, time) in times.enumerated() {
                for (n, host) in hosts.enumerated() {
                    let reading = HostReading(
                        processors: 8, processorLoads: Array(repeating: 20 + (n + k) % 40, count: 8),
                        storage: [
                            .init(description: "Physical memory", kind: .memory, sizeBytes: 768 << 30, usedBytes: UInt64(200 + (n + k) % 300) << 30),
                            .init(description: "/data", kind: .disk, sizeBytes: 46 << 40, usedBytes: (10 << 40) + UInt64(k) << 28),
                        ])
                    try measurements.record(DeviceObservations(device: host.device, time: time, rates: [], host: reading))
                }
            }
        }
        measure("seed-allocations", rows: allocationCount) {
            for n in 0..<allocationCount {
                _ = try register.store.allocate(at: now, by: "bench", why: "") { _ in
                    PoolStore.NewAllocation(
                        tenant: "platform", name: "vm\(n)", service: nil, site: n % 2 == 0 ? "a" : "b",
                        resources: Resources(vcpus: 2, memory: .gibibytes(4), storage: .gibibytes(50)), forced: false, verdict: nil)
                }
            }
        }
        func judge() throws {
            let verdicts = try PoolVerdicts.read(register: register, at: now, freshness: 1800)
            let findings = verdicts.findings()
            precondition(findings.count == 1 + serviceCount + 2 + 2, "every rule judged")
            precondition(verdicts.storage["data-a"]?.daysUntilFull != nil, "a storage trend over 30 days")
        }
        // The first judgement packs every host's whole hours (as after an upgrade); later ones find them packed.
        measure("verdicts-first", rows: hostCount, judge)
        func request(_ name: String) throws {
            _ = try register.allocate(
                PoolRegister.Request(
                    tenant: "platform", name: name, service: nil, site: nil,
                    resources: Resources(vcpus: 1, memory: .gibibytes(1), storage: .gibibytes(1))),
                force: true, by: "bench", why: "", at: now)
        }
        measure("allocate", rows: requests) {
            for n in 0..<requests { try request("req\(n)") }
        }
        // The worst case: every host polled again since the figures were kept, so the request ranks every host's week
        // of polls again (the daemon's judgement after each poll cycle usually pays this instead).
        func pollEveryHost(at time: Date) throws {
            for (n, host) in hosts.enumerated() {
                let reading = HostReading(
                    processors: 8, processorLoads: Array(repeating: 20 + n % 40, count: 8),
                    storage: [.init(description: "Physical memory", kind: .memory, sizeBytes: 768 << 30, usedBytes: 300 << 30)])
                try measurements.record(DeviceObservations(device: host.device, time: time, rates: [], host: reading))
            }
        }
        try pollEveryHost(at: now.addingTimeInterval(-2))
        measure("allocate-after-polls", rows: 1) { try request("after-polls") }
        // The daemon's judgement after a poll cycle: every host's window moved.
        try pollEveryHost(at: now.addingTimeInterval(-1))
        measure("verdicts", rows: hostCount, judge)
    }

    static func measure(_ step: String, rows: Int, _ body: () throws -> Void) { BenchCommandLine.measure("pool-bench", step, rows: rows, body) }
}
