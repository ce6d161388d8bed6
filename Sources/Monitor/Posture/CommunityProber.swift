import Foundation
import Model
import SNMP

/// Asks inventory devices whether they answer a vendor default community (等级保护: 默认口令): one GET of sysObjectID.0
/// a forbidden community and version (v1 and v2c), and one with the device's own credentials, all in flight together.
/// An agent that does not know a community stays silent, so an answer of any kind, even an error, is the finding; a
/// device that answers its own credentials no more than the forbidden ones proves nothing and is marked unreachable.
/// Only the devices it is given are asked: never a sweep of addresses.
public struct CommunityProber: Sendable {
    public let engine: SNMPEngine
    /// How long each GET waits; there are no retries (an agent that answers a community answers at once).
    public let timeout: Duration
    public let now: @Sendable () -> Date

    static let sysObjectID: OID = "1.3.6.1.2.1.1.2.0"

    public init(engine: SNMPEngine, timeout: Duration, now: @escaping @Sendable () -> Date = Date.init) {
        self.engine = engine
        self.timeout = timeout
        self.now = now
    }

    /// Probes the devices, `devicesInFlight` at a time (each with all its GETs in flight); the results are in the order
    /// of `devices`.
    public func probe(_ devices: [PolledDevice], communities: [String], devicesInFlight: Int = 32) async -> [CommunityProbe] {
        await withTaskGroup(of: (Int, CommunityProbe).self) { group in
            var results = [CommunityProbe?](repeating: nil, count: devices.count)
            var next = devices.startIndex
            func start() {
                guard next < devices.endIndex else { return }
                let (index, device) = (next, devices[next])
                group.addTask { (index, await probe(device, communities: communities)) }
                next += 1
            }
            for _ in 0..<max(1, devicesInFlight) { start() }
            while let (index, probe) = await group.next() {
                results[index] = probe
                start()
            }
            return results.compactMap { $0 }
        }
    }

    /// One device: its own credentials and every forbidden community in both versions.
    public func probe(_ device: PolledDevice, communities: [String]) async -> CommunityProbe {
        let started = now()
        var target = device.target
        target.timeout = timeout
        target.retries = 0
        let own = target
        let attempts = communities.flatMap { community in
            [("v1", SNMPCredentials.v1(community: community)), ("v2c", .v2c(community: community))].map { version, credentials in
                (answer: CommunityProbe.Answer(community: community, version: version), credentials: credentials)
            }
        }
        return await withTaskGroup(of: (Int, Bool).self) { group in
            group.addTask { (-1, await answers(own)) }
            for (index, attempt) in attempts.enumerated() {
                var forbidden = own
                forbidden.credentials = attempt.credentials
                let asked = forbidden
                group.addTask { (index, await answers(asked)) }
            }
            var reachable = false
            var answered = [Bool](repeating: false, count: attempts.count)
            for await (index, answer) in group {
                if index < 0 { reachable = answer } else { answered[index] = answer }
            }
            let found = attempts.indices.filter { answered[$0] }.map { attempts[$0].answer }
            // A device that answered a forbidden community is reachable, whatever its own credentials did.
            return CommunityProbe(device: device.id, time: started, reachable: reachable || !found.isEmpty, answers: found)
        }
    }

    /// Whether the agent answered at all: a response, even an SNMP error, means it took the credentials.
    private func answers(_ target: SNMPTarget) async -> Bool {
        do {
            _ = try await engine.get(target, [Self.sysObjectID])
            return true
        } catch {
            switch error.code {
            case .noSuchName, .agentError, .decodeError: return true
            default: return false
            }
        }
    }
}
