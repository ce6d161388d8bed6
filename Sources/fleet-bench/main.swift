import BenchSupport
import Fleet
import Foundation
import Model
import Store

/// The e-book fleet benchmark (scripts/bench-fleet.sh), on a fresh database at PATH: a city's fleet of TERMINALS
/// imported from CSV, and the same file again; a roster with one grade of GRADE students; the grade's bulk assign
/// and its undo; then a controller poll listing CLIENTS terminals, matched against the register as the daemon
/// records it, beside the same poll without a client table. Prints one `name=value` line per step, wall and CPU
/// seconds, as `step=import seconds=… cpu=… rows=…`.
@main
struct FleetBench {
    static func main() throws {
        var command = BenchCommandLine()
        let terminals = command.option("--terminals", 50_000)
        let grade = command.option("--grade", 2_000)
        let clients = command.option("--clients", 10_000)
        guard let path = command.arguments.first else { BenchCommandLine.usage("fleet-bench DATABASE [--terminals N] [--grade N] [--clients N]") }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let database = try StoreDatabase(path: path)
        let inventory = city(schools: 100)
        let register = FleetRegister(store: FleetStore(database: database), inventory: inventory)
        let now = Date(timeIntervalSince1970: 1_796_000_000)

        // The fleet: the grade's school gets `grade` terminals in stock; the rest are assigned, school by school.
        var csv = "序列号,MAC地址,型号,学校,状态,持有人\n"
        for n in 0..<terminals {
            let inStock = n < grade
            let school = inStock ? "school-000" : String(format: "school-%03d", 1 + n % 99)
            csv += "EB\(String(format: "%07d", n)),\(mac(n)),MatePad 11,\(school),\(inStock ? "in-stock" : "assigned"),\(inStock ? "" : "H\(n)")\n"
        }
        let terminalsFile = directory.appendingPathComponent("terminals.csv").path
        try csv.write(toFile: terminalsFile, atomically: true, encoding: .utf8)
        measure("import", rows: terminals) {
            try register.apply(try register.planTerminalImport(try CSVFile.read(terminalsFile)), by: "bench", why: "", at: now)
        }
        measure("reimport", rows: terminals) {
            let plan = try register.planTerminalImport(try CSVFile.read(terminalsFile))
            precondition(plan.isEmpty, "the same file again changes nothing")
        }

        var roster = "学校,学籍号,班级,角色\n"
        for n in 0..<grade { roster += "school-000,S\(String(format: "%06d", n)),七年级\(n / 45 + 1)班,学生\n" }
        let rosterFile = directory.appendingPathComponent("roster.csv").path
        try roster.write(toFile: rosterFile, atomically: true, encoding: .utf8)
        try register.apply(try register.planRosterImport(try CSVFile.read(rosterFile)), by: "bench", why: "", at: now)
        var operation: FleetOperation?
        measure("assign", rows: grade) {
            let plan = try register.planAssign(school: "school-000", classes: .grade("七年级"))
            precondition(plan.changes.count == grade, "every student of the grade gets one")
            operation = try register.apply(plan, by: "bench", why: "term start", at: now.addingTimeInterval(60))
        }
        measure("undo", rows: grade) {
            try register.apply(try register.planUndo(operation!.id), by: "bench", why: "", at: now.addingTimeInterval(120))
        }

        // A controller's poll: `clients` of the assigned terminals on 500 APs; the first poll builds the MAC index.
        let store = MeasurementStore(database: database)
        let stations = (0..<clients).map { n in
            StationReading(
                mac: MACAddress(parsing: mac(grade + n % (terminals - grade)))!, accessPoint: "ap-\(n % 500)", ssid: "YC-EDU", rateMbps: 300)
        }
        func poll(_ minute: Int, stations: [StationReading]?) throws {
            try store.record(
                DeviceObservations(device: "wlc", time: now.addingTimeInterval(Double(minute * 60)), rates: [], accessPoints: [], stations: stations))
        }
        measure("first-poll", rows: clients) { try poll(10, stations: stations) }
        for minute in 11..<14 { try poll(minute, stations: stations) }
        measure("poll-without-clients", rows: 20) { for minute in 20..<40 { try poll(minute, stations: nil) } }
        measure("poll-with-clients", rows: 20) { for minute in 40..<60 { try poll(minute, stations: stations) } }
    }

    /// One step: wall and CPU seconds.
    static func measure(_ step: String, rows: Int, _ body: () throws -> Void) { BenchCommandLine.measure("fleet-bench", step, rows: rows, body) }

    static func mac(_ n: Int) -> String { String(format: "d0:65:44:%02x:%02x:%02x", n >> 16 & 0xFF, n >> 8 & 0xFF, n & 0xFF) }

    /// One county of `schools` schools, school-000 first.
    static func city(schools: Int) -> Inventory {
        Inventory(
            counties: [County(id: "xingqing", name: "兴庆区", nameEN: "Xingqing")], nodes: [], links: [],
            schools: (0..<schools).map { n in
                School(
                    id: String(format: "school-%03d", n), name: "第\(n + 1)学校", nameEN: "School \(n + 1)", county: "xingqing", kind: .primary,
                    students: 1_000, teachers: 60, subnets: [], areas: [])
            }, devices: [], snmpProfiles: [], computePool: ComputePool(sites: [], hosts: [], services: []))
    }
}
