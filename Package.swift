// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "EduNet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "edunet", targets: ["edunet"]),
        .executable(name: "edunetd", targets: ["edunetd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // net-snmp (libsnmp-dev) behind a thin shim; only the SNMP module imports it.
        .systemLibrary(name: "CNetSNMP", pkgConfig: "netsnmp", providers: [.apt(["libsnmp-dev"])]),
        // OIDs, typed values, credentials and the asynchronous engine over net-snmp; knows nothing of schools.
        .target(name: "SNMP", dependencies: ["CNetSNMP"]),
        // libpcap (libpcap-dev) behind a thin shim; only the Capture module imports it.
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        // Capture files through libpcap and the frames' decoders (Ethernet, VLAN, ARP, IPv4/6, UDP, TCP, DHCP, DNS);
        // knows nothing of schools.
        .target(name: "Capture", dependencies: ["CPcap"]),
        // The packet checks of the city: traffic per school subnet and host, and the detectors (ARP, rogue DHCP,
        // scans, unknown stations, blocked domains) over the frames Capture decodes.
        .target(name: "Security", dependencies: ["Capture", "Model", "Reports"]),
        // Plain value types for the city network and its policies, loaded and validated from YAML.
        .target(name: "Model", dependencies: ["Yams"]),
        // The SQLite schema, migrations and queries; the only module that writes SQL.
        .target(name: "Store", dependencies: ["Model", .product(name: "GRDB", package: "GRDB.swift")]),
        // What is asked of devices (IF-MIB, wireless controllers, HOST-RESOURCES) and how answers become measurements.
        .target(
            name: "Monitor",
            dependencies: [
                "SNMP", "Model", "Store", .product(name: "Logging", package: "swift-log"), .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]),
        // The daemon's loopback HTTP endpoints: Prometheus /metrics and /healthz.
        .target(
            name: "DaemonHTTP",
            dependencies: [
                "API", "Model", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // The plan's rules evaluated against the stored inventory and measurements into findings: one file per rule.
        .target(name: "Compliance", dependencies: ["Model", "Store", "Monitor", "Pool", "Reports"]),
        // The education cloud: the register of allocations, admission control and the pool's verdicts.
        .target(name: "Pool", dependencies: ["Model", "Store", "Reports"]),
        // Changes to the network computed from the inventory and the stored polls (issue 15): plans, never hand-typed OIDs.
        .target(name: "Provisioning", dependencies: ["Model", "SNMP", "Monitor", "Store"]),
        .target(
            name: "API",
            dependencies: [
                "Model", "Store", "Compliance", "Pool", "Provisioning", "Monitor", "SNMP", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "CompressNIO", package: "compress-nio"),
            ],
            resources: [.copy("openapi.json")]),
        // Beyond one machine (issue 17): pollers sharing a province's devices through leases in PostgreSQL, and the
        // singleton jobs' election.
        .target(
            name: "Cluster",
            dependencies: ["Model", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log")]),
        // The e-book terminal register: CSV imports, term operations, undo.
        .target(name: "Fleet", dependencies: ["Model", "Store"]),
        // Alert lifecycle, routing, payload formats, the durable outbox and its delivery worker.
        .target(
            name: "Alerting",
            dependencies: [
                "Model", "Store", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // Tables, CSV, JSON and the HTML compliance report for people and spreadsheets.
        .target(name: "Reports", dependencies: ["Model"]),
        // The daemon's services (polling with reload, housekeeping, alerting and its sources, HTTP) as a library.
        .target(
            name: "Daemon",
            dependencies: [
                "Model", "Store", "SNMP", "Monitor", "Compliance", "Alerting", "DaemonHTTP", "Pool", "Security", "Capture", "Provisioning",
                .product(name: "Logging", package: "swift-log"), .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "edunet",
            dependencies: [
                "Model", "Store", "Reports", "SNMP", "Monitor", "Compliance", "Alerting", "Fleet", "Pool", "Security", "Capture", "Provisioning",
                "API", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "edunetd",
            dependencies: [
                "Daemon", "Model", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What the benchmark executables share: their command line and the process's CPU time.
        .target(name: "BenchSupport"),
        // The SNMP engine's benchmark poller (scripts/bench-snmp.sh).
        .executableTarget(name: "snmp-bench", dependencies: ["SNMP", "Monitor", "BenchSupport"]),
        // The batched-insert benchmark (scripts/bench-store.sh).
        .executableTarget(name: "store-bench", dependencies: ["Store", "Model", "BenchSupport"]),
        // The e-book fleet benchmark (scripts/bench-fleet.sh).
        .executableTarget(name: "fleet-bench", dependencies: ["Fleet", "Store", "Model", "BenchSupport"]),
        // The education cloud: its verdicts over a month of 500 hosts' polls, and allocation requests (scripts/bench-pool.sh).
        .executableTarget(name: "pool-bench", dependencies: ["Pool", "Store", "Model", "BenchSupport"]),
        .executableTarget(name: "dashboard-bench", dependencies: ["API", "Model", "BenchSupport"]),
        .executableTarget(name: "provision-bench", dependencies: ["Provisioning", "SNMP", "Store", "Model", "BenchSupport"]),
        // The capture benchmark (scripts/bench-capture.sh): writes a school network's traffic and runs every check over it.
        .executableTarget(name: "capture-bench", dependencies: ["Security", "Capture", "Model", "BenchSupport"]),
        // The alert-storm benchmark (scripts/bench-alerts.sh).
        .executableTarget(name: "alert-bench", dependencies: ["Alerting", "Store", "Model", .product(name: "Logging", package: "swift-log")]),
        // Helpers the test targets share: the process runners, the SNMP agents on loopback and the simulated city,
        // the webhook receiver, the fixtures, waiting for a condition.
        .target(
            name: "TestSupport",
            dependencies: [
                "SNMP", "Model", "Store", "Compliance", "Alerting", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
            ], path: "Tests/TestSupport"),
        // Unit and module tests: each module on its own, with real SQLite files and real agents where it talks to one.
        .testTarget(
            name: "SNMPTests",
            dependencies: [
                "SNMP", "Monitor", "Model", "Store", "edunet", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "MonitorTests", dependencies: ["Monitor", "Model", "SNMP", "DaemonHTTP", .product(name: "Prometheus", package: "swift-prometheus")]),
        .testTarget(name: "ModelTests", dependencies: ["Model"]),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "TestSupport", "BenchSupport"]),
        .testTarget(name: "SecurityTests", dependencies: ["Security", "Capture", "Model", "TestSupport"]),
        .testTarget(name: "ComplianceTests", dependencies: ["Compliance", "Reports", "Model", "Store", "Monitor", "TestSupport"]),
        .testTarget(name: "FleetTests", dependencies: ["Fleet", "Store", "Model", "Compliance", "Daemon", "TestSupport"]),
        .testTarget(name: "PoolTests", dependencies: ["Pool", "Store", "Model", "Compliance", "Daemon", "Monitor", "TestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Model", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Model"]),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API", "DaemonHTTP", "Alerting", "Compliance", "Model", "Pool", "SNMP", "Store", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"), .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "ClusterTests",
            dependencies: [
                "Cluster", "TestSupport", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "ProvisioningTests", dependencies: ["Provisioning", "Model", "SNMP", "Store", "TestSupport"]),
        .testTarget(
            name: "AlertingTests",
            dependencies: [
                "Alerting", "Daemon", "Model", "Monitor", "Store", "SNMP", "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .testTarget(
            name: "DaemonTests", dependencies: ["Daemon", "Model", "Monitor", "SNMP", "Store", .product(name: "Logging", package: "swift-log")]),
        // The executables end to end: edunet and edunetd as processes, on real agents, the simulated city, a real
        // webhook receiver and snmptrap.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "edunet", "edunetd", "Daemon", "Alerting", "Compliance", "Fleet", "Pool", "Model", "Monitor", "SNMP", "Store", "TestSupport",
                "Capture",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
