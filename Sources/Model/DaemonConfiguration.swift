import Foundation

/// `edunetd --config FILE`: where the database, inventory and policies are, and how to poll. Paths are
/// relative to the file's own directory. Secrets never appear here either.
public struct DaemonConfiguration: Sendable, Hashable {
    public var database: String
    public var inventory: String
    public var policies: String
    public var pollInterval: Duration
    public var maxDevicesInFlight: Int
    /// How many polls start together at each step of the spread (`poll.start_together`): their round trips share the
    /// SNMP engine's wake-ups, which costs less CPU than as many polls started one by one. 1 spreads every poll on its own.
    public var pollsStartedTogether: Int = 50
    public var snmpTimeout: Duration
    public var snmpRetries: Int
    /// Seeds the spread of polls over the interval.
    public var seed: UInt64
    public var logLevel: String
    /// How long interface rates at poll resolution are kept.
    public var retentionDays: Int
    /// Where `/metrics` and `/healthz` listen: loopback by default; port 0 picks a free port (logged).
    public var httpHost: String = "127.0.0.1"
    public var httpPort: Int = 9464
    /// `http.tls`: serve HTTPS with this certificate chain and key (PEM files, paths relative to the file), for an
    /// address beyond loopback; plain HTTP when unset.
    public var httpTLS: TLSFiles?
    /// `http.api_requests_per_minute`: how many API requests a token may make a minute before it is told to come back
    /// (429 with `Retry-After`).
    public var apiRequestsPerMinute = 600
    /// The UDP port SNMP traps are received on (unprivileged by default so that tests need no root), and the address
    /// (loopback by default; `0.0.0.0` to hear the network). Port 0 turns the listener off.
    public var trapPort: Int = 1162
    public var trapHost: String = "127.0.0.1"
    /// The community traps must carry (a reference to the secret); any community is accepted when unset.
    public var trapCommunity: SecretReference?
    /// How often the alert engine steps (group timing, silences, holds) and the sources are evaluated.
    public var alertTick: Duration = .seconds(1)
    public var alertEvaluation: Duration = .seconds(15)
    /// Live capture (`capture`): the interfaces to read (mirror ports; none by default, and capturing needs root or
    /// CAP_NET_RAW), a BPF filter as tcpdump takes it, the bytes kept of each frame (whole Ethernet frames by default: a
    /// DHCP message's options run past the first 300 bytes) and the kernel's buffer for bursts.
    public var captureInterfaces: [String] = []
    public var captureFilter: String?
    public var captureSnapshotBytes: Int = 1600
    public var captureBufferBytes: Int = 32 << 20

    public init(
        database: String = "edunet.sqlite", inventory: String = "inventory", policies: String = "policies",
        pollInterval: Duration = .seconds(60), maxDevicesInFlight: Int = 100, snmpTimeout: Duration = .seconds(2),
        snmpRetries: Int = 2, seed: UInt64 = 1, logLevel: String = "info", retentionDays: Int = 14
    ) {
        self.database = database
        self.inventory = inventory
        self.policies = policies
        self.pollInterval = pollInterval
        self.maxDevicesInFlight = maxDevicesInFlight
        self.snmpTimeout = snmpTimeout
        self.snmpRetries = snmpRetries
        self.seed = seed
        self.logLevel = logLevel
        self.retentionDays = retentionDays
    }

