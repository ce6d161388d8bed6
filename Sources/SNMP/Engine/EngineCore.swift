internal import CNetSNMP
import Foundation

/// One engine's state on the net-snmp thread: per-device queues and caps, open sessions, requests in
/// flight by token, and v3 engine IDs learnt. Only the net-snmp thread touches it.
final class EngineCore: @unchecked Sendable, NetSNMPReader {
    // @unchecked: confined to NetSNMPThread; other threads reach it only through `NetSNMPThread.execute`.
    typealias Completion = @Sendable (Result<SNMPResponse, SNMPError>) -> Void

    struct Request {
        let token: Int
        let target: SNMPTarget
        let pdu: PDURequest
        let completion: Completion
    }

    /// A device as the engine sees it: one address with one set of credentials, and its name when it has
    /// one (two named devices behind one address, as in a benchmark, are two devices).
    /// An agent's address: the devices behind it share `maxInFlightPerAgent`.
    struct Agent: Hashable {
        let host: String
        let port: UInt16
    }

    struct DeviceKey: Hashable {
        let host: String
        let port: UInt16
        let credentials: SNMPCredentials
        let name: String?
    }

    final class Session {
        let handle: UnsafeMutableRawPointer
        let socket: Int32
        let tag: UInt64
        var inFlight: Set<Int> = []
        var lastUsed: ContinuousClock.Instant

        init(handle: UnsafeMutableRawPointer, socket: Int32, tag: UInt64, now: ContinuousClock.Instant) {
            self.handle = handle
            self.socket = socket
            self.tag = tag
            self.lastUsed = now
        }
    }

    final class Device {
        let key: DeviceKey
        var queue: [Request] = []
        var queueHead = 0
        var inFlight = 0
        var session: Session?
        /// v3: the agent's engine ID once learnt, and whether a discovery is under way.
        var engineID: [UInt8]?
        var discovering = false

        init(key: DeviceKey) { self.key = key }

        var agent: Agent { Agent(host: key.host, port: key.port) }

        var hasQueued: Bool { queueHead < queue.count }

        func dequeue() -> Request {
            let request = queue[queueHead]
            queueHead += 1
            if queueHead == queue.count {
                // Drained: let go of the answered requests (their targets and continuations) at once.
                queue.removeAll(keepingCapacity: true)
                queueHead = 0
            } else if queueHead > 64, queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            return request
        }
    }

    private enum InFlight {
        case request(Request, Device, Session)
        case discovery(Device, Session, SNMPTarget)
        /// Cancelled by its caller; net-snmp still holds it until the answer or the timeout.
        case abandoned(Device, Session)
    }

    let configuration: SNMPEngine.Configuration
    private let thread: NetSNMPThread
    private var devices: [DeviceKey: Device] = [:]
    /// The devices with a session open: the ones a tick looks at. An engine knows every device of a city, and most
    /// are idle between their polls with their sessions closed.
    private var withSession: [ObjectIdentifier: Device] = [:]
    private var inFlight: [Int: InFlight] = [:]
    /// The caps on requests in flight, and the devices waiting for a slot.
    private var admission: RequestAdmission<Agent, Device>
    private var cancelledEarly: Set<Int> = []
    /// Sessions whose closing was asked for inside a net-snmp callback, closed after the read returns.
    private var sessionsToClose: [(Device, Session)] = []
    private var pumpNeeded: [Device] = []
    private var discoverySequence = -1

    init(configuration: SNMPEngine.Configuration, thread: NetSNMPThread) {
        self.configuration = configuration
        self.thread = thread
        admission = RequestAdmission(maxInFlight: configuration.maxInFlight, maxInFlightPerAgent: configuration.maxInFlightPerAgent)
    }

    var isBusy: Bool { admission.inFlight > 0 }

    var statistics: SNMPEngine.Statistics {
        SNMPEngine.Statistics(
            inFlight: admission.inFlight, queued: devices.values.reduce(0) { $0 + $1.queue.count - $1.queueHead },
            openSessions: withSession.count)
    }

