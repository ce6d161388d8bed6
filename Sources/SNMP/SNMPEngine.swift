internal import CNetSNMP
import Synchronization

/// The SNMP engine: many requests in flight at once over net-snmp's asynchronous API, all on one
/// I/O thread, bridged to `async` callers. Caps bound the requests in flight overall and per device
/// (one by default: slow stacked switches cannot take more), and each request has its target's
/// timeout and retries. Cancelling the calling task cancels the request.
public final class SNMPEngine: Sendable {
    /// Limits and defaults of an engine.
    public struct Configuration: Sendable {
        /// Requests in flight across all devices.
        public var maxInFlight: Int
        /// Requests in flight to one device.
        public var maxInFlightPerDevice: Int
        /// Requests in flight to one agent address, however many devices stand behind it: a burst beyond
        /// what its UDP receive buffer holds is dropped by the kernel and costs a timeout.
        public var maxInFlightPerAgent: Int
        /// A device's session (and its socket) is closed after this long unused. A poll's requests follow one
        /// another within milliseconds; between polls (a minute) a session is only memory and a descriptor.
        public var idleSessionTimeout: Duration

        public init(
            maxInFlight: Int = 1000, maxInFlightPerDevice: Int = 1, maxInFlightPerAgent: Int = 64,
            idleSessionTimeout: Duration = .seconds(10)
        ) {
            self.maxInFlight = max(1, maxInFlight)
            self.maxInFlightPerDevice = max(1, maxInFlightPerDevice)
            self.maxInFlightPerAgent = max(1, maxInFlightPerAgent)
            self.idleSessionTimeout = idleSessionTimeout
        }
    }