    /// Reads and checks the file; every problem is reported with its place.
    public static func load(path: String) throws(ModelError) -> DaemonConfiguration {
        let log = DiagnosticLog()
        var result = DaemonConfiguration()
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolved(_ value: String) -> String { value.hasPrefix("/") ? value : base.appendingPathComponent(value).path }
        result.database = resolved(result.database)
        result.inventory = resolved(result.inventory)
        result.policies = resolved(result.policies)
        if let root = YAMLDocumentReader.read(path: path, displayPath: path, log: log),
            let m = root.mapping(
                "the daemon configuration",
                keys: ["database", "inventory", "policies", "poll", "log_level", "retention_days", "http", "traps", "alerts", "capture"])
        {
            if let v = m["database"]?.string("database") { result.database = resolved(v) }
            if let v = m["inventory"]?.string("inventory") { result.inventory = resolved(v) }
            if let v = m["policies"]?.string("policies") { result.policies = resolved(v) }
            if let v = m["log_level"]?.choice("log_level", of: LogLevel.self) { result.logLevel = v.rawValue }
            if let v = m["retention_days"]?.int("retention_days", in: 1...3650) { result.retentionDays = v }
            if let http = m["http"]?.mapping("`http`", keys: ["listen", "tls", "api_requests_per_minute"]) {
                if let v = http["api_requests_per_minute"]?.int("http.api_requests_per_minute", in: 1...1_000_000) { result.apiRequestsPerMinute = v }
                if let listen = http["listen"], let text = listen.string("http.listen") {
                    if let (host, port) = Self.hostAndPort(text) {
                        (result.httpHost, result.httpPort) = (host, port)
                    } else {
                        log.error(
                            "http.listen `\(text)` is not HOST:PORT", at: listen.location,
                            help: "write e.g. `127.0.0.1:9464` (port 0 picks a free one)")
                    }
                }
                if let tls = http["tls"]?.mapping("`http.tls`", keys: ["certificate", "key"], required: ["certificate", "key"]),
                    let certificate = tls["certificate"]?.string("http.tls.certificate"), let key = tls["key"]?.string("http.tls.key")
                {
                    result.httpTLS = TLSFiles(certificate: resolved(certificate), key: resolved(key))
                }
            }
            if let traps = m["traps"]?.mapping("`traps`", keys: ["port", "host", "community"]) {
                if let v = traps["port"]?.int("traps.port", in: 0...65_535) { result.trapPort = v }
                if let v = traps["host"]?.string("traps.host") { result.trapHost = v }
                if let v = traps["community"]?.secret("community") { result.trapCommunity = v }
            }
            if let alerts = m["alerts"]?.mapping("`alerts`", keys: ["tick_seconds", "evaluate_seconds"]) {
                if let v = alerts["tick_seconds"]?.double("alerts.tick_seconds", in: 0.05...60) { result.alertTick = .milliseconds(Int(v * 1000)) }
                if let v = alerts["evaluate_seconds"]?.double("alerts.evaluate_seconds", in: 0.1...3600) {
                    result.alertEvaluation = .milliseconds(Int(v * 1000))
                }
            }
            if let capture = m["capture"]?.mapping("`capture`", keys: ["interfaces", "filter", "snapshot_bytes", "buffer_mib"]) {
                if let v = capture["interfaces"]?.list("capture.interfaces", { $0.string("capture.interfaces") }) { result.captureInterfaces = v }
                if let v = capture["filter"]?.string("capture.filter") { result.captureFilter = v }
                if let v = capture["snapshot_bytes"]?.int("capture.snapshot_bytes", in: 64...65_535) { result.captureSnapshotBytes = v }
                if let v = capture["buffer_mib"]?.int("capture.buffer_mib", in: 1...4096) { result.captureBufferBytes = v << 20 }
            }
            if let poll = m["poll"]?.mapping(
                "`poll`", keys: ["interval_seconds", "max_devices_in_flight", "start_together", "timeout_seconds", "retries", "seed"])
            {
                if let v = poll["interval_seconds"]?.double("interval_seconds", in: 0.1...86_400) {
                    result.pollInterval = .milliseconds(Int(v * 1000))
                }
                if let v = poll["max_devices_in_flight"]?.int("max_devices_in_flight", in: 1...100_000) { result.maxDevicesInFlight = v }
                if let v = poll["start_together"]?.int("start_together", in: 1...100_000) { result.pollsStartedTogether = v }
                if let v = poll["timeout_seconds"]?.double("timeout_seconds", in: 0.05...60) { result.snmpTimeout = .milliseconds(Int(v * 1000)) }
                if let v = poll["retries"]?.int("retries", in: 0...10) { result.snmpRetries = v }
                if let v = poll["seed"]?.int("seed", in: 0...Int.max) { result.seed = UInt64(v) }
            }
        }
        guard log.diagnostics.isEmpty else { throw ModelError(code: .invalidDaemonConfiguration, diagnostics: log.diagnostics.sortedByLocation()) }
        return result
    }

    /// `127.0.0.1:9464` or `[::1]:9464` as host and port.
    static func hostAndPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    private enum LogLevel: String, CaseIterable { case trace, debug, info, notice, warning, error, critical }
}

/// The certificate chain and private key an HTTPS listener serves with: paths of PEM files (the key is a file, never
/// inline in the configuration).
public struct TLSFiles: Sendable, Hashable {
    public var certificate: String
    public var key: String

    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }
}