    // MARK: - Requests from callers (run as jobs on the thread)

    func submit(_ request: Request) {
        if cancelledEarly.remove(request.token) != nil {
            request.completion(.failure(Self.cancelled(request.target)))
            return
        }
        let device = self.device(for: request.target)
        device.queue.append(request)
        pump(device)
    }

    /// Queues a walk's next request from inside net-snmp's callback for its last answer (`WalkChain`): nothing may be
    /// sent there, and `handle` pumps the device once the read returns.
    func queueFromCallback(_ request: Request) {
        device(for: request.target).queue.append(request)
    }

    private func device(for target: SNMPTarget) -> Device {
        let key = DeviceKey(host: target.host, port: target.port, credentials: target.credentials, name: target.name)
        if let device = devices[key] { return device }
        let created = Device(key: key)
        devices[key] = created
        return created
    }

    func cancel(token: Int) {
        if let entry = inFlight[token] {
            guard case .request(let request, let device, let session) = entry else { return }
            request.completion(.failure(Self.cancelled(request.target)))
            if session.inFlight == [token] {
                // The only request on the session: closing it frees the request in net-snmp now.
                finish(token: token, device: device, session: session)
                close(session, of: device)
                pump(device)
            } else {
                inFlight[token] = .abandoned(device, session)
            }
            return
        }
        for device in devices.values {
            if let index = device.queue[device.queueHead...].firstIndex(where: { $0.token == token }) {
                let request = device.queue.remove(at: index)
                request.completion(.failure(Self.cancelled(request.target)))
                return
            }
        }
        cancelledEarly.insert(token)
    }

    func shutdown() {
        for (token, entry) in inFlight {
            if case .request(let request, _, _) = entry {
                request.completion(.failure(SNMPError(.engineStopped, device: request.target.description, "the SNMP engine was shut down")))
            }
            inFlight[token] = nil
        }
        for device in devices.values {
            while device.hasQueued {
                let request = device.dequeue()
                request.completion(.failure(SNMPError(.engineStopped, device: request.target.description, "the SNMP engine was shut down")))
            }
            if let session = device.session { close(session, of: device) }
        }
        devices.removeAll()
        admission.reset()
        thread.detach(self)
    }

    // MARK: - Admission

    private func pump(_ device: Device) {
        while device.hasQueued, device.inFlight < configuration.maxInFlightPerDevice {
            guard admission.admit(device, at: device.agent) == nil else { return }  // it waits for a slot
            if case .v3 = device.key.credentials, device.engineID == nil {
                if !device.discovering { discover(device) }
                return
            }
            send(device.dequeue(), on: device)
        }
    }

    private func send(_ request: Request, on device: Device) {
        let session: Session
        do {
            session = try openSession(for: device, target: request.target)
        } catch {
            request.completion(.failure(error))
            return
        }
        guard let pdu = PDUCodec.makePDU(request.pdu) else {
            request.completion(.failure(SNMPError(.invalidRequest, device: request.target.description, "cannot build the request")))
            return
        }
        inFlight[request.token] = .request(request, device, session)
        session.inFlight.insert(request.token)
        device.inFlight += 1
        admission.sent(to: device.agent)
        session.lastUsed = ContinuousClock.now
        let sent = snmp_sess_async_send(
            session.handle, pdu,
            { op, session, _, pdu, magic in
                EngineCore.callback(op: op, session: session, pdu: pdu, magic: magic)
            }, UnsafeMutableRawPointer(bitPattern: request.token))
        if sent == 0 {
            // Not sent: the PDU is still ours to free, and the callback may already have run.
            snmp_free_pdu(pdu)
            if inFlight[request.token] != nil {
                finish(token: request.token, device: device, session: session)
                request.completion(
                    .failure(
                        SNMPError(
                            .unreachable, device: request.target.description,
                            "cannot send: \(Self.sessionError(session.handle)); check the address")))
            }
        }
    }

    // MARK: - v3 engine-ID discovery, without blocking the thread

