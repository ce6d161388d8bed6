/// Which requests may go out now, as a value: the engine's caps on requests in flight in all (`maxInFlight`) and at
/// one agent's address (`maxInFlightPerAgent`, shared by the devices behind it), and who waits for a slot, in order.
/// A waiter (a device with queued requests) waits in one list at a time — for a slot anywhere, or for a slot at its
/// agent — and is handed back, oldest first, once one is free. The per-device cap and v3 discovery stay with the
/// engine; this is what can be tested without net-snmp.
struct RequestAdmission<Agent: Hashable, Waiter: AnyObject> {
    /// Why a request may not go out now.
    enum Refusal: Equatable {
        /// Every slot is taken.
        case everywhere
        /// Every slot at its agent is taken.
        case atAgent
    }

    let maxInFlight: Int
    let maxInFlightPerAgent: Int
    /// Requests in flight in all (discoveries included).
    private(set) var inFlight = 0
    private var inFlightAtAgent: [Agent: Int] = [:]
    private var waitingEverywhere: [Waiter] = []
    private var waitingAtAgent: [Agent: [Waiter]] = [:]
    private var waiting: Set<ObjectIdentifier> = []
    /// Agents a slot was freed at while someone waited there.
    private var agentsToWake: [Agent] = []

    init(maxInFlight: Int, maxInFlightPerAgent: Int) {
        self.maxInFlight = maxInFlight
        self.maxInFlightPerAgent = maxInFlightPerAgent
    }

    /// In flight at `agent` now.
    func inFlight(at agent: Agent) -> Int { inFlightAtAgent[agent, default: 0] }

    /// Nil when a request of `waiter` may go to `agent` now; otherwise why not, and the waiter now waits (once) for
    /// that kind of slot.
    mutating func admit(_ waiter: Waiter, at agent: Agent) -> Refusal? {
        if inFlight >= maxInFlight {
            if waiting.insert(ObjectIdentifier(waiter)).inserted { waitingEverywhere.append(waiter) }
            return .everywhere
        }
        if inFlight(at: agent) >= maxInFlightPerAgent {
            if waiting.insert(ObjectIdentifier(waiter)).inserted { waitingAtAgent[agent, default: []].append(waiter) }
            return .atAgent
        }
        return nil
    }

    /// A request went out: to `agent`, or (nil) a discovery, which counts only against the cap on all requests.
    mutating func sent(to agent: Agent?) {
        inFlight += 1
        if let agent { inFlightAtAgent[agent, default: 0] += 1 }
    }

    /// A request came back, timed out or was dropped.
    mutating func finished(at agent: Agent?) {
        inFlight -= 1
        guard let agent else { return }
        inFlightAtAgent[agent, default: 1] -= 1
        if waitingAtAgent[agent]?.isEmpty == false { agentsToWake.append(agent) }
    }

    /// The next waiter to try again now that slots are free: those at agents where one was freed first, then those
    /// waiting for any slot; nil when nobody can go.
    mutating func nextToWake() -> Waiter? {
        while let agent = agentsToWake.first {
            if inFlight(at: agent) < maxInFlightPerAgent, var queue = waitingAtAgent[agent], !queue.isEmpty {
                let waiter = queue.removeFirst()
                waitingAtAgent[agent] = queue.isEmpty ? nil : queue
                waiting.remove(ObjectIdentifier(waiter))
                return waiter
            }
            agentsToWake.removeFirst()
        }
        guard inFlight < maxInFlight, !waitingEverywhere.isEmpty else { return nil }
        let waiter = waitingEverywhere.removeFirst()
        waiting.remove(ObjectIdentifier(waiter))
        return waiter
    }

    /// Nothing in flight, nobody waiting (the engine shut down).
    mutating func reset() { self = RequestAdmission(maxInFlight: maxInFlight, maxInFlightPerAgent: maxInFlightPerAgent) }
}
