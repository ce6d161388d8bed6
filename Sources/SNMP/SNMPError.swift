/// The error every SNMP operation throws: which device, what went wrong, and what to check.
public struct SNMPError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Value: Sendable, Hashable {
            case timeout, unreachable, authenticationFailure, privacyFailure, unknownUser, unknownEngine
            case unsupportedSecurityLevel, notInTimeWindow, noSuchName, agentError, decodeError, nonIncreasing
            case cancelled, invalidRequest, engineStopped, refused
        }
        fileprivate let value: Value

        /// No answer within timeout × (retries + 1).
        public static let timeout = Code(value: .timeout)
        /// The request could not be sent (no route, bad address).
        public static let unreachable = Code(value: .unreachable)
        /// v3: wrong authentication key or protocol.
        public static let authenticationFailure = Code(value: .authenticationFailure)
        /// v3: wrong privacy key or protocol (the agent could not decrypt).
        public static let privacyFailure = Code(value: .privacyFailure)
        /// v3: the agent has no such user.
        public static let unknownUser = Code(value: .unknownUser)
        /// v3: the agent's engine ID could not be learnt or was refused.
        public static let unknownEngine = Code(value: .unknownEngine)
        /// v3: the user is not configured for the requested security level.
        public static let unsupportedSecurityLevel = Code(value: .unsupportedSecurityLevel)
        /// v3: the clocks could not be synchronised.
        public static let notInTimeWindow = Code(value: .notInTimeWindow)
        /// v1: noSuchName for a requested OID.
        public static let noSuchName = Code(value: .noSuchName)
        /// The agent answered with another error status (genErr, tooBig at one repetition, …).
        public static let agentError = Code(value: .agentError)
        /// The answer could not be decoded.
        public static let decodeError = Code(value: .decodeError)
        /// A walk returned an OID not after the previous one (a looping or broken agent).
        public static let nonIncreasing = Code(value: .nonIncreasing)
        /// The caller cancelled the request.
        public static let cancelled = Code(value: .cancelled)
        /// The request itself is not valid (bad address, too many OIDs, …).
        public static let invalidRequest = Code(value: .invalidRequest)
        /// The engine was shut down.
        public static let engineStopped = Code(value: .engineStopped)
        /// The agent refused a SET: `refusal` says why (notWritable, wrongValue, noAccess, …) and of which object.
        public static let refused = Code(value: .refused)

        public var description: String { "\(value)" }
    }

    public let code: Code
    /// The device, as `name (host:port)` or `host:port`.
    public let device: String
    public let message: String
    /// For `.refused`: the agent's error status by its RFC 3416 name, and the object it named (error-index).
    public let refusal: Refusal?

    /// Why an agent refused a SET, as it said.
    public struct Refusal: Sendable, Hashable {
        /// `notWritable`, `wrongValue`, `noAccess`, `inconsistentValue`, `wrongType` … (RFC 3416 §3).
        public let status: String
        /// The object at fault (the error-index'th of the request), when the index names one.
        public let oid: OID?

        public init(status: String, oid: OID?) {
            self.status = status
            self.oid = oid
        }
    }

    public init(_ code: Code, device: String, _ message: String, refusal: Refusal? = nil) {
        self.code = code
        self.device = device
        self.message = message
        self.refusal = refusal
    }

    public var description: String { "\(device): \(message)" }

    static func timeout(_ target: SNMPTarget) -> SNMPError {
        let attempts = target.retries + 1
        let credential =
            switch target.credentials {
            case .v3: "the v3 user and its keys"
            default: "the community and the agent's access list"
            }
        return SNMPError(
            .timeout, device: target.description,
            "no answer after \(attempts) attempt\(attempts == 1 ? "" : "s") of \(target.timeout); check that the device is up, "
                + "that \(target.endpoint) is its SNMP address and port, and \(credential)")
    }
}
