import Capture
import Foundation

import enum Model.AlertSeverity

/// Port scans and address sweeps as Zeek's scan policy counts them: a source's TCP connection attempts (SYN without
/// ACK) to distinct ports of one host, or to one port of distinct hosts, within a window (fixed epochs of
/// `window_seconds` from the first attempt seen). Sources on a school subnet get the higher local thresholds; the
/// bureau's scanners are never counted. Once a pair has fired its set is dropped, so memory grows with the sources and
/// targets of one window, at most a threshold's worth of each.
struct ScanDetector: Sendable {
    private var epochStart: Double?
    /// Ports tried by (source, destination), and hosts tried by (source, port).
    private var portScans = DistinctCounter()
    private var sweeps = DistinctCounter()
    private(set) var log = EventLog<String>()

    mutating func observe(
        _ tcp: TCPHeader, source: IPv4Address, destination: IPv4Address, frame: Int, time: Date, seconds: Double, context: SecurityContext
    ) {
        guard tcp.isSYN, !context.allowedScanners.contains(source) else { return }
        if seconds - (epochStart ?? -.infinity) >= context.scan.windowSeconds {
            epochStart = seconds
            portScans.reset()
            sweeps.reset()
        }
        let sourceSchool = context.school(of: source)
        let local = sourceSchool != nil
        // An outside scanner's finding belongs to the school it scans.
        let school = sourceSchool ?? context.school(of: destination)
        let portLimit = local ? context.scan.localPortScanPorts : context.scan.portScanPorts
        let hostLimit = local ? context.scan.localAddressSweepHosts : context.scan.addressSweepHosts
        let window = Int(context.scan.windowSeconds)
        func event(_ kind: SecurityEvent.Kind, _ detail: String) -> SecurityEvent {
            SecurityEvent(kind: kind, severity: .warning, frame: frame, time: time, address: "\(source)", school: school, detail: detail)
        }
        let pair = UInt64(source.raw) << 32 | UInt64(destination.raw)
        if let count = portScans.add(UInt32(tcp.destinationPort), to: pair, limit: portLimit) {
            log.record("port \(source) \(destination)") {
                event(.portScan, "\(source) tried \(count) TCP ports of \(destination) within \(window) s (threshold \(portLimit))")
            }
        }
        if let count = sweeps.add(destination.raw, to: UInt64(source.raw) << 16 | UInt64(tcp.destinationPort), limit: hostLimit) {
            log.record("sweep \(source) \(tcp.destinationPort)") {
                event(.addressSweep, "\(source) tried TCP port \(tcp.destinationPort) on \(count) hosts within \(window) s (threshold \(hostLimit))")
            }
        }
    }
}

/// Distinct members by key, up to a limit: a key that reaches it fires once and its set is dropped.
private struct DistinctCounter: Sendable {
    private var members: [UInt64: Set<UInt32>] = [:]
    private var fired: Set<UInt64> = []

    mutating func reset() {
        members.removeAll(keepingCapacity: true)
        fired.removeAll(keepingCapacity: true)
    }

    /// Adds `member` under `key`; returns the count when this addition made the key reach `limit`.
    mutating func add(_ member: UInt32, to key: UInt64, limit: Int) -> Int? {
        guard !fired.contains(key) else { return nil }
        let count = members[key, default: []].insertCounting(member)
        guard count >= limit else { return nil }
        fired.insert(key)
        members[key] = nil
        return count
    }
}

extension Set {
    /// Inserts `member` and returns how many members there are now.
    fileprivate mutating func insertCounting(_ member: Element) -> Int {
        insert(member)
        return count
    }
}