    /// Sends an empty noAuthNoPriv GET with no engine ID; the agent's report carries its engine ID.
    private func discover(_ device: Device) {
        guard let request = device.queue[device.queueHead...].first else { return }
        let target = request.target
        var session = netsnmp_session()
        snmp_sess_init(&session)
        session.version = Int(SNMP_VERSION_3)
        session.securityModel = Int32(SNMP_SEC_MODEL_USM)
        session.securityLevel = Int32(SNMP_SEC_LEVEL_NOAUTH)
        session.flags |= UInt(SNMP_FLAGS_DONT_PROBE)
        let emptyName = strdup("")
        defer { free(emptyName) }
        session.securityName = emptyName
        session.securityNameLen = 0
        guard let handle = open(&session, target: target) else {
            failQueued(device, with: SNMPError(.unreachable, device: target.description, "cannot open a session to \(target.endpoint)"))
            return
        }
        device.discovering = true
        let sessionRecord = Session(
            handle: handle.handle, socket: handle.socket, tag: thread.watch(session: handle.handle, socket: handle.socket, core: self), now: .now)
        let token = discoverySequence
        discoverySequence -= 1
        guard let pdu = snmp_pdu_create(Int32(EDUNET_MSG_GET)) else { return }
        inFlight[token] = .discovery(device, sessionRecord, target)
        sessionRecord.inFlight.insert(token)
        admission.sent(to: nil)
        if snmp_sess_async_send(
            handle.handle, pdu,
            { op, session, _, pdu, magic in
                EngineCore.callback(op: op, session: session, pdu: pdu, magic: magic)
            }, UnsafeMutableRawPointer(bitPattern: token)) == 0
        {
            snmp_free_pdu(pdu)
            if inFlight.removeValue(forKey: token) != nil {
                admission.finished(at: nil)
                device.discovering = false
                closeSession(sessionRecord, of: device)
                failQueued(device, with: SNMPError(.unreachable, device: target.description, "cannot send the engine-ID discovery"))
            }
        }
    }

    private func failQueued(_ device: Device, with error: SNMPError) {
        while device.hasQueued {
            let request = device.dequeue()
            request.completion(.failure(SNMPError(error.code, device: request.target.description, error.message)))
        }
    }

    // MARK: - Sessions

    private struct OpenHandle {
        let handle: UnsafeMutableRawPointer
        let socket: Int32
    }

    private func open(_ session: inout netsnmp_session, target: SNMPTarget) -> OpenHandle? {
        let peer = strdup(target.peerName)
        defer { free(peer) }
        session.peername = peer
        session.retries = Int32(target.retries)
        session.timeout = Int(target.timeout.components.seconds * 1_000_000 + target.timeout.components.attoseconds / 1_000_000_000_000)
        session.myvoid = Unmanaged.passUnretained(self).toOpaque()
        guard let handle = snmp_sess_open(&session), let transport = snmp_sess_transport(handle) else { return nil }
        return OpenHandle(handle: handle, socket: transport.pointee.sock)
    }

