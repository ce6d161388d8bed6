import Foundation
import TestSupport
import Testing

/// `edunet snmp …` run as a user would, against the snmpd test agent.
@Suite("edunet snmp")
struct SNMPCommandTests {
    static let root = TestAgents.root
    typealias Outcome = EdunetTool.Outcome

    /// Runs the CLI from the repository's root.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Outcome {
        try await EdunetTool.execute(arguments, in: root, environment: environment)
    }

    @Test func walkOfALeafOrOfNothingAndTableCellsWithTheirIndex() async throws {
        let agent = "127.0.0.1:\(await TestAgents.snmpd().port)"
        // A leaf has nothing under it: it is asked for with a GET, as snmpwalk does.
        let leaf = try await Self.run(["snmp", "walk", agent, "1.3.6.1.2.1.1.2.0", "--community", "edunet-test"])
        #expect(leaf.status == 0 && leaf.stdout == "1.3.6.1.2.1.1.2.0 = ObjectIdentifier: 1.3.6.1.4.1.8072.3.2.10\n", "\(leaf.stdout)\(leaf.stderr)")
        let nothing = try await Self.run(["snmp", "walk", agent, "1.3.6.1.4.1.99999", "--community", "edunet-test"])
        #expect(
            nothing.status == 1 && nothing.stdout.isEmpty && nothing.stderr.contains("No Such Object available on this agent at 1.3.6.1.4.1.99999"))
        // Each cell's OID is the column's and the row's index: ifDescr of ifIndex 1 is 1.3.6.1.2.1.2.2.1.2.1.
        let table = try await Self.run(["snmp", "table", agent, "1.3.6.1.2.1.2.2", "--community", "edunet-test", "--format", "json"])
        let first = try #require(table.stdout.split(separator: "\n").first)
        #expect(first.hasPrefix(#"{"index":"1","columns":{"1":{"oid":"1.3.6.1.2.1.2.2.1.1.1","#), "\(first)")
        #expect(first.contains(#""2":{"oid":"1.3.6.1.2.1.2.2.1.2.1","type":"OctetString","value":"lo"}"#), "\(first)")
    }

    @Test func getAsTextAndJSON() async throws {
        let agent = "127.0.0.1:\(await TestAgents.snmpd().port)"
        let text = try await Self.run(
            ["snmp", "get", agent, "1.3.6.1.2.1.1.2.0", "--community-env", "TEST_COMMUNITY"],
            environment: ["TEST_COMMUNITY": "edunet-test"])
        #expect(text.status == 0)
        #expect(text.stdout == "1.3.6.1.2.1.1.2.0 = ObjectIdentifier: 1.3.6.1.4.1.8072.3.2.10\n")
        let json = try await Self.run(["snmp", "walk", agent, "1.3.6.1.2.1.2.2.1.2", "--community", "edunet-test", "--format", "json"])
        let first = try #require(json.stdout.split(separator: "\n").first)
        #expect(first == #"{"oid":"1.3.6.1.2.1.2.2.1.2.1","type":"OctetString","value":"lo"}"#)
    }

    @Test func v3FromFilesAndAWrongKey() async throws {
        let agent = "127.0.0.1:\(await TestAgents.snmpd().port)"
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-keys-\(UUID().uuidString)")
        try "edunet-auth-pass\n".write(to: keys, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: keys) }
        let ok = try await Self.run(
            [
                "snmp", "get", agent, "1.3.6.1.2.1.1.2.0", "--v3-user", "u-sha512-aes256", "--auth-protocol", "SHA-512",
                "--auth-key-file", keys.path, "--priv-protocol", "AES-256", "--priv-key-env", "PRIV",
            ],
            environment: ["PRIV": "edunet-priv-pass"])
        #expect(ok.status == 0 && ok.stdout.hasSuffix("ObjectIdentifier: 1.3.6.1.4.1.8072.3.2.10\n"), "\(ok.stderr)")
        let wrong = try await Self.run([
            "snmp", "get", agent, "1.3.6.1.2.1.1.2.0", "--v3-user", "u-negative", "--auth-protocol", "SHA-256",
            "--auth-key", "wrong-wrong-wrong", "--priv-key", "edunet-priv-pass",
        ])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("authentication failed"))
    }

    @Test func usageErrorsAndUnreachableDevices() async throws {
        let missingOID = try await Self.run(["snmp", "get", "127.0.0.1", "--community", "x"])
        #expect(missingOID.status == 64 && missingOID.stderr.contains("give at least one OID"))
        let badOID = try await Self.run(["snmp", "get", "127.0.0.1", "sysDescr.0", "--community", "x"])
        #expect(badOID.status == 64 && badOID.stderr.contains("not a numeric OID"))
        let noCredentials = try await Self.run(["snmp", "get", "127.0.0.1", "1.3.6.1.2.1.1.1.0"])
        #expect(noCredentials.status == 64 && noCredentials.stderr.contains("--community-env"))
        let unsetVariable = try await Self.run(["snmp", "get", "127.0.0.1", "1.3.6.1.2.1.1.1.0", "--community-env", "EDUNET_NOT_SET_ANYWHERE"])
        #expect(unsetVariable.status == 64 && unsetVariable.stderr.contains("EDUNET_NOT_SET_ANYWHERE is not set"))
        let dead = try await Self.run(["snmp", "get", "127.0.0.1:9", "1.3.6.1.2.1.1.1.0", "--community", "x", "--timeout", "0.3", "--retries", "0"])
        #expect(dead.status == 1 && dead.stderr.contains("no answer after 1 attempt"))
    }

    @Test func deviceFromTheInventory() async throws {
        let directory = try LabNetwork.make(port: await TestAgents.snmpd().port)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("lab.sqlite").path
        let apply = try await Self.run([
            "inventory", "apply", "--inventory", directory.appendingPathComponent("inventory").path,
            "--policies", directory.appendingPathComponent("policies").path, "--db", db,
        ])
        #expect(apply.status == 0, "\(apply.stderr)")
        let get = try await Self.run(
            ["snmp", "get", "--device", "lab-sw", "1.3.6.1.2.1.1.2.0", "--db", db], environment: ["LAB_COMMUNITY": "edunet-test"])
        #expect(get.status == 0 && get.stdout == "1.3.6.1.2.1.1.2.0 = ObjectIdentifier: 1.3.6.1.4.1.8072.3.2.10\n", "\(get.stderr)")
        let unset = try await Self.run(["snmp", "get", "--device", "lab-sw", "1.3.6.1.2.1.1.2.0", "--db", db])
        #expect(unset.status == 64 && unset.stderr.contains("LAB_COMMUNITY is not set"))
    }

    @Test func setWritesAndReadsBackAndARefusalIsExitOne() async throws {
        try await TestAgents.withWritable { writable in
            let agent = "127.21.0.3:\(writable.port)"
            let written = try await Self.run(
                ["snmp", "set", agent, "--community-env", "WRITE", "1.3.6.1.2.1.1.6.0", "s", "兴庆区 机房 3", "1.3.6.1.2.1.31.1.1.1.18.1", "x", "41 42"],
                environment: ["WRITE": "edunet-write"])
            #expect(written.status == 0 && written.stdout.split(separator: "\n").count == 2, "\(written)")
            let back = try await Self.run(
                ["snmp", "get", agent, "1.3.6.1.2.1.1.6.0", "1.3.6.1.2.1.31.1.1.1.18.1", "--community", "edunet-test", "--format", "json"])
            #expect(
                back.stdout == #"{"oid":"1.3.6.1.2.1.1.6.0","type":"OctetString","value":"兴庆区 机房 3"}"# + "\n"
                    + #"{"oid":"1.3.6.1.2.1.31.1.1.1.18.1","type":"OctetString","value":"AB"}"# + "\n", "\(back)")
            // The read community may not write: the status and the object are named.
            let refused = try await Self.run(["snmp", "set", agent, "--community", "edunet-test", "1.3.6.1.2.1.1.6.0", "s", "x"])
            #expect(refused.status == 1 && refused.stderr.contains("the agent refused the SET: noAccess at 1.3.6.1.2.1.1.6.0"), "\(refused)")
            let badType = try await Self.run(["snmp", "set", agent, "--community", "edunet-write", "1.3.6.1.2.1.1.6.0", "q", "x"])
            #expect(badType.status == 64 && badType.stderr.contains("`q` is not a type: use i, u, t, a, o, s or x"), "\(badType)")
            let badNumber = try await Self.run(["snmp", "set", agent, "--community", "edunet-write", "1.3.6.1.2.1.2.2.1.7.1", "i", "up"])
            #expect(badNumber.status == 64 && badNumber.stderr.contains("`up` is not a 32-bit integer"), "\(badNumber)")
        }
    }

    @Test func aDeviceWithoutAWriteProfileIsNeverWritten() async throws {
        let database = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-write-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) } }
        #expect(try await Self.run(["inventory", "apply", "--db", database]).status == 0)
        let refused = try await Self.run(["snmp", "set", "--device", "xingqing-primary-01-core", "--db", database, "1.3.6.1.2.1.1.6.0", "s", "x"])
        #expect(refused.status == 64 && refused.stderr.contains("has no `snmp_write_profile` in the inventory"), "\(refused)")
        // Nor does an alias plan change it: the sample city's devices have no write profile.
        let plan = try await Self.run(["provision", "plan", "--kind", "alias", "--county", "xingqing", "--db", database, "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let body = try #require(document["plan"] as? [String: Any])
        let refusals = body["refusals"] as? [[String: Any]] ?? []
        #expect(plan.status == 0 && document["schema"] as? String == "edunet.provision.plan/v1" && (body["changes"] as? [Any])?.isEmpty == true)
        #expect(!refusals.isEmpty && refusals.allSatisfy { ($0["reason"] as? String)?.hasPrefix("no snmp_write_profile") == true })
        let table = try await Self.run(["provision", "plan", "--county", "xingqing", "--db", database])
        #expect(table.status == 0 && table.stdout.contains("不变更 Left out: \(refusals.count)"), "\(table)")
        #expect(table.stderr.contains("0 changes, \(refusals.count) left out; nothing was written"), "\(table.stderr)")
        let unknown = try await Self.run(["provision", "plan", "--county", "nowhere", "--db", database])
        #expect(unknown.status == 1 && unknown.stderr.contains("no county with id `nowhere`"))
    }
}
