import ArgumentParser
import Foundation
import Model
import Monitor
import Reports
import SNMP

struct PollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Poll one device now: its interfaces with speed, status and measured rates.",
        discussion: """
            Reads IF-MIB twice, --window seconds apart, and prints each interface's speed, status and traffic in \
            and out over that window. 64-bit counters are used where the device has them; a rate that cannot be \
            known (a restart, a counter reset, a 32-bit counter that may have wrapped) shows as — with the reason.

              edunet poll --device xixia-vocational-12-core
              edunet poll 127.0.0.1:1161 --community-env EDUNET_SNMP_COMMUNITY --window 5 --format json
            """
    )

    @OptionGroup var device: DeviceOptions
    @Option(help: "Seconds between the two polls.") var window: Double = 10
    @Argument(help: "HOST[:PORT], unless --device is given.") var arguments: [String] = []

    func run() async throws {
        var rest = arguments
        let target = try device.target(consuming: &rest)
        guard rest.isEmpty else { throw ValidationError("unexpected arguments: \(rest.joined(separator: " "))") }
        guard window > 0 else { throw ValidationError("--window must be more than 0 seconds") }
        let poller = InterfacePoller(engine: SNMPEngine())
        let first: InterfacePoll
        let second: InterfacePoll
        do {
            first = try await poller.poll(target)
            Terminal.error("measuring \(first.interfaces.count) interfaces of \(target) for \(window) s …")
            try await Task.sleep(for: .milliseconds(Int(window * 1000)))
            second = try await poller.poll(target)
        } catch let error as SNMPError {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
        let calculator = RateCalculator(maximumInterval: window * 3)
        let before = first.byKey
        let rows = second.interfaces.map { reading -> InterfaceRate in
            let rate = before[reading.key].map { calculator.rate(from: $0.sample, to: reading.sample) } ?? .unknown(.gap)
            return InterfaceRate(reading: reading, rate: rate)
        }
        Terminal.print(device.format == .json ? rows.map(\.jsonLine).joined(separator: "\n") : InterfaceRate.table(rows))
    }
}

/// One interface's line in `edunet poll`.
struct InterfaceRate {
    let reading: InterfaceReading
    let rate: IntervalRate

    var rates: (in: Double?, out: Double?) {
        if case .measured(let inBits, let outBits) = rate { return (inBits, outBits) }
        return (nil, nil)
    }

    /// up, down or admin-down; an agent without ifAdminStatus leaves a down interface's reason open.
    var status: String {
        switch (reading.adminUp, reading.operUp) {
        case (false?, _): "admin-down"
        case (_, true): "up"
        case (nil, false): "down (no ifAdminStatus)"
        case (true?, false): "down"
        }
    }
    var counterWidth: String {
        switch reading.sample.inOctets {
        case .bits64?: "64-bit"
        case .bits32?: "32-bit"
        case nil: "none"
        }
    }

    var utilisation: Double? {
        guard let speed = reading.speedBitsPerSecond, speed > 0 else { return nil }
        let peak = [rates.in, rates.out].compactMap { $0 }.max()
        return peak.map { $0 / Double(speed) }
    }

    static func table(_ rows: [InterfaceRate]) -> String {
        TextTable(
            columns: [
                .init("接口 Interface"), .init("别名 Alias"), .init("速率 Speed", alignRight: true), .init("状态 Status"),
                .init("入 In", alignRight: true), .init("出 Out", alignRight: true), .init("利用率 Util", alignRight: true),
                .init("计数器 Counters"),
            ],
            rows: rows.map { row in
                var counters = row.counterWidth
                if case .unknown(let reason) = row.rate { counters += " (\(reason.rawValue))" }
                return [
                    row.reading.key, row.reading.alias ?? "", row.reading.speedBitsPerSecond.map { RateText.bitsPerSecond(Double($0)) } ?? "—",
                    row.status, RateText.bitsPerSecond(row.rates.in), RateText.bitsPerSecond(row.rates.out),
                    RateText.percent(row.utilisation), counters,
                ]
            }
        ).render()
    }

    var jsonLine: String {
        var fields = [
            "\"interface\":\(Self.json(reading.key))", "\"index\":\(reading.index)", "\"status\":\"\(status)\"",
            "\"counters\":\"\(counterWidth)\"",
        ]
        if let alias = reading.alias { fields.append("\"alias\":\(Self.json(alias))") }
        if let speed = reading.speedBitsPerSecond { fields.append("\"speed_bps\":\(speed)") }
        if let value = rates.in { fields.append("\"in_bps\":\(value)") }
        if let value = rates.out { fields.append("\"out_bps\":\(value)") }
        if case .unknown(let reason) = rate { fields.append("\"unknown\":\(Self.json(reason.rawValue))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    private static func json(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
