import Foundation
import SNMP
import Synchronization
import TestSupport
import Testing

/// The trap listener with net-snmp's own `snmptrap` and `snmpinform` as senders: SNMPv3 traps and informs from a
/// user at authPriv, from engines it was never told of; wrong keys, strangers and a lower security level dropped and
/// counted; v2c communities as before.
@Suite("Trap listener, SNMPv3", .serialized)
struct TrapListenerTests {
    static let user = USMUser(name: "u-trap", auth: (.sha256, "edunet-auth-pass"), privacy: (.aes128, "edunet-priv-pass"))

    /// A listener on a free port and what it has delivered so far.
    final class Receiving: Sendable {
        let listener: SNMPTrapListener
        let port = WebhookReceiver.freePort()
        let received = Received()
        let reading: Task<Void, Never>

        final class Received: Sendable {
            let list = Mutex<[SNMPTrap]>([])
        }

        init(communities: [String]?, users: [USMUser]) async throws {
            let listener = try await SNMPTrapListener(host: "127.0.0.1", port: port, communities: communities, users: users)
            self.listener = listener
            let received = self.received
            reading = Task { for await trap in listener.traps { received.list.withLock { $0.append(trap) } } }
        }

        var traps: [SNMPTrap] { received.list.withLock { $0 } }

        func stop() async {
            await listener.stop()
            await reading.value
        }

        /// Sends with `command` (snmptrap or snmpinform) and the options given; its exit status.
        func send(_ command: String, _ options: String, trap: String = "1.3.6.1.6.3.1.1.5.3 1.3.6.1.2.1.2.2.1.1.7 i 7") async throws -> Int32 {
            try await TestProcess.run("\(command) -r 0 -t 2 \(options) 127.0.0.1:\(port) '' \(trap) 2>&1").status
        }
    }

    static let authPriv = "-v 3 -u u-trap -l authPriv -a SHA-256 -A edunet-auth-pass -x AES -X edunet-priv-pass"

    @Test func v3TrapsFromAnyEngineAndInformsAreAcceptedAtTheUsersLevel() async throws {
        let receiving = try await Receiving(communities: ["edunet-traps"], users: [Self.user])
        // Two senders with engine IDs of their own (as two switches), never configured here.
        for engine in ["0x8000000001020304", "0x80001f8880aabbccddeeff0011"] {
            #expect(try await receiving.send("snmptrap", "\(Self.authPriv) -e \(engine)") == 0)
        }
        try await waitFor("two v3 traps") { receiving.traps.count == 2 }
        // An inform: the sender discovers this engine's ID, and gets its answer (snmpinform exits 0 only then).
        #expect(try await receiving.send("snmpinform", Self.authPriv, trap: "1.3.6.1.6.3.1.1.5.1") == 0)
        try await waitFor("the inform") { receiving.traps.count == 3 }
        // v2c still takes its community.
        #expect(try await receiving.send("snmptrap", "-v 2c -c edunet-traps") == 0)
        try await waitFor("the v2c trap") { receiving.traps.count == 4 }
        let traps = receiving.traps
        #expect(traps.map(\.version) == [3, 3, 3, 2])
        #expect(traps[0].generic == .linkDown && traps[0].ifIndex == 7 && traps[0].source == "127.0.0.1")
        #expect(traps[2].inform && traps[2].generic == .coldStart)
        #expect(receiving.listener.counts == SNMPTrapListener.Counts())
        await receiving.stop()
    }

    @Test func wrongKeysStrangersAndALowerLevelAreDroppedAndCounted() async throws {
        let receiving = try await Receiving(communities: ["edunet-traps"], users: [Self.user])
        let engine = "-e 0x8000000001020305"
        // A wrong authentication key, a wrong privacy key, a user not accepted, and the right user without auth or privacy.
        _ = try await receiving.send(
            "snmptrap", Self.authPriv.replacingOccurrences(of: "-A edunet-auth-pass", with: "-A not-the-auth-pass") + " \(engine)")
        _ = try await receiving.send(
            "snmptrap", Self.authPriv.replacingOccurrences(of: "-X edunet-priv-pass", with: "-X not-the-priv-pass") + " \(engine)")
        _ = try await receiving.send("snmptrap", Self.authPriv.replacingOccurrences(of: "-u u-trap", with: "-u u-stranger") + " \(engine)")
        _ = try await receiving.send("snmptrap", "-v 3 -u u-trap -l noAuthNoPriv \(engine)")
        _ = try await receiving.send("snmptrap", "-v 2c -c not-the-community")
        try await waitFor("five drops", diagnosis: { "\(receiving.listener.counts)" }) {
            let counts = receiving.listener.counts
            return counts.rejectedUSM + counts.rejectedSecurityLevel + counts.rejectedCommunity == 5
        }
        #expect(receiving.listener.counts == SNMPTrapListener.Counts(rejectedCommunity: 1, rejectedUSM: 3, rejectedSecurityLevel: 1))
        // Then the right keys from the same engine are accepted: a wrong key left nothing behind.
        #expect(try await receiving.send("snmptrap", "\(Self.authPriv) \(engine)") == 0)
        try await waitFor("the good trap") { receiving.traps.count == 1 }
        #expect(receiving.traps.first?.version == 3)
        await receiving.stop()
    }

    @Test func theUsersCanBeReplacedWhileListening() async throws {
        let receiving = try await Receiving(communities: nil, users: [])
        _ = try await receiving.send("snmptrap", "\(Self.authPriv) -e 0x8000000001020306")
        try await waitFor("a drop") { receiving.listener.counts.rejectedUSM == 1 }
        await receiving.listener.accept(users: [Self.user])
        #expect(try await receiving.send("snmptrap", "\(Self.authPriv) -e 0x8000000001020306") == 0)
        try await waitFor("the trap once the user is accepted") { receiving.traps.count == 1 }
        await receiving.stop()
    }
}