    private func openSession(for device: Device, target: SNMPTarget) throws(SNMPError) -> Session {
        if let session = device.session { return session }
        var session = netsnmp_session()
        snmp_sess_init(&session)
        var community: [UInt8] = []
        var keepAlive: [UnsafeMutablePointer<CChar>] = []
        defer { for pointer in keepAlive { pointer.deallocate() } }
        switch device.key.credentials {
        case .v1(let text), .v2c(let text):
            if case .v1 = device.key.credentials { session.version = Int(SNMP_VERSION_1) } else { session.version = Int(SNMP_VERSION_2c) }
            community = Array(text.utf8)
        case .v3(let user):
            guard let engineID = device.engineID else { throw SNMPError(.unknownEngine, device: target.description, "engine ID not known") }
            session.version = Int(SNMP_VERSION_3)
            session.securityModel = Int32(SNMP_SEC_MODEL_USM)
            let name = Self.cString(user.name)
            keepAlive.append(name)
            session.securityName = name
            session.securityNameLen = strlen(name)
            let authPass = user.auth?.passphrase ?? ""
            let privPass = user.privacy?.passphrase ?? ""
            let rc = edunet_session_set_usm(
                &session, user.auth?.protocol.index ?? 0, authPass, authPass.utf8.count,
                user.privacy?.protocol.index ?? 0, privPass, privPass.utf8.count)
            guard rc == SNMPERR_SUCCESS else {
                throw SNMPError(
                    .invalidRequest, device: target.description,
                    "cannot derive the v3 keys (\(String(cString: snmp_api_errstring(rc)))); passphrases need at least 8 characters")
            }
            // net-snmp keeps one USM user per (engine ID, name) for the whole process: load this device's keys
            // unless they are loaded already.
            var keys = Hasher()
            keys.combine(user.auth?.protocol.index)
            keys.combine(authPass)
            keys.combine(user.privacy?.protocol.index)
            keys.combine(privPass)
            let mustLoad = thread.claimUSMUser(
                engineID + [0] + Array(user.name.utf8), keys: keys.finalize(),
                by: .init(core: ObjectIdentifier(self), device: device.key)
            ) {
                [weak self, weak device] in
                if let self, let device, let session = device.session { self.close(session, of: device) }
            }
            if mustLoad { edunet_usm_forget_user(engineID, engineID.count, user.name) }
            // snmp_sess_open copies the engine ID; this copy lives until the function returns.
            let engineCopy = UnsafeMutablePointer<CChar>.allocate(capacity: engineID.count)
            engineCopy.withMemoryRebound(to: UInt8.self, capacity: engineID.count) { $0.initialize(from: engineID, count: engineID.count) }
            keepAlive.append(engineCopy)
            session.securityEngineID = UnsafeMutableRawPointer(engineCopy).assumingMemoryBound(to: UInt8.self)
            session.securityEngineIDLen = engineID.count
        }
        let opened: OpenHandle? = community.withUnsafeMutableBufferPointer { buffer in
            if !buffer.isEmpty {
                session.community = buffer.baseAddress
                session.community_len = buffer.count
            }
            let result = open(&session, target: target)
            if session.securityAuthProto != nil { free(session.securityAuthProto) }
            if session.securityPrivProto != nil { free(session.securityPrivProto) }
            return result
        }
        guard let opened else {
            throw SNMPError(.unreachable, device: target.description, "cannot open a session to \(target.endpoint): \(Self.lastError())")
        }
        let record = Session(
            handle: opened.handle, socket: opened.socket,
            tag: thread.watch(session: opened.handle, socket: opened.socket, core: self), now: .now)
        device.session = record
        withSession[ObjectIdentifier(device)] = device
        return record
    }

    private func close(_ session: Session, of device: Device) {
        // Requests still held by net-snmp are reported as timed out by snmp_sess_close: drop them first.
        for token in session.inFlight {
            if case .request(let request, _, _)? = inFlight[token] {
                request.completion(.failure(SNMPError(.cancelled, device: request.target.description, "the session was closed")))
            }
            if inFlight.removeValue(forKey: token) != nil {
                device.inFlight -= 1
                admission.finished(at: device.agent)
            }
        }
        session.inFlight.removeAll()
        closeSession(session, of: device)
    }

    private func closeSession(_ session: Session, of device: Device) {
        if device.session === session {
            device.session = nil
            withSession[ObjectIdentifier(device)] = nil
        }
        thread.unwatch(tag: session.tag, socket: session.socket)
        snmp_sess_close(session.handle)
    }

    private func finish(token: Int, device: Device, session: Session) {
        inFlight[token] = nil
        session.inFlight.remove(token)
        session.lastUsed = .now
        device.inFlight -= 1
        admission.finished(at: device.agent)
    }

    // MARK: - Answers (inside net-snmp's read or timeout processing)

