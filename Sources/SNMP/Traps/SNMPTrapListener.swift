internal import CNetSNMP
import Foundation
import Synchronization

/// Receives SNMP traps and informs on a UDP address, through net-snmp on its one thread; informs are acknowledged.
/// v1/v2c: a trap whose community is not one of the accepted ones is dropped and counted (the community itself is
/// never kept or logged). v3: the USM users given are accepted, each at its own security level or above. A v3 trap is
/// authenticated with the user's keys localized to the sender's engine ID, read from the message before net-snmp
/// parses it, so no sender's engine ID needs configuring; an inform, with the keys localized to this engine's ID,
/// which the sender discovers. A v3 message that fails authentication or decryption (a wrong key, an unknown user, out
/// of the time window) is dropped and counted, as is one below its user's level.
public final class SNMPTrapListener: Sendable {
    /// Traps dropped so far (the accepted ones are in `traps`).
    public struct Counts: Sendable, Hashable {
        public var rejectedCommunity = 0
        public var undecodable = 0
        /// v3 messages net-snmp's USM refused: wrong authentication or privacy key, unknown user, not in time.
        public var rejectedUSM = 0
        /// v3 messages of a known user below its security level (noAuthNoPriv for an authPriv user).
        public var rejectedSecurityLevel = 0

        public init(rejectedCommunity: Int = 0, undecodable: Int = 0, rejectedUSM: Int = 0, rejectedSecurityLevel: Int = 0) {
            self.rejectedCommunity = rejectedCommunity
            self.undecodable = undecodable
            self.rejectedUSM = rejectedUSM
            self.rejectedSecurityLevel = rejectedSecurityLevel
        }
    }

    private let core: TrapCore
    /// Every trap accepted, in order of arrival.
    public let traps: AsyncStream<SNMPTrap>

    /// Binds `host:port` (UDP). `communities` nil accepts any community; `users` are the SNMPv3 users accepted.
    public init(host: String, port: Int, communities: [String]?, users: [USMUser] = []) async throws(SNMPError) {
        let (stream, continuation) = AsyncStream.makeStream(of: SNMPTrap.self, bufferingPolicy: .bufferingNewest(100_000))
        traps = stream
        core = TrapCore(communities: communities.map { Set($0.map { Array($0.utf8) }) }, users: users, continuation: continuation)
        let address = "udp:\(host):\(port)"
        let opened: Bool = await withCheckedContinuation { done in
            let core = self.core
            NetSNMPThread.shared.execute { done.resume(returning: core.open(address)) }
        }
        guard opened else {
            throw SNMPError(
                .invalidRequest, device: address,
                "cannot listen for traps on UDP \(host):\(port): the port is in use or the address is not this machine's; set `traps.port` to a free port"
            )
        }
    }

    public var counts: Counts { core.counts.withLock { $0 } }

    /// The SNMPv3 users accepted from now on (a reloaded inventory's).
    public func accept(users: [USMUser]) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let core = self.core
            NetSNMPThread.shared.execute {
                core.users = Dictionary(users.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
                core.localized.removeAll()
                done.resume()
            }
        }
    }

    /// Stops listening and ends `traps`.
    public func stop() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let core = self.core
            NetSNMPThread.shared.execute {
                core.close()
                done.resume()
            }
        }
    }
}

/// The listener's state on the net-snmp thread.
private final class TrapCore: @unchecked Sendable, NetSNMPReader {
    // @unchecked: everything but `counts` (a mutex) is touched only on the net-snmp thread.
    let communities: Set<[UInt8]>?
    let continuation: AsyncStream<SNMPTrap>.Continuation
    let counts = Mutex(SNMPTrapListener.Counts())
    /// The v3 users by name, and the (engine ID, name) pairs whose keys are loaded into net-snmp's USM table.
    var users: [String: USMUser]
    var localized: Set<[UInt8]> = []
    /// A sender can name any engine ID: at most this many are localized (each a few hundred bytes), then none.
    static let maximumLocalized = 100_000
    private var session: UnsafeMutableRawPointer?
    private var socket: Int32 = -1
    private var tag: UInt64 = 0
    /// Whether the datagram being read is a v3 message naming a user, and whether it was delivered or counted.
    private var reading: (v3User: Bool, settled: Bool) = (false, false)
    private var peek = [UInt8](repeating: 0, count: 65_536)

