import Foundation
import Model
import Store
import Testing

@testable import Fleet

/// The register on a real SQLite file: imports in the encodings schools send, every bad row at once with nothing
/// stored, the state machine, bulk assign and its exact undo.
@Suite("E-book terminal register")
struct FleetRegisterTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UUID().uuidString)")
    let register: FleetRegister
    let at = Date(timeIntervalSince1970: 1_788_000_000)

    init() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try StoreDatabase(path: directory.appendingPathComponent("edunet.sqlite").path)
        let school = School(
            id: "xingqing-primary-01", name: "兴庆区第一小学", nameEN: "Xingqing No. 1 Primary", county: "xingqing", kind: .primary, students: 2,
            teachers: 1, subnets: [], areas: [])
        let inventory = Inventory(
            counties: [County(id: "xingqing", name: "兴庆区", nameEN: "Xingqing")], nodes: [], links: [], schools: [school], devices: [],
            snmpProfiles: [], computePool: ComputePool(sites: [], hosts: [], services: []))
        register = FleetRegister(store: FleetStore(database: database), inventory: inventory)
    }

    private func file(_ name: String, _ text: String, gb18030: Bool = false, bom: Bool = false) throws -> CSVFile {
        var bytes = Array(text.utf8)
        if gb18030 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
            process.arguments = ["-f", "UTF-8", "-t", "GB18030"]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data(bytes))
            try input.fileHandleForWriting.close()
            bytes = Array(output.fileHandleForReading.readDataToEndOfFile())
            process.waitUntilExit()
        }
        if bom { bytes = [0xEF, 0xBB, 0xBF] + bytes }
        let path = directory.appendingPathComponent(name).path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "the fixture \(name) is written")
        return try CSVFile.read(path)
    }

    static let terminals = "序列号,MAC地址,型号,学校\nSN001,3C-2E-F9-00-00-01,MatePad,兴庆区第一小学\nSN002,3c2e.f900.0002,MatePad,xingqing-primary-01\n"

    @Test(arguments: [(false, false, CSVFile.Encoding.utf8), (false, true, .utf8WithBOM), (true, false, .gb18030)])
    func importsEveryEncodingOnceThenNothing(gb18030: Bool, bom: Bool, encoding: CSVFile.Encoding) throws {
        let csv = try file("t.csv", Self.terminals, gb18030: gb18030, bom: bom)
        #expect(csv.encoding == encoding && csv.header.first == "序列号")
        let plan = try register.planTerminalImport(csv)
        #expect(plan.added == 2 && plan.changed == 0)
        try register.apply(plan, by: "test", why: "term start", at: at)
        #expect(try register.store.terminal("SN002")?.macs.map(\.description) == ["3c:2e:f9:00:00:02"])
        let again = try register.planTerminalImport(csv)
        #expect(again.isEmpty && again.unchanged == 2)
    }

    @Test func everyBadRowAtOnceAndNothingStored() throws {
        try register.apply(try register.planTerminalImport(try file("t.csv", Self.terminals)), by: "test", why: "", at: at)
        let bad = try file(
            "bad.csv",
            "serial,mac,school,state\nSN003,zz,兴庆区第一小校,\nSN003,3c:2e:f9:00:00:01,xingqing-primary-01,\nsn001,,xingqing-primary-01,broken\nSN004,3e:2e:f9:00:00:09,xingqing-primary-01,\n"
        )
        let error = try #require(throws: FleetError.self) { try register.planTerminalImport(bad) }
        #expect(error.code == .invalidFile)
        let lines = error.diagnostics.map { "\($0.location!.line):\($0.location!.column) \($0.message)" }
        #expect(
            lines == [
                "2:2 \"zz\" is not a MAC address", "2:3 unknown school \"兴庆区第一小校\"", "3:1 serial SN003 is also on row 2",
                "3:2 MAC 3c:2e:f9:00:00:01 is already on terminal SN001", "4:1 serial sn001 is registered already as SN001",
                "4:4 unknown state \"broken\"",
            ])
        #expect(error.diagnostics[1].help == "did you mean xingqing-primary-01 (兴庆区第一小学)?")
        #expect(try register.store.register().terminals.count == 2, "nothing of the bad file was stored")
    }

    @Test func randomisedMACIsAWarningNotStored() throws {
        let plan = try register.planTerminalImport(try file("r.csv", "serial,mac,school\nSN009,3e:2e:f9:00:00:09,xingqing-primary-01\n"))
        #expect(plan.warnings.count == 1 && plan.warnings[0].isWarning && plan.warnings[0].message.contains("randomised"))
        #expect(plan.changes.first?.after?.macs == [])
    }

    @Test func forbiddenTransitionsNameTheAllowedOnes() throws {
        try register.apply(try register.planTerminalImport(try file("t.csv", Self.terminals)), by: "test", why: "", at: at)
        try register.apply(try register.planMove("retire", serials: ["SN001"]), by: "test", why: "broken screen", at: at)
        let error = try #require(throws: FleetError.self) { try register.planMove("mark-lost", serials: ["SN001"]) }
        #expect(error.code == .refused && error.message.contains("SN001 is retired and cannot become lost; it may become nothing (it is final)"))
        for state in TerminalState.allCases {
            for next in TerminalState.allCases where !state.allowed.contains(next) { #expect(!state.canMove(to: next)) }
        }
        #expect(TerminalState.lost.allowed == [.found, .retired])
    }

    @Test func assignPairsHoldersAndUndoPutsBackThenRefusesAfterAChange() throws {
        try register.apply(try register.planTerminalImport(try file("t.csv", Self.terminals)), by: "test", why: "", at: at)
        let roster = try register.planRosterImport(
            try file(
                "roster.csv",
                "学校,学籍号,班级,角色,姓名\n兴庆区第一小学,G640104201501010014,三年级2班,学生,张三\n兴庆区第一小学,T0001,三年级2班,教师,\n"))
        try register.apply(roster, by: "test", why: "", at: at)
        let plan = try register.planAssign(school: "xingqing-primary-01", classes: .className("三年级2班"))
        #expect(plan.changes.map { $0.after?.holder?.masked } == ["G640************014", "T0001".map { _ in "*" }.joined()])
        let operation = try register.apply(plan, by: "test", why: "term start", at: at)
        #expect(try register.store.terminal("SN001")?.state == .assigned)
        try register.apply(try register.planUndo(operation.id), by: "test", why: "wrong class", at: at)
        #expect(try register.store.register().terminals.values.allSatisfy { $0.state == .inStock && $0.holder == nil })
        let second = try register.apply(
            try register.planAssign(school: "xingqing-primary-01", classes: .className("三年级2班")), by: "t", why: "", at: at)
        try register.apply(try register.planMove("repair", serials: ["SN001"]), by: "t", why: "", at: at)
        let error = try #require(throws: FleetError.self) { try register.planUndo(second.id) }
        #expect(error.code == .refused && error.message.contains("1 of its 2 terminals changed since: SN001"))
    }

    @Test func rowsSplitAsRFC4180SaysAndKeepTheirLines() throws {
        let csv = try CSVFile.parse(
            Array("序列号,备注\r\nSN1,\"两行\n备注, 有逗号\"\r\n\r\n,,\nSN2,\"说 \"\"好\"\"\"\nSN3,末行".utf8), path: "x.csv")
        #expect(csv.header == ["序列号", "备注"])
        #expect(csv.rows.map(\.line) == [2, 6, 7], "the quoted line break counts; the blank and the empty-field rows are dropped")
        #expect(csv.rows.map(\.fields) == [["SN1", "两行\n备注, 有逗号"], ["SN2", "说 \"好\""], ["SN3", "末行"]])
        #expect(" \u{3000}SN1\t".trimmed == "SN1" && "SN1".trimmed == "SN1" && "".trimmed == "")
    }

    @Test func studentNumbersAreCheckedAndMasked() {
        #expect(PersonalID.studentNumberProblem("G640104201501010014") == nil)
        #expect(PersonalID.studentNumberProblem("G64010420150101001X")?.contains("should be 4") == true)
        #expect(PersonalID.studentNumberProblem("G6401042015") != nil)
        #expect(PersonalID("G640104201501010014").masked == "G640************014")
        #expect("\(PersonalID("G640104201501010014"))" == "G640************014", "interpolation never shows the number")
        #expect(MACAddress(parsing: "AA-BB-CC-DD-EE-FF")?.description == "aa:bb:cc:dd:ee:ff")
        #expect(MACAddress(parsing: "aabb.ccdd.eeff") == MACAddress(parsing: "aa:bb:cc:dd:ee:ff"))
        #expect(MACAddress(parsing: "aa:bb-cc:dd:ee:ff") == nil && MACAddress(parsing: "aabb.ccdd") == nil)
        #expect(MACAddress(parsing: " AABB-CCDD-EEFF\t")?.description == "aa:bb:cc:dd:ee:ff" && MACAddress(parsing: "AABBCCDDEEFF") != nil)
        for bad in [
            "aa.bb.cc.dd.ee.ff", "aabb:ccdd:eeff", "aa:bb:cc:dd:ee:f", "aa:bb:cc:dd:ee:fff", "aa::bb:cc:dd:ee", "aabbccddeeff0", "gg:bb:cc:dd:ee:ff",
            "",
        ] {
            #expect(MACAddress(parsing: bad) == nil, "\(bad)")
        }
    }
}