    /// The C callback: finds the engine through the session's `myvoid` and the request through its token.
    /// Returns 1 ("handled"); for a notInTimeWindow report it records the report type so net-snmp resends.
    private static func callback(
        op: Int32, session: UnsafeMutablePointer<netsnmp_session>?,
        pdu: UnsafeMutablePointer<netsnmp_pdu>?, magic: UnsafeMutableRawPointer?
    ) -> Int32 {
        guard let session, let core = session.pointee.myvoid else { return 1 }
        let engine = Unmanaged<EngineCore>.fromOpaque(core).takeUnretainedValue()
        return engine.handle(op: op, session: session, pdu: pdu, token: Int(bitPattern: magic))
    }

    private func handle(
        op: Int32, session rawSession: UnsafeMutablePointer<netsnmp_session>,
        pdu: UnsafeMutablePointer<netsnmp_pdu>?, token: Int
    ) -> Int32 {
        // A retransmission is only news: the request is still open.
        if op == NETSNMP_CALLBACK_OP_RESEND { return 1 }
        // A v3 report of notInTimeWindow is recoverable: net-snmp resends when the session's error says so.
        if op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE, let pdu, pdu.pointee.command == EDUNET_MSG_REPORT {
            let type = snmpv3_get_report_type(pdu)
            rawSession.pointee.s_snmp_errno = type
            if type == SNMPERR_NOT_IN_TIME_WINDOW, case .request? = inFlight[token] { return 1 }
        }
        guard let entry = inFlight[token] else { return 1 }  // already answered (v3 calls twice on errors)
        switch entry {
        case .abandoned(let device, let session):
            finish(token: token, device: device, session: session)
            schedulePump(device)
        case .discovery(let device, let session, let target):
            inFlight[token] = nil
            session.inFlight.remove(token)
            admission.finished(at: nil)
            device.discovering = false
            sessionsToClose.append((device, session))
            // net-snmp copies the engine ID from the agent's report into the session (and into the PDU when it
            // resends); either will do. The resend itself fails for want of a user, which is expected here.
            if let id = Self.engineID(rawSession.pointee.securityEngineID, rawSession.pointee.securityEngineIDLen)
                ?? pdu.flatMap({ Self.engineID($0.pointee.securityEngineID, $0.pointee.securityEngineIDLen) })
            {
                device.engineID = id
                schedulePump(device)
            } else if op == NETSNMP_CALLBACK_OP_TIMED_OUT {
                failQueued(device, with: .timeout(target))
            } else {
                failQueued(
                    device,
                    with: SNMPError(
                        .unknownEngine, device: target.description,
                        "the agent did not reveal its engine ID; check that it speaks SNMPv3"))
            }
        case .request(let request, let device, let session):
            finish(token: token, device: device, session: session)
            request.completion(result(op: op, pdu: pdu, target: request.target, session: rawSession))
            schedulePump(device)
        }
        return 1
    }

    private func result(
        op: Int32, pdu: UnsafeMutablePointer<netsnmp_pdu>?, target: SNMPTarget,
        session: UnsafeMutablePointer<netsnmp_session>
    ) -> Result<SNMPResponse, SNMPError> {
        switch op {
        case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE:
            guard let pdu else { return .failure(SNMPError(.decodeError, device: target.description, "an empty answer")) }
            if pdu.pointee.command == EDUNET_MSG_REPORT {
                return .failure(Self.securityError(snmpv3_get_report_type(pdu), target: target))
            }
            do { return .success(try PDUCodec.decode(pdu)) } catch {
                return .failure(SNMPError(.decodeError, device: target.description, "cannot decode the answer: \(error.message)"))
            }
        case NETSNMP_CALLBACK_OP_TIMED_OUT:
            return .failure(.timeout(target))
        case NETSNMP_CALLBACK_OP_SEC_ERROR:
            let type = pdu.map { snmpv3_get_report_type($0) } ?? session.pointee.s_snmp_errno
            return .failure(Self.securityError(type == 0 ? SNMPERR_AUTHENTICATION_FAILURE : type, target: target))
        default:
            return .failure(
                SNMPError(
                    .unreachable, device: target.description,
                    "the request could not be sent (\(Self.lastError())); check the address and the route"))
        }
    }

