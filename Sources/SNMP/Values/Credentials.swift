/// How to authenticate to an agent: a v1/v2c community or a v3 USM user. Held in memory only;
/// `description` never shows a secret.
public enum SNMPCredentials: Sendable, Hashable, CustomStringConvertible {
    case v1(community: String)
    case v2c(community: String)
    case v3(USMUser)

    public var description: String {
        switch self {
        case .v1: "v1 community"
        case .v2c: "v2c community"
        case .v3(let user): "v3 user \(user.name) (\(user.securityLevel))"
        }
    }
}

/// An SNMPv3 user: name, and optionally authentication and privacy with their passphrases.
public struct USMUser: Sendable, Hashable {
    /// Authentication protocols net-snmp supports.
    public enum AuthProtocol: String, Sendable, Hashable, CaseIterable {
        case md5 = "MD5"
        case sha = "SHA"
        case sha224 = "SHA-224"
        case sha256 = "SHA-256"
        case sha384 = "SHA-384"
        case sha512 = "SHA-512"

        var index: Int32 { Int32(Self.allCases.firstIndex(of: self)! + 1) }
    }

    /// Privacy protocols net-snmp supports.
    public enum PrivacyProtocol: String, Sendable, Hashable, CaseIterable {
        case des = "DES"
        case aes128 = "AES-128"
        case aes192 = "AES-192"
        case aes256 = "AES-256"

        var index: Int32 { Int32(Self.allCases.firstIndex(of: self)! + 1) }
    }

    public var name: String
    public var auth: (protocol: AuthProtocol, passphrase: String)?
    public var privacy: (protocol: PrivacyProtocol, passphrase: String)?

    public init(
        name: String, auth: (protocol: AuthProtocol, passphrase: String)? = nil,
        privacy: (protocol: PrivacyProtocol, passphrase: String)? = nil
    ) {
        self.name = name
        self.auth = auth
        self.privacy = privacy
    }

    public var securityLevel: String { privacy != nil ? "authPriv" : auth != nil ? "authNoPriv" : "noAuthNoPriv" }

    public static func == (lhs: USMUser, rhs: USMUser) -> Bool {
        lhs.name == rhs.name && lhs.auth?.protocol == rhs.auth?.protocol && lhs.auth?.passphrase == rhs.auth?.passphrase
            && lhs.privacy?.protocol == rhs.privacy?.protocol && lhs.privacy?.passphrase == rhs.privacy?.passphrase
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(auth?.protocol)
        hasher.combine(auth?.passphrase)
        hasher.combine(privacy?.protocol)
        hasher.combine(privacy?.passphrase)
    }
}

/// A device to talk to: where it answers and how to authenticate, with its own timeout and retries.
public struct SNMPTarget: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    public var credentials: SNMPCredentials
    /// How long to wait for each attempt.
    public var timeout: Duration
    /// How many times to resend after the first attempt.
    public var retries: Int
    /// The device's name (the inventory's device id), shown in messages. Requests to one named device share
    /// its per-device cap; two names behind one address are two devices.
    public var name: String?

    public init(
        host: String, port: UInt16 = 161, credentials: SNMPCredentials, timeout: Duration = .seconds(2),
        retries: Int = 2, name: String? = nil
    ) {
        self.host = host
        self.port = port
        self.credentials = credentials
        self.timeout = timeout
        self.retries = retries
        self.name = name
    }

    /// `host:port`, bracketed for IPv6.
    public var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var description: String { name.map { "\($0) (\(endpoint))" } ?? endpoint }

    /// The peer name net-snmp parses: `udp:HOST:PORT` or `udp6:[HOST]:PORT`.
    var peerName: String { host.contains(":") ? "udp6:[\(host)]:\(port)" : "udp:\(host):\(port)" }
}
