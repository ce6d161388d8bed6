import Foundation
import Model
import Store

/// The e-book terminal register as district IT works with it: imports, term-start and year-end bulk operations,
/// one terminal's moves, undo. Every operation is planned first (nothing written), shown, then applied exactly as
/// planned in one transaction; a plan made on an older register is refused rather than half-applied.
public struct FleetRegister: Sendable {
    public let store: FleetStore
    public let inventory: Inventory
    let schools: SchoolDirectory

    public init(store: FleetStore, inventory: Inventory) {
        self.store = store
        self.inventory = inventory
        schools = SchoolDirectory(inventory)
    }

    func register() throws(FleetError) -> FleetStore.Register {
        do { return try store.register() } catch { throw FleetError(error) }
    }

    /// The plan of a terminals CSV import.
    public func planTerminalImport(_ file: CSVFile) throws(FleetError) -> FleetPlan {
        try TerminalImport.plan(file, register: try register(), schools: schools)
    }

    /// The plan of a roster CSV import.
    public func planRosterImport(_ file: CSVFile) throws(FleetError) -> FleetPlan {
        let existing: [RosterEntry]
        let version: Int64
        do {
            existing = try store.roster()
            version = try store.version()
        } catch { throw FleetError(error) }
        return try RosterImport.plan(file, existing: existing, version: version, schools: schools)
    }

    /// The school's id for an id or a name, or `notFound` with a did-you-mean.
    public func school(_ text: String) throws(FleetError) -> School {
        guard let id = schools.id(of: text), let school = schools.schools[id] else {
            throw FleetError(
                .notFound, "no school \"\(text)\"" + (schools.suggestion(for: text).map { "; did you mean \($0)?" } ?? "; see `edunet schools list`"))
        }
        return school
    }

    /// Term-start check-out: the school's in-stock terminals paired, in serial order, with the holders of the class
    /// (by id) who hold none. `roster`, when given, is a roster import applied with it.
    public func planAssign(school schoolText: String, classes: ClassSelection, roster: FleetPlan? = nil) throws(FleetError) -> FleetPlan {
        let school = try school(schoolText)
        let register = try register()
        var entries: [PersonalID: RosterEntry] = [:]
        do { for entry in try store.roster(school: school.id) { entries[entry.id] = entry } } catch { throw FleetError(error) }
        for entry in roster?.roster ?? [] where entry.school == school.id { entries[entry.id] = entry }
        // Class by class, as the roster orders them, so that a grade's terminals go out in class order.
        let holders = entries.values.filter { classes.matches($0.className) }.sorted { ($0.className, $0.id.value) < ($1.className, $1.id.value) }
            .map(\.id)
        guard !holders.isEmpty else {
            let names = Set(entries.values.map(\.className)).sorted()
            throw FleetError(
                .notFound,
                "no one in \(classes) of \(school.id) in the roster"
                    + (names.isEmpty
                        ? "; import the roster with `edunet fleet import roster FILE`" : "; its classes: " + names.joined(separator: ", ")))
        }
        let holding = Set(register.terminals.values.filter { $0.state == .assigned || $0.state == .repair }.compactMap(\.holder))
        let waiting = holders.filter { !holding.contains($0) }
        let stock = register.terminals.values.filter { $0.school == school.id && $0.state == .inStock }.sorted { $0.serial < $1.serial }
        var plan = FleetPlan(
            kind: "assign",
            changes: zip(stock, waiting).map { terminal, holder in
                var after = terminal.registerFields
                after.state = .assigned
                after.holder = holder
                return .init(serial: terminal.serial, before: terminal.registerFields, after: after)
            }, basedOn: register.version)
        plan.roster = roster?.roster ?? []
        plan.unchanged = holders.count - waiting.count
        if waiting.count > stock.count {
            plan.notes.append(
                "\(waiting.count - stock.count) of \(waiting.count) holders without a terminal are left without one: \(school.id) has \(stock.count) in stock"
            )
        }
        return plan
    }

    /// Year-end check-in: the assigned terminals of the holders of a class or a grade, back in stock.
    public func planReturn(school schoolText: String, classes: ClassSelection) throws(FleetError) -> FleetPlan {
        let school = try school(schoolText)
        let register = try register()
        let roster: [RosterEntry]
        do { roster = try store.roster(school: school.id) } catch { throw FleetError(error) }
        let holders = Set(roster.filter { classes.matches($0.className) }.map(\.id))
        guard !holders.isEmpty else {
            throw FleetError(
                .notFound,
                "no one in \(classes) of \(school.id) in the roster; classes: " + Set(roster.map(\.className)).sorted().joined(separator: ", "))
        }
        let theirs = register.terminals.values.filter { $0.school == school.id && $0.holder.map(holders.contains) == true }.sorted {
            $0.serial < $1.serial
        }
        var plan = FleetPlan(
            kind: "return",
            changes: theirs.filter { $0.state == .assigned }.map { terminal in
                var after = terminal.registerFields
                after.state = .inStock
                after.holder = nil
                return .init(serial: terminal.serial, before: terminal.registerFields, after: after)
            }, basedOn: register.version)
        let elsewhere = theirs.filter { $0.state != .assigned }
        if !elsewhere.isEmpty {
            plan.notes.append(
                "\(elsewhere.count) of their terminals are not assigned and stay as they are: "
                    + elsewhere.map { "\($0.serial) (\($0.state.rawValue))" }.joined(separator: ", "))
        }
        return plan
    }