    static func securityError(_ type: Int32, target: SNMPTarget) -> SNMPError {
        let device = target.description
        switch type {
        case SNMPERR_AUTHENTICATION_FAILURE, SNMPERR_USM_AUTHENTICATIONFAILURE:
            return SNMPError(
                .authenticationFailure, device: device,
                "authentication failed; check the v3 authentication protocol and key for this user")
        case SNMPERR_DECRYPTION_ERR, SNMPERR_USM_DECRYPTIONERROR:
            return SNMPError(.privacyFailure, device: device, "the agent could not decrypt the request; check the v3 privacy protocol and key")
        case SNMPERR_UNKNOWN_USER_NAME, SNMPERR_USM_UNKNOWNSECURITYNAME:
            return SNMPError(.unknownUser, device: device, "the agent has no such v3 user; check the user name")
        case SNMPERR_UNKNOWN_ENG_ID, SNMPERR_USM_UNKNOWNENGINEID:
            return SNMPError(.unknownEngine, device: device, "the agent refused the engine ID; it may have been replaced or reset")
        case SNMPERR_UNSUPPORTED_SEC_LEVEL, SNMPERR_USM_UNSUPPORTEDSECURITYLEVEL:
            return SNMPError(
                .unsupportedSecurityLevel, device: device,
                "the v3 user is not configured for this security level; check whether it has authentication and privacy")
        case SNMPERR_NOT_IN_TIME_WINDOW, SNMPERR_USM_NOTINTIMEWINDOW:
            return SNMPError(.notInTimeWindow, device: device, "the agent's clock could not be synchronised (notInTimeWindow)")
        default:
            return SNMPError(
                .authenticationFailure, device: device,
                "the agent reported a security error (\(String(cString: snmp_api_errstring(type))))")
        }
    }

    // MARK: - After each read and on every tick

    private func schedulePump(_ device: Device) { pumpNeeded.append(device) }

    /// Work that must not happen inside a net-snmp callback: closing sessions, sending new requests.
    func afterRead() {
        for (device, session) in sessionsToClose { closeSession(session, of: device) }
        sessionsToClose.removeAll()
        let devices = pumpNeeded
        pumpNeeded.removeAll()
        for device in devices { pump(device) }
        while let device = admission.nextToWake() { pump(device) }
    }

    func tick(now: ContinuousClock.Instant) {
        var busy: [Session] = []
        var idle: [Device] = []
        for device in withSession.values {
            guard let session = device.session else { continue }
            if !session.inFlight.isEmpty {
                busy.append(session)
            } else if !device.hasQueued, now - session.lastUsed > configuration.idleSessionTimeout {
                idle.append(device)
            }
        }
        for (_, entry) in inFlight {
            if case .discovery(_, let session, _) = entry { busy.append(session) }
        }
        for session in busy { snmp_sess_timeout(session.handle) }
        for device in idle { if let session = device.session { close(session, of: device) } }
        afterRead()
    }

    // MARK: - Helpers

    /// A NUL-terminated copy of `text`, to be released with `deallocate()`.
    private static func cString(_ text: String) -> UnsafeMutablePointer<CChar> {
        let bytes = Array(text.utf8CString)
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        pointer.initialize(from: bytes, count: bytes.count)
        return pointer
    }

    private static func engineID(_ pointer: UnsafeMutablePointer<UInt8>?, _ length: Int) -> [UInt8]? {
        guard let pointer, length > 0 else { return nil }
        return Array(UnsafeBufferPointer(start: pointer, count: length))
    }

    static func cancelled(_ target: SNMPTarget) -> SNMPError {
        SNMPError(.cancelled, device: target.description, "the request was cancelled")
    }

    private static func lastError() -> String { String(cString: snmp_api_errstring(edunet_snmp_errno())) }

    private static func sessionError(_ handle: UnsafeMutableRawPointer) -> String {
        var cError: Int32 = 0
        var snmpError: Int32 = 0
        var text: UnsafeMutablePointer<CChar>?
        snmp_sess_error(handle, &cError, &snmpError, &text)
        defer { free(text) }
        return text.map { String(cString: $0) } ?? "unknown error"
    }
}
