import ArgumentParser
import Fleet
import Foundation
import Model
import Reports
import Store

struct FleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "The e-book terminal register (电子书包): import, assign at term start, return at year end, find, undo.",
        discussion: """
            Terminals and rosters come from CSV files (UTF-8, UTF-8 with BOM, or GB18030 as Excel on a Chinese Windows \
            saves them; headers in Chinese or English). Imports are all or nothing; bulk operations print their plan and \
            change the register only with --apply, as one operation that `undo` reverses. Holders' ids are masked unless \
            --reveal is given.

              edunet fleet import terminals terminals.csv --dry-run
              edunet fleet import roster roster.csv
              edunet fleet assign --school xingqing-primary-01 --class 三年级2班 --apply --by zhang.wei
              edunet fleet return --school xingqing-primary-01 --grade 六年级 --apply
              edunet fleet list --school xingqing-primary-01 --not-seen 10d
              edunet fleet mark-lost SN20240001 --why "reported by class teacher"
              edunet fleet undo assign-20260901-0830-12

            Exit status: 0 done; 1 a problem with the input or a change refused (nothing was changed); 3 the database \
            could not be opened or written.
            """,
        subcommands: [
            FleetImport.self, FleetList.self, FleetExport.self, FleetShow.self, FleetHistory.self, FleetAssign.self, FleetReturn.self,
            FleetMove.Transfer.self, FleetMove.MarkLost.self, FleetMove.Found.self, FleetMove.Repair.self, FleetMove.Retire.self,
            FleetUndo.self, FleetOperations.self, FleetRoster.self,
        ]
    )
}

/// Who makes a change and why: every change is a history row that says so.
struct ChangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Who makes the change (default: $SUDO_USER, else $USER).", valueName: "name"))
    var by: String?

    @Option(help: ArgumentHelp("Why, for the history.", valueName: "text"))
    var why: String = ""

    @Flag(help: "List every change of the plan (a table shows the first \(FleetContext.planRows) otherwise).")
    var all = false

    var author: String {
        let environment = ProcessInfo.processInfo.environment
        return by ?? environment["SUDO_USER"] ?? environment["USER"] ?? "unknown"
    }
}

/// Whom a term operation is for: `--grade` or `--class`, one of them.
struct ClassOptions: ParsableArguments {
    @Option(help: "A whole grade: every class whose name starts with it (六年级 → 六年级1班, 六年级2班 …).") var grade: String?
    @Option(name: .customLong("class"), help: "One class, as the roster writes it (三年级2班).") var className: String?

    func validate() throws {
        guard (grade == nil) != (className == nil) else { throw ValidationError("give --grade or --class (one of them)") }
    }

    var selection: ClassSelection { grade.map(ClassSelection.grade) ?? .className(className ?? "") }
}

/// Options shared by the commands that show holders.
struct RevealOption: ParsableArguments {
    @Flag(help: "Show holders' ids (学籍号) unmasked. They are personal data: do not paste them into chats or tickets.")
    var reveal = false
}

/// The register with the applied inventory, as every fleet command opens it.
struct FleetContext {
    let register: FleetRegister
    let inventory: Inventory

    init(_ database: DatabaseOptions) throws {
        let db = try database.openDatabase()
        inventory = try InventoryStore(database: db).currentConfiguration().inventory
        register = FleetRegister(store: FleetStore(database: db), inventory: inventory)
    }

    /// The changes a plan's table shows without `--all`: a term's import is tens of thousands.
    static let planRows = 20

    /// Prints a plan's warnings and notes, the plan itself and its counts; applies it when `apply`.
    func run(_ plan: FleetPlan, apply: Bool, change: ChangeOptions, reveal: Bool, format: OutputFormat = .table) throws {
        for warning in plan.warnings { Terminal.error(warning.description) }
        if !plan.changes.isEmpty {
            let shown = change.all || format != .table ? plan.changes[...] : plan.changes.prefix(Self.planRows)
            Terminal.print(try FleetListings.plan(shown.map { ($0.serial, $0.before, $0.after) }, reveal: reveal).render(format))
            if shown.count < plan.changes.count { Terminal.print("… and \(plan.changes.count - shown.count) more (--all lists every one)") }
        }
        for note in plan.notes { Terminal.error("note: \(note)") }
        let terminals = "\(plan.added) to add, \(plan.changed) to change, \(plan.removed) to remove, \(plan.unchanged) unchanged"
        let roster = "roster: \(plan.roster.count) to add or change, \(plan.rosterUnchanged) unchanged"
        let counts = plan.kind == "import-roster" ? roster : plan.roster.isEmpty ? terminals : "\(roster); terminals: \(terminals)"
        guard apply, !plan.isEmpty else {
            Terminal.print(counts + (plan.isEmpty ? "; nothing to do" : "; nothing changed yet: run again with --apply"))
            return
        }
        let operation = try register.apply(plan, by: change.author, why: change.why, at: Date())
        Terminal.print("\(counts)\noperation \(operation.id) applied (undo: edunet fleet undo \(operation.id))")
    }
}