    /// One kind of move for each of `serials`: `mark-lost`, `found`, `repair`, `repaired`, `retire`, or `transfer`
    /// (to the school `to`). Refused, naming the serials and what they may become, when any cannot make the move.
    public func planMove(_ kind: String, serials: [String], to destination: String? = nil) throws(FleetError) -> FleetPlan {
        let register = try register()
        let missing = serials.filter { register.terminals[$0] == nil }
        guard missing.isEmpty else {
            throw FleetError(.notFound, "no terminal " + missing.joined(separator: ", ") + " in the register; see `edunet fleet list`")
        }
        let transferTo = try destination.map { text throws(FleetError) in try school(text).id }
        var refusals: [String] = []
        var changes: [FleetStore.TerminalChange] = []
        for serial in serials {
            let before = register.terminals[serial]!.registerFields
            var after = before
            let target: TerminalState
            switch kind {
            case "mark-lost": target = .lost
            case "found": target = .found
            case "repair": target = .repair
            case "repaired": target = before.holder == nil ? .inStock : .assigned
            case "retire": target = .retired
            case "transfer": target = before.state
            default: throw FleetError(.refused, "unknown move \(kind)")
            }
            if kind == "transfer" {
                guard before.state == .inStock || before.state == .found else {
                    refusals.append(
                        "\(serial) is \(before.state.rawValue): only a terminal in stock (or found) moves between schools; return it first")
                    continue
                }
                after.school = transferTo!
                if before.school == after.school { continue }
            } else if kind == "repaired", before.state != .repair {
                refusals.append("\(serial) is \(before.state.rawValue), not in repair")
                continue
            } else if !before.state.canMove(to: target) {
                refusals.append(
                    "\(serial) is \(before.state.rawValue) and cannot become \(target.rawValue); it may become \(TerminalImport.allowedList(before.state))"
                )
                continue
            }
            after.state = target
            if target == .retired || target == .inStock { after.holder = nil }
            changes.append(.init(serial: serial, before: before, after: after))
        }
        guard refusals.isEmpty else { throw FleetError(.refused, refusals.joined(separator: "\n") + "\nnothing was changed") }
        var plan = FleetPlan(kind: kind, changes: changes, basedOn: register.version)
        plan.unchanged = serials.count - changes.count
        return plan
    }

    /// Puts every terminal an operation changed back exactly as it was before it; refused, naming them, when any has
    /// changed since.
    public func planUndo(_ id: String) throws(FleetError) -> FleetPlan {
        let found: (operation: FleetOperation, changes: [TerminalHistoryEntry])?
        do { found = try store.operation(id) } catch { throw FleetError(error) }
        guard let (operation, changes) = found else {
            throw FleetError(.notFound, "no operation \(id); `edunet fleet operations` lists them")
        }
        if let by = operation.undoneBy { throw FleetError(.refused, "operation \(id) was undone already, by \(by)") }
        if operation.kind == "import-roster" {
            throw FleetError(.refused, "a roster import is not undone: import the corrected roster instead")
        }
        let register = try register()
        let changedSince = changes.filter { register.terminals[$0.serial]?.registerFields != $0.after }.map(\.serial)
        guard changedSince.isEmpty else {
            throw FleetError(
                .refused,
                "cannot undo \(id): \(changedSince.count) of its \(changes.count) terminals changed since: "
                    + changedSince.prefix(20).joined(separator: ", ") + (changedSince.count > 20 ? " …" : "")
                    + "; see `edunet fleet history SERIAL`; nothing was changed")
        }
        var plan = FleetPlan(
            kind: "undo", changes: changes.map { .init(serial: $0.serial, before: $0.after, after: $0.before) }, basedOn: register.version)
        plan.undoing = id
        return plan
    }

    /// Applies a plan as it was shown, as one operation; returns it.
    @discardableResult
    public func apply(_ plan: FleetPlan, by: String, why: String, at time: Date) throws(FleetError) -> FleetOperation {
        let operation = FleetOperation(
            id: "\(plan.kind)-\(Self.stamp(time))-\(plan.basedOn + 1)", kind: plan.kind, at: time, by: by, why: why, terminals: plan.changes.count)
        do {
            try store.apply(.init(operation: operation, terminals: plan.changes, roster: plan.roster, undoing: plan.undoing, basedOn: plan.basedOn))
        } catch { throw FleetError(error) }
        return operation
    }

    /// `20261202-0830`, city time: operation ids a person can read and type.
    static func stamp(_ date: Date) -> String { CityTime.stamp(date) }
}
