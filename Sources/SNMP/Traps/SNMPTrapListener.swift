internal import CNetSNMP
import Foundation
import Synchronization

/// Receives SNMP v1/v2c traps and informs on a UDP address, through net-snmp on its one thread. Traps whose
/// community is not one of the accepted ones are dropped and counted (the community itself is never kept or logged);
/// informs are acknowledged. SNMPv3 traps are not accepted (no USM users are configured for them).
public final class SNMPTrapListener: Sendable {
    /// Traps dropped so far (the accepted ones are in `traps`).
    public struct Counts: Sendable, Hashable {
        public var rejectedCommunity = 0
        public var undecodable = 0
    }

    private let core: TrapCore
    /// Every trap accepted, in order of arrival.
    public let traps: AsyncStream<SNMPTrap>

    /// Binds `host:port` (UDP). `communities` nil accepts any community.
    public init(host: String, port: Int, communities: [String]?) async throws(SNMPError) {
        let (stream, continuation) = AsyncStream.makeStream(of: SNMPTrap.self, bufferingPolicy: .bufferingNewest(100_000))
        traps = stream
        core = TrapCore(communities: communities.map { Set($0.map { Array($0.utf8) }) }, continuation: continuation)
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
    // @unchecked: `session`, `socket` and `tag` are touched only on the net-snmp thread; `counts` is a mutex.
    let communities: Set<[UInt8]>?
    let continuation: AsyncStream<SNMPTrap>.Continuation
    let counts = Mutex(SNMPTrapListener.Counts())
    private var session: UnsafeMutableRawPointer?
    private var socket: Int32 = -1
    private var tag: UInt64 = 0

    init(communities: Set<[UInt8]>?, continuation: AsyncStream<SNMPTrap>.Continuation) {
        self.communities = communities
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

    func afterRead() {}

    private func received(_ pdu: UnsafeMutablePointer<netsnmp_pdu>) {
        let command = pdu.pointee.command
        guard [Int32(EDUNET_MSG_TRAP), Int32(EDUNET_MSG_TRAP2), Int32(EDUNET_MSG_INFORM)].contains(command) else { return }
        let version = pdu.pointee.version == SNMP_VERSION_1 ? 1 : pdu.pointee.version == SNMP_VERSION_2c ? 2 : 3
        if let communities {
            let given = pdu.pointee.community.map { Array(UnsafeBufferPointer(start: $0, count: pdu.pointee.community_len)) } ?? []
            guard version < 3, communities.contains(given) else {
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
