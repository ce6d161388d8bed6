import BenchSupport
import Foundation
import Model
import Store

/// The batched-insert benchmark (scripts/bench-store.sh): stores DEVICES × POLLS device polls of INTERFACES
/// interface rates each through `MeasurementStore.record`, one transaction a poll as the daemon does, into a fresh
/// database at PATH, and prints `rows=<n> seconds=<wall> cpu=<seconds>` as its last line.
@main
struct StoreBench {
    static func main() throws {
        var command = BenchCommandLine()
        let devices = command.option("--devices", 1000)
        let interfaces = command.option("--interfaces", 49)
        let polls = command.option("--polls", 5)
        guard let path = command.arguments.first else { BenchCommandLine.usage("store-bench DATABASE [--devices N] [--interfaces N] [--polls N]") }
        let store = MeasurementStore(database: try StoreDatabase(path: path))
        let names = (0..<interfaces).map { "GigabitEthernet0/0/\($0 + 1)" }
        let t0 = Date(timeIntervalSince1970: 1_795_000_000)
        var rng = SystemRandomNumberGenerator()
        let clock = ContinuousClock()
        let start = clock.now
        let cpu = BenchCommandLine.processCPU()
        for poll in 0..<polls {
            for device in 0..<devices {
                let time = t0.addingTimeInterval(Double(poll * 60) + Double(device) * 0.01)
                let rates = names.map { name in
                    InterfaceMeasurement(
                        device: "sw\(device)", interface: name, time: time,
                        inBitsPerSecond: Double.random(in: 1e6...5e9, using: &rng), outBitsPerSecond: Double.random(in: 1e6...5e9, using: &rng))
                }
                try store.record(DeviceObservations(device: "sw\(device)", time: time, rates: rates))
            }
        }
        let seconds = (clock.now - start) / .seconds(1)
        print("rows=\(devices * interfaces * polls) seconds=\(seconds) cpu=\(BenchCommandLine.processCPU() - cpu)")
    }

}
