import Testing

@testable import SNMP

/// The engine's caps and waiting lists on exact sequences, without net-snmp.
@Suite("Request admission")
struct RequestAdmissionTests {
    final class Device {
        let name: String
        init(_ name: String) { self.name = name }
    }

    @Test func theCapOnAllRequestsAndWhoWaitsForIt() {
        var admission = RequestAdmission<String, Device>(maxInFlight: 2, maxInFlightPerAgent: 10)
        let a = Device("a")
        let b = Device("b")
        let c = Device("c")
        #expect(admission.admit(a, at: "10.0.0.1") == nil)
        admission.sent(to: "10.0.0.1")
        #expect(admission.admit(b, at: "10.0.0.2") == nil)
        admission.sent(to: nil)  // a v3 discovery takes a slot too
        #expect(admission.admit(c, at: "10.0.0.3") == .everywhere && admission.admit(b, at: "10.0.0.2") == .everywhere)
        #expect(admission.admit(c, at: "10.0.0.3") == .everywhere, "asked again: still one place in the list")
        #expect(admission.nextToWake() == nil, "nothing is free")
        admission.finished(at: nil)
        // One slot: the oldest waiter first, each once.
        #expect(admission.nextToWake() === c)
        #expect(admission.nextToWake() === b)
        #expect(admission.nextToWake() == nil)
        #expect(admission.inFlight == 1)
    }

    @Test func devicesBehindOneAgentShareItsSlots() {
        var admission = RequestAdmission<String, Device>(maxInFlight: 100, maxInFlightPerAgent: 2)
        let first = Device("sw1")
        let second = Device("sw2")
        let elsewhere = Device("sw3")
        for _ in 0..<2 {
            #expect(admission.admit(first, at: "127.0.0.1:161") == nil)
            admission.sent(to: "127.0.0.1:161")
        }
        #expect(admission.admit(second, at: "127.0.0.1:161") == .atAgent && admission.admit(first, at: "127.0.0.1:161") == .atAgent)
        #expect(admission.admit(elsewhere, at: "127.0.0.2:161") == nil, "another agent is not held up")
        admission.sent(to: "127.0.0.2:161")
        // A slot freed elsewhere wakes no one waiting at 127.0.0.1.
        admission.finished(at: "127.0.0.2:161")
        #expect(admission.nextToWake() == nil)
        admission.finished(at: "127.0.0.1:161")
        #expect(admission.inFlight(at: "127.0.0.1:161") == 1)
        #expect(admission.nextToWake() === second, "in the order they asked")
        admission.sent(to: "127.0.0.1:161")
        #expect(admission.nextToWake() == nil, "the agent is full again: the next waits")
        admission.finished(at: "127.0.0.1:161")
        #expect(admission.nextToWake() === first)
        #expect(admission.nextToWake() == nil)
    }

    @Test func resetForgetsEverything() {
        var admission = RequestAdmission<String, Device>(maxInFlight: 1, maxInFlightPerAgent: 1)
        let a = Device("a")
        admission.sent(to: "x")
        #expect(admission.admit(a, at: "x") == .everywhere)
        admission.reset()
        #expect(admission.inFlight == 0 && admission.inFlight(at: "x") == 0 && admission.nextToWake() == nil)
    }
}
