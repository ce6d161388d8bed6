import BenchSupport
import Capture
import Foundation
import Model
import Security

// The capture benchmark (scripts/bench-capture.sh):
//   capture-bench generate FILE [--packets N] [--hosts N] [--seed N]   a school network's traffic, written as pcap
//   capture-bench analyze FILE [--inventory DIR] [--policies DIR]      every check over it: frames/s, CPU, peak RSS
//   capture-bench live INTERFACE [--buffer-mib N]                       every check on a live interface, until its
//                                                                       stream has stopped for a second: frames and libpcap's drops
func main() {
    var command = BenchCommandLine()
    let packets = command.option("--packets", 10_000_000)
    let hostCount = command.option("--hosts", 20_000)
    let seed = command.option("--seed", 1)
    let bufferMiB = command.option("--buffer-mib", 32)
    let usage =
        "capture-bench generate FILE [--packets N] [--hosts N] [--seed N] | analyze FILE [--inventory DIR] [--policies DIR] | live INTERFACE [--buffer-mib N]"
    let arguments = command.arguments
    guard arguments.count >= 2 else { BenchCommandLine.usage(usage) }
    let (verb, path) = (arguments[0], arguments[1])
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    func directory(_ name: String, _ fallback: String) -> String {
        arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } ?? fallback
    }
    let configuration: CityConfiguration
    do {
        configuration = try ConfigurationLoader.load(
            inventoryDirectory: directory("--inventory", root + "/inventory"), policiesDirectory: directory("--policies", root + "/policies"))
    } catch {
        FileHandle.standardError.write(Data("capture-bench: \(error)\n".utf8))
        exit(1)
    }
    switch verb {
    case "generate":
        BenchCommandLine.measure("capture-bench", "generate", rows: packets) {
            var traffic = SchoolTraffic(configuration: configuration, hosts: hostCount, seed: UInt64(seed))
            try traffic.write(packets: packets, to: path)
        }
    case "live":
        // The interface is named by `path`. Frames until the stream has stopped for a second (at least one came).
        var monitor = SecurityMonitor(context: SecurityContext.city(configuration, terminalMACs: knownStations(configuration, hostCount, seed)))
        var last: LiveCapture.Statistics?
        var frames = 0
        var framesAtLastReport = -1
        do {
            let capture = try LiveCapture(interface: path, bufferBytes: bufferMiB << 20)
            FileHandle.standardOutput.write(Data("ready\n".utf8))
            try capture.forEachFrame { statistics in
                last = statistics
                if frames > 0 && frames == framesAtLastReport { capture.stop() }
                framesAtLastReport = frames
            } _: { frame in
                frames += 1
                monitor.observe(frame.bytes, wireLength: frame.wireLength, seconds: frame.time.timeIntervalSince1970)
            }
        } catch {
            FileHandle.standardError.write(Data("capture-bench: \(error)\n".utf8))
            exit(1)
        }
        print(
            "frames=\(frames) received=\(last?.received ?? 0) dropped=\(last?.dropped ?? 0) if_dropped=\(last?.interfaceDropped ?? 0) "
                + "hosts=\(monitor.accounting.hosts.count)")
    case "analyze":
        var monitor = SecurityMonitor(context: SecurityContext.city(configuration, terminalMACs: knownStations(configuration, hostCount, seed)))
        var frames = 0
        BenchCommandLine.measure("capture-bench", "analyze", rows: 0) {
            frames = try CaptureFile(path: path).forEachFrame { frame in
                monitor.observe(frame.bytes, wireLength: frame.wireLength, seconds: frame.time.timeIntervalSince1970)
            }
        }
        var resources = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &resources)
        print(
            "frames=\(frames) hosts=\(monitor.accounting.hosts.count) events=\(monitor.events.count) "
                + "fired=\(monitor.events.filter(\.fires).count) peak_rss_kib=\(resources.ru_maxrss)")
    default:
        BenchCommandLine.usage(usage)
    }
}

/// The generated hosts' MACs are the fleet's terminals and the gateways' the inventory's devices: known stations.
func knownStations(_ configuration: CityConfiguration, _ hosts: Int, _ seed: Int) -> [Model.MACAddress] {
    let traffic = SchoolTraffic(configuration: configuration, hosts: hosts, seed: UInt64(seed))
    return (traffic.hosts + traffic.gateways).compactMap { host in
        Model.MACAddress(octets: (0..<6).map { index in UInt8(truncatingIfNeeded: host.mac >> UInt64(40 - 8 * index)) })
    }
}

main()