    public let configuration: Configuration
    private let core: EngineCore
    private let thread = NetSNMPThread.shared
    private let tokens = Atomic<Int>(0)

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let core = EngineCore(configuration: configuration, thread: thread)
        self.core = core
        thread.execute { [thread] in thread.attach(core) }
    }

    /// Fails everything queued or in flight with `engineStopped` and closes the engine's sessions.
    public func shutdown() {
        let core = self.core
        thread.execute { core.shutdown() }
    }

    /// Shuts down and waits until the engine's sessions are closed: call before the process exits, so that
    /// it does not exit while net-snmp is working.
    public func shutdown() async {
        let core = self.core
        await withCheckedContinuation { continuation in
            thread.execute {
                core.shutdown()
                continuation.resume()
            }
        }
    }

    deinit { shutdown() }

    /// A snapshot of the engine's load, for metrics and for tests.
    public struct Statistics: Sendable, Hashable {
        public var inFlight: Int
        public var queued: Int
        public var openSessions: Int
    }

    public func statistics() async -> Statistics {
        let core = self.core
        return await withCheckedContinuation { continuation in
            thread.execute { continuation.resume(returning: core.statistics) }
        }
    }

    /// Sends one request and waits for its answer.
    func send(_ request: PDURequest, to target: SNMPTarget) async throws(SNMPError) -> SNMPResponse {
        guard request.oids.count <= 1000 else {
            throw SNMPError(.invalidRequest, device: target.description, "too many OIDs in one request (\(request.oids.count))")
        }
        let result: Result<SNMPResponse, SNMPError> = await onThread { token, _, resume in
            EngineCore.Request(token: token, target: target, pdu: request, completion: resume)
        }
        return try result.get()
    }

    /// Runs a walk's round trips on the net-snmp thread, from `cursor` and its request `next`, until it ends, fails,
    /// or has `limit` varbinds for the caller.
    func walkChunk(_ cursor: WalkCursor, next: PDURequest, of target: SNMPTarget, limit: Int) async -> WalkChain.Chunk {
        await onThread { token, core, resume in
            WalkChain(cursor: cursor, token: token, target: target, limit: limit, core: core, resume: resume).request(next)
        }
    }

    /// Submits the request `make` builds (with its token, the engine's core and the function that resumes the
    /// caller) on the net-snmp thread and waits until it resumes; cancelling the task cancels the request.
    private func onThread<Value: Sendable>(
        _ make: @escaping @Sendable (Int, EngineCore, @escaping @Sendable (Value) -> Void) -> EngineCore.Request
    ) async -> Value {
        let token = tokens.wrappingAdd(1, ordering: .relaxed).newValue
        let core = self.core
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                thread.execute { core.submit(make(token, core) { continuation.resume(returning: $0) }) }
            }
        } onCancel: { [thread] in
            thread.execute { core.cancel(token: token) }
        }
    }

    /// GET: the values of exactly these OIDs (exceptions such as `noSuchObject` stand in for missing ones).
    public func get(_ target: SNMPTarget, _ oids: [OID]) async throws(SNMPError) -> [VarBind] {
        try Self.checked(await send(.get(oids), to: target), target: target).varbinds
    }

    /// GET-NEXT: for each OID, the next object in the agent's MIB order.
    public func getNext(_ target: SNMPTarget, _ oids: [OID]) async throws(SNMPError) -> [VarBind] {
        try Self.checked(await send(.getNext(oids), to: target), target: target).varbinds
    }

    /// GET-BULK (v2c/v3): the first `nonRepeaters` OIDs once, then up to `maxRepetitions` successors of each of the rest.
    public func getBulk(_ target: SNMPTarget, _ oids: [OID], nonRepeaters: Int = 0, maxRepetitions: Int) async throws(SNMPError) -> [VarBind] {
        try Self.checked(await send(.getBulk(oids, nonRepeaters: nonRepeaters, maxRepetitions: maxRepetitions), to: target), target: target).varbinds
    }

    /// SET: writes each value (all or none, as the agent commits a SET) and returns what the agent answered. A refusal is
    /// an error with code `.refused` whose `refusal` names the status and the object. Counters and exceptions cannot be
    /// written: asked to, it throws `.invalidRequest` and sends nothing.
    public func set(_ target: SNMPTarget, _ varbinds: [VarBind]) async throws(SNMPError) -> [VarBind] {
        if let unsettable = varbinds.first(where: { !PDUCodec.isSettable($0.value) }) {
            throw SNMPError(
                .invalidRequest, device: target.description,
                "\(unsettable.oid) cannot be set to a \(unsettable.value.typeName): write an Integer32, OctetString, OID, IpAddress, Gauge32, TimeTicks or Opaque"
            )
        }
        let response = try await send(.set(varbinds), to: target)
        guard response.errorStatus != 0 else { return response.varbinds }
        let status = Self.errorStatusNames[response.errorStatus] ?? "error status \(response.errorStatus)"
        let oid = varbinds.indices.contains(response.errorIndex - 1) ? varbinds[response.errorIndex - 1].oid : nil
        let why =
            switch status {
            case "notWritable": "the object cannot be written on this agent"
            case "noAccess", "authorizationError": "these credentials may not write it (check the agent's write community or v3 user and its view)"
            case "wrongType": "the value's type is not the object's"
            case "wrongValue", "badValue": "the agent does not take this value"
            case "inconsistentValue": "the value conflicts with the device's state now"
            case "readOnly": "the object is read-only"
            default: "the agent could not apply it"
            }
        throw SNMPError(
            .refused, device: target.description, "the agent refused the SET: \(status)\(oid.map { " at \($0)" } ?? ""); \(why)",
            refusal: .init(status: status, oid: oid))
    }

    /// Turns an error status in the answer into an `SNMPError` naming the OID at fault.
    static func checked(_ response: SNMPResponse, target: SNMPTarget) throws(SNMPError) -> SNMPResponse {
        guard response.errorStatus != 0 else { return response }
        let index = response.errorIndex - 1
        let at = response.varbinds.indices.contains(index) ? " at \(response.varbinds[index].oid)" : ""
        if response.errorStatus == Int(SNMP_ERR_NOSUCHNAME) {
            throw SNMPError(.noSuchName, device: target.description, "noSuchName\(at): the agent has no such object")
        }
        let name = Self.errorStatusNames[response.errorStatus] ?? "error status \(response.errorStatus)"
        throw SNMPError(.agentError, device: target.description, "the agent answered \(name)\(at)")
    }

    static let errorStatusNames: [Int: String] = [
        1: "tooBig", 2: "noSuchName", 3: "badValue", 4: "readOnly", 5: "genErr", 6: "noAccess", 7: "wrongType",
        8: "wrongLength", 9: "wrongEncoding", 10: "wrongValue", 11: "noCreation", 12: "inconsistentValue",
        13: "resourceUnavailable", 14: "commitFailed", 15: "undoFailed", 16: "authorizationError", 17: "notWritable",
        18: "inconsistentName",
    ]
}