struct FleetImport: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import terminals or a roster from CSV: every problem at once as FILE:ROW:COLUMN, all or nothing.",
        discussion: """
            terminals: columns 序列号/serial and 学校/school, and any of MAC (several separated by ;), 型号/model, \
            系统版本/os, 批次/batch, 采购日期/purchased, 保修截止/warranty, 状态/state, 持有人/holder.
            roster: columns 学校/school and 学籍号/id, and 班级/class, 角色/role (学生/教师), 姓名/name.
            Importing the same file again changes nothing. A randomised (private) MAC is a warning and is not stored.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case terminals, roster
    }

    @Argument(help: "terminals or roster.") var kind: Kind
    @Argument(help: "The CSV file.") var file: String
    @Flag(help: "Print what would be added, changed and unchanged; store nothing.") var dryRun = false
    @OptionGroup var change: ChangeOptions
    @OptionGroup var reveal: RevealOption
    @OptionGroup var database: DatabaseOptions

    func execute() throws {
        let context = try FleetContext(database)
        let csv = try CSVFile.read(file)
        let plan = kind == .terminals ? try context.register.planTerminalImport(csv) : try context.register.planRosterImport(csv)
        Terminal.error("\(file): \(csv.rows.count) rows read as \(csv.encoding.rawValue)")
        try context.run(plan, apply: !dryRun, change: change, reveal: reveal.reveal)
    }
}

/// The filters of `list` and `export`.
struct TerminalFilter: ParsableArguments {
    @Option(help: "Only terminals of schools in this county.") var county: String?
    @Option(help: "Only terminals of this school (id or name).") var school: String?
    @Option(name: .customLong("class"), help: "Only terminals whose holder is in this class.") var className: String?
    @Option(help: "Only terminals in this state: \(TerminalState.allCases.map(\.rawValue).joined(separator: ", ")).") var state: TerminalState?
    @Option(help: ArgumentHelp("Only terminals the network has not seen for this long (10d, 12h), or never.", valueName: "age"))
    var notSeen: String?

    func rows(_ context: FleetContext, reveal: Bool) throws -> [FleetListings.TerminalRow] {
        let school = try self.school.map { try context.register.school($0).id }
        try context.inventory.requireKnown(county: county)
        var cutoff: Date?
        if let notSeen {
            guard let seconds = WindowOptions.seconds(notSeen) else { throw ValidationError("--not-seen takes a number and a unit: 10d, 12h") }
            cutoff = Date().addingTimeInterval(-seconds)
        }
        let countyOf = Dictionary(context.inventory.schools.map { ($0.id, $0.county) }, uniquingKeysWith: { a, _ in a })
        let roster = try context.register.store.roster(school: school)
        let classOf = Dictionary(roster.map { ($0.id, $0.className) }, uniquingKeysWith: { a, _ in a })
        let places = context.inventory.accessPointPlaces
        return try context.register.store.register().terminals.values.filter { t in
            (school == nil || t.school == school) && (county == nil || countyOf[t.school] == county) && (state == nil || t.state == state)
                && (className == nil || t.holder.flatMap { classOf[$0] } == className)
                && (cutoff == nil || (t.lastSeen?.at).map { $0 < cutoff! } ?? true)
        }.sorted { ($0.school, $0.serial) < ($1.school, $1.serial) }.map {
            FleetListings.row($0, classOf: classOf, places: places, reveal: reveal)
        }
    }
}

extension TerminalState: ExpressibleByArgument {}

struct FleetList: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Terminals, with holder, class and where the network last saw them; filters combine.")
    @OptionGroup var filter: TerminalFilter
    @OptionGroup var reveal: RevealOption
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func execute() throws {
        let rows = try filter.rows(try FleetContext(database), reveal: reveal.reveal)
        Terminal.print(try FleetListings.terminals(rows).render(output.format))
        if output.format == .table { Terminal.error("\(rows.count) terminal\(rows.count == 1 ? "" : "s")") }
    }
}

struct FleetExport: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "The listing of `list` as CSV (UTF-8 with BOM, for Excel) or JSON, to stdout or a file.")
    @OptionGroup var filter: TerminalFilter
    @OptionGroup var reveal: RevealOption
    @OptionGroup var database: DatabaseOptions
    @Option(help: "csv or json.") var format: OutputFormat = .csv
    @Option(name: .shortAndLong, help: "Write to this file instead of stdout.") var output: String?

    func execute() throws {
        let rows = try filter.rows(try FleetContext(database), reveal: reveal.reveal)
        let text = try FleetListings.terminals(rows).render(format)
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                throw ValidationError("cannot write \(output): check the directory exists and is writable")
            }
            Terminal.error("\(rows.count) terminals written to \(output)")
        } else {
            Terminal.print(text)
        }
    }
}

struct FleetShow: EdunetSubcommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One terminal: register fields, holder, where it was last seen.")
    @Argument(help: "The terminal's serial.") var serial: String
    @OptionGroup var reveal: RevealOption
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func execute() throws {
        let context = try FleetContext(database)
        guard let terminal = try context.register.store.terminal(serial) else {
            throw StoreError(.notFound, "no terminal \(serial) in the register; `edunet fleet list` lists them")
        }
        let classOf = Dictionary(
            try context.register.store.roster(school: terminal.school).map { ($0.id, $0.className) }, uniquingKeysWith: { a, _ in a })
        let row = FleetListings.row(terminal, classOf: classOf, places: context.inventory.accessPointPlaces, reveal: reveal.reveal)
        guard output.format == .table else { return Terminal.print(try FleetListings.terminals([row]).render(output.format)) }
        let seen = row.lastSeenAt.map { at in
            let school = row.lastSeenSchool.flatMap { id in context.inventory.schools.first { $0.id == id }?.name } ?? row.lastSeenSchool
            let place = [school, row.lastSeenArea].compactMap { $0 }.joined(separator: " ")
            return "\(CityTime.minute(at)) on \(row.lastSeenAccessPoint ?? "an unknown AP")" + (place.isEmpty ? "" : " (\(place))")
                + (row.lastSeenSSID.map { ", SSID \($0)" } ?? "")
        }
        let lines: [(String, String)] = [
            ("序列号 Serial", row.serial), ("学校 School", row.school), ("状态 State", "\(row.state.rawValue) \(row.state.chinese)"),
            ("持有人 Holder", row.holder.map { $0 + (row.className.map { " (\($0))" } ?? "") } ?? "—"), ("型号 Model", row.model ?? "—"),
            ("系统 OS", row.osVersion ?? "—"), ("MAC", row.macs.map(\.description).joined(separator: " ")), ("批次 Batch", row.batch ?? "—"),
            ("采购 Purchased", row.purchased ?? "—"), ("保修 Warranty", row.warrantyEnd ?? "—"),
            ("最近在线 Last seen", seen ?? "never seen on Wi-Fi 从未在线"),
        ]
        Terminal.print(TextTable(columns: [.init(""), .init("")], rows: lines.map { [$0.0, $0.1] }).render())
    }
}

struct FleetHistory: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Every change of one terminal: when, by whom, why, before and after.")
    @Argument(help: "The terminal's serial.") var serial: String
    @OptionGroup var reveal: RevealOption
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func execute() throws {
        let entries = try FleetContext(database).register.store.history(of: serial)
        guard !entries.isEmpty else { throw StoreError(.notFound, "no history for \(serial): it was never in the register") }
        Terminal.print(try FleetListings.history(entries, reveal: reveal.reveal).render(output.format))
    }
}

struct FleetAssign: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Term start: pair a school's in-stock terminals with the holders of a class or a grade who have none.",
        discussion: "Prints the plan; changes the register only with --apply, as one operation. --roster imports that roster with it.")
    @Option(help: "The school (id or name).") var school: String
    @OptionGroup var classes: ClassOptions
    @Option(help: ArgumentHelp("A roster CSV to import with the assignment.", valueName: "file")) var roster: String?
    @Flag(help: "Apply the plan.") var apply = false
    @OptionGroup var change: ChangeOptions
    @OptionGroup var reveal: RevealOption
    @OptionGroup var database: DatabaseOptions

    func execute() throws {
        let context = try FleetContext(database)
        let rosterPlan = try roster.map { try context.register.planRosterImport(try CSVFile.read($0)) }
        let plan = try context.register.planAssign(school: school, classes: classes.selection, roster: rosterPlan)
        try context.run(plan, apply: apply, change: change, reveal: reveal.reveal)
    }
}

struct FleetReturn: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "return",
        abstract: "Year end: the assigned terminals of a grade or a class back in stock.",
        discussion: "Prints the plan; --apply applies it, as one operation.")
    @Option(help: "The school (id or name).") var school: String
    @OptionGroup var classes: ClassOptions
    @Flag(help: "Apply the plan.") var apply = false
    @OptionGroup var change: ChangeOptions
    @OptionGroup var reveal: RevealOption
    @OptionGroup var database: DatabaseOptions

    func execute() throws {
        let context = try FleetContext(database)
        try context.run(
            try context.register.planReturn(school: school, classes: classes.selection), apply: apply, change: change, reveal: reveal.reveal)
    }
}

/// One terminal's (or a few terminals') move from state to state, applied at once.
enum FleetMove {
    struct Serials: ParsableArguments {
        @Argument(help: "The terminals' serials.") var serials: [String]
        @OptionGroup var change: ChangeOptions
        @OptionGroup var database: DatabaseOptions

        func run(_ kind: String, to school: String? = nil) throws {
            let context = try FleetContext(database)
            try context.run(try context.register.planMove(kind, serials: serials, to: school), apply: true, change: change, reveal: false)
        }
    }

    struct Transfer: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "Move in-stock terminals to another school.")
        @OptionGroup var terminals: Serials
        @Option(help: "The school they move to (id or name).") var to: String
        func execute() throws { try terminals.run("transfer", to: to) }
    }

    struct MarkLost: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            commandName: "mark-lost", abstract: "Mark terminals lost: one seen on Wi-Fi again raises a security alert saying where.")
        @OptionGroup var terminals: Serials
        func execute() throws { try terminals.run("mark-lost") }
    }

    struct Found: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "A lost terminal is found (then assign, return or repair it).")
        @OptionGroup var terminals: Serials
        func execute() throws { try terminals.run("found") }
    }

    struct Repair: EdunetSubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Send terminals to repair (the holder is kept); with --done, back to their holder or to stock.")
        @OptionGroup var terminals: Serials
        @Flag(help: "The repair is done.") var done = false
        func execute() throws { try terminals.run(done ? "repaired" : "repair") }
    }

    struct Retire: EdunetSubcommand {
        static let configuration = CommandConfiguration(abstract: "Retire terminals for good (written off, 报废).")
        @OptionGroup var terminals: Serials
        func execute() throws { try terminals.run("retire") }
    }
}

struct FleetUndo: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Put every terminal of an operation back exactly as it was; refused, naming them, if any changed since.")
    @Argument(help: "The operation id (`edunet fleet operations`).") var operation: String
    @OptionGroup var change: ChangeOptions
    @OptionGroup var database: DatabaseOptions

    func execute() throws {
        let context = try FleetContext(database)
        try context.run(try context.register.planUndo(operation), apply: true, change: change, reveal: false)
    }
}

struct FleetOperations: EdunetSubcommand {
    static let configuration = CommandConfiguration(commandName: "operations", abstract: "The register's operations, newest first.")
    @Option(help: "How many.") var limit = 50
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func execute() throws {
        Terminal.print(try FleetListings.operations(try FleetContext(database).register.store.operations(limit: limit)).render(output.format))
    }
}

struct FleetRoster: EdunetSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "roster", abstract: "The roster of a school (ids masked, names shortened, unless --reveal).")
    @Option(help: "The school (id or name).") var school: String?
    @Option(name: .customLong("class"), help: "One class.") var className: String?
    @OptionGroup var reveal: RevealOption
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func execute() throws {
        let context = try FleetContext(database)
        let school = try self.school.map { try context.register.school($0).id }
        let entries = try context.register.store.roster(school: school).filter { className == nil || $0.className == className }
        Terminal.print(try FleetListings.roster(entries, reveal: reveal.reveal).render(output.format))
    }
}