    init(communities: Set<[UInt8]>?, users: [USMUser], continuation: AsyncStream<SNMPTrap>.Continuation) {
        self.communities = communities
        self.users = Dictionary(users.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.continuation = continuation
    }

    func open(_ address: String) -> Bool {
        var fd: Int32 = -1
        let magic = Unmanaged.passUnretained(self).toOpaque()
        guard
            let handle = edunet_open_trap_session(
                address,
                { op, _, _, pdu, magic in
                    guard op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE, let pdu, let magic else { return 1 }
                    Unmanaged<TrapCore>.fromOpaque(magic).takeUnretainedValue().received(pdu)
                    return 1
                }, magic, &fd)
        else { return false }
        session = handle
        socket = fd
        tag = NetSNMPThread.shared.watch(session: handle, socket: fd, core: self)
        return true
    }

    func close() {
        if let session {
            NetSNMPThread.shared.unwatch(tag: tag, socket: socket)
            snmp_sess_close(session)
        }
        session = nil
        continuation.finish()
    }

    /// Before net-snmp reads the datagram: a v3 message of a known user gets that user's keys localized to the engine ID
    /// it names (a trap's sender, or this engine for an inform), unless they are loaded already.
    func beforeRead(socket: Int32) {
        reading = (false, false)
        let count = peek.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, Int32(MSG_PEEK | MSG_DONTWAIT)) }
        // An inform's sender first asks for this engine's ID with an empty one and no user: not a message to count.
        guard count > 0, let header = peek.withUnsafeBytes({ USMMessageHeader(UnsafeRawBufferPointer(rebasing: $0[..<count])) }),
            !header.engineID.isEmpty, !header.userName.isEmpty
        else { return }
        reading.v3User = true
        guard let user = users[header.userName] else { return }
        let key = header.engineID + [0] + Array(user.name.utf8)
        guard !localized.contains(key), localized.count < Self.maximumLocalized else { return }
        let rc = edunet_usm_load_user(
            header.engineID, header.engineID.count, user.name, user.auth?.protocol.index ?? 0, user.auth?.passphrase ?? "",
            user.auth?.passphrase.utf8.count ?? 0, user.privacy?.protocol.index ?? 0, user.privacy?.passphrase ?? "",
            user.privacy?.passphrase.utf8.count ?? 0)
        if rc == SNMPERR_SUCCESS { localized.insert(key) }
    }

    /// A v3 message naming a user that was neither delivered nor counted was refused by USM.
    func afterRead() {
        if reading.v3User && !reading.settled { counts.withLock { $0.rejectedUSM += 1 } }
        reading = (false, false)
    }

    private func received(_ pdu: UnsafeMutablePointer<netsnmp_pdu>) {
        let command = pdu.pointee.command
        guard [Int32(EDUNET_MSG_TRAP), Int32(EDUNET_MSG_TRAP2), Int32(EDUNET_MSG_INFORM)].contains(command) else { return }
        let version = pdu.pointee.version == SNMP_VERSION_1 ? 1 : pdu.pointee.version == SNMP_VERSION_2c ? 2 : 3
        reading.settled = true
        if version == 3 {
            let name = pdu.pointee.securityName.map { String(cString: $0) } ?? ""
            // A user net-snmp knows from polling a device, but not one accepted for notifications, is refused as USM would.
            guard let user = users[name] else {
                counts.withLock { $0.rejectedUSM += 1 }
                return
            }
            guard pdu.pointee.securityLevel >= user.level else {
                counts.withLock { $0.rejectedSecurityLevel += 1 }
                return
            }
        } else if let communities {
            let given = pdu.pointee.community.map { Array(UnsafeBufferPointer(start: $0, count: pdu.pointee.community_len)) } ?? []
            guard communities.contains(given) else {
                counts.withLock { $0.rejectedCommunity += 1 }
                return
            }
        }
        var address = [CChar](repeating: 0, count: 64)
        let source =
            edunet_pdu_source_ipv4(pdu, &address, 64) == 1
            ? String(decoding: address.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
        let decoded: SNMPResponse
        do { decoded = try PDUCodec.decode(pdu) } catch {
            counts.withLock { $0.undecodable += 1 }
            return
        }
        var trapOID: OID
        var varbinds = decoded.varbinds
        if command == Int32(EDUNET_MSG_TRAP) {
            trapOID = Self.v1TrapOID(pdu.pointee)
        } else {
            // v2: sysUpTime.0, snmpTrapOID.0, then the trap's own varbinds.
            let snmpTrapOID = OID([1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0])
            guard let index = varbinds.firstIndex(where: { $0.oid == snmpTrapOID }), case .objectIdentifier(let oid) = varbinds[index].value else {
                counts.withLock { $0.undecodable += 1 }
                return
            }
            trapOID = oid
            varbinds = Array(varbinds[(index + 1)...])
        }
        if command == Int32(EDUNET_MSG_INFORM), let session { edunet_answer_inform(session, pdu) }
        continuation.yield(
            SNMPTrap(source: source, version: version, trapOID: trapOID, inform: command == Int32(EDUNET_MSG_INFORM), varbinds: varbinds))
    }

    /// RFC 3584 §3.1: a generic trap n is snmpTraps.(n+1); an enterprise-specific one is enterprise.0.specific.
    private static func v1TrapOID(_ pdu: netsnmp_pdu) -> OID {
        if pdu.trap_type != 6, (0...5).contains(pdu.trap_type) { return OID([1, 3, 6, 1, 6, 3, 1, 1, 5, UInt32(pdu.trap_type + 1)]) }
        let enterprise =
            pdu.enterprise.map { Array(UnsafeBufferPointer(start: $0, count: pdu.enterprise_length)).map { UInt32(truncatingIfNeeded: $0) } } ?? []
        return OID(enterprise + [0, UInt32(truncatingIfNeeded: pdu.specific_type)])
    }
}

extension USMUser {
    /// net-snmp's security level of the user: what a message of it must have at least.
    fileprivate var level: Int32 {
        Int32(privacy != nil ? SNMP_SEC_LEVEL_AUTHPRIV : auth != nil ? SNMP_SEC_LEVEL_AUTHNOPRIV : SNMP_SEC_LEVEL_NOAUTH)
    }
}
