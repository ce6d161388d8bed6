internal import CNetSNMP

/// Where a side-by-side walk stands, as a value: the request to send next and what each answer brings. Being a
/// value, it can run a walk's round trips on the net-snmp thread (`WalkChain`) and come back to the caller between
/// chunks of a huge table.
struct WalkCursor: Sendable {
    /// The varbinds one answer brought for one root, in order, and when that answer was read.
    struct Batch: Sendable {
        let root: Int
        let varbinds: [VarBind]
        let receivedAt: ContinuousClock.Instant
    }

    let roots: [OID]
    private var last: [OID]
    private var open: [Int]
    private var repetitions: Int
    private let bulk: Bool
    private var ended = false

    init(roots: [OID], maxRepetitions: Int, bulk: Bool) {
        self.roots = roots
        last = roots
        open = Array(roots.indices)
        repetitions = max(1, maxRepetitions)
        self.bulk = bulk
    }

    /// The request to send next: GET-BULK with one cursor a subtree still open (GET-NEXT for v1); nil once done.
    var next: PDURequest? {
        guard !ended, !open.isEmpty else { return nil }
        let cursors = open.map { last[$0] }
        return bulk ? .getBulk(cursors, nonRepeaters: 0, maxRepetitions: repetitions) : .getNext(cursors)
    }

    /// Takes the answer to `next`. A `tooBig` answer halves the repetitions; a v1 `noSuchName` closes that subtree
    /// (it ran to the end of the MIB). Returns the batches the answer brought and, if the walk cannot go on, why: an
    /// error status, or an agent that went backwards (`nonIncreasing`, after the batches read before it).
    mutating func absorb(_ response: SNMPResponse, target: SNMPTarget) -> (batches: [Batch], error: SNMPError?) {
        if response.errorStatus == Int(SNMP_ERR_TOOBIG), repetitions > 1 {
            repetitions = max(1, repetitions / 2)
            return ([], nil)
        }
        if response.errorStatus == Int(SNMP_ERR_NOSUCHNAME), !bulk, open.indices.contains(response.errorIndex - 1) {
            open.remove(at: response.errorIndex - 1)
            return ([], nil)
        }
        let answer: [VarBind]
        do { answer = try SNMPEngine.checked(response, target: target).varbinds } catch {
            ended = true
            return ([], error)
        }
        // A GET-BULK answer comes repetition by repetition, one varbind per cursor in each.
        var runs = [[VarBind]](repeating: [], count: open.count)
        var finished = Set<Int>()
        func batches() -> [Batch] {
            runs.enumerated().filter { !$0.element.isEmpty }.map {
                Batch(root: open[$0.offset], varbinds: $0.element, receivedAt: response.receivedAt)
            }
        }
        for (position, varbind) in answer.enumerated() {
            let slot = position % open.count
            let root = open[slot]
            guard !finished.contains(slot) else { continue }
            if varbind.value == .endOfMibView || !roots[root].isPrefix(of: varbind.oid) || varbind.oid == roots[root] && varbind.value.isException {
                finished.insert(slot)
                continue
            }
            guard last[root] < varbind.oid else {
                ended = true
                return (
                    batches(),
                    SNMPError(
                        .nonIncreasing, device: target.description,
                        "the walk of \(roots[root]) went from \(last[root]) to \(varbind.oid), not forwards; the agent's MIB order is broken")
                )
            }
            runs[slot].append(varbind)
            last[root] = varbind.oid
        }
        let read = batches()
        if answer.isEmpty { ended = true }
        open = open.enumerated().filter { !finished.contains($0.offset) }.map(\.element)
        return (read, nil)
    }
}

/// A walk's round trips run on the net-snmp thread: each answer goes to the cursor there and the next request is
/// queued at once, so the caller is resumed once a chunk (the walk's end, an error, or `limit` varbinds waiting)
/// instead of once an answer. A poll's 17 round trips used to wake a pool thread and the net-snmp thread each; now
/// only the answers' arrivals wake the net-snmp thread.
final class WalkChain: @unchecked Sendable {
    // @unchecked: touched only on the net-snmp thread, from the first request's submission until `resume` is called.

    /// What the caller gets back: the cursor to go on from, what came, and why the walk stopped, if it failed.
    struct Chunk: Sendable {
        var cursor: WalkCursor
        var batches: [WalkCursor.Batch]
        var error: SNMPError?
    }

    private var chunk: Chunk
    private var varbinds = 0
    private let token: Int
    private let target: SNMPTarget
    private let limit: Int
    private let core: EngineCore
    private let resume: @Sendable (Chunk) -> Void

    init(cursor: WalkCursor, token: Int, target: SNMPTarget, limit: Int, core: EngineCore, resume: @escaping @Sendable (Chunk) -> Void) {
        chunk = Chunk(cursor: cursor, batches: [])
        self.token = token
        self.target = target
        self.limit = limit
        self.core = core
        self.resume = resume
    }

    /// A request of the chain: its answer comes back here.
    func request(_ pdu: PDURequest) -> EngineCore.Request {
        EngineCore.Request(token: token, target: target, pdu: pdu) { [self] in answered($0) }
    }

    private func answered(_ result: Result<SNMPResponse, SNMPError>) {
        switch result {
        case .failure(let error):
            chunk.error = error
        case .success(let response):
            let (batches, error) = chunk.cursor.absorb(response, target: target)
            chunk.batches += batches
            varbinds += batches.reduce(0) { $0 + $1.varbinds.count }
            chunk.error = error
            // Inside net-snmp's callback: the engine sends the queued request once the read returns.
            if error == nil, varbinds < limit, let next = chunk.cursor.next { return core.queueFromCallback(request(next)) }
        }
        resume(chunk)
    }
}
