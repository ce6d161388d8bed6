import Foundation
import Model
import Synchronization
import Testing

@testable import API

/// The city's findings judged once a minute for every token, and never waited for once there is a judgement: past the
/// minute the last one is served while the next is made in the background; too old (the judgement keeps failing or
/// falls behind), a request judges them itself. Time is given to each call.
@Suite("The findings cache")
struct FindingsCacheTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000)

    @Test func servesTheLastJudgementWhileTheNextIsMadeAndJudgesItselfWhenTooOld() async throws {
        let cache = FindingsCache(seconds: 60)
        let judgements = Mutex(0)
        func judge(_ label: String) -> FindingsCache.Judge {
            {
                judgements.withLock { $0 += 1 }
                return [
                    Finding(
                        rule: .wifiCoverage, subject: .init(kind: .school, id: "s1", county: "yongning", school: "s1"), target: label,
                        targetValue: nil, source: "test")
                ]
            }
        }
        func seen(_ seconds: Double, _ label: String) async throws -> String? {
            try await cache.findings(hours: 24, at: Self.t0.addingTimeInterval(seconds), judge: judge(label)).first?.target
        }
        #expect(try await seen(0, "first") == "first")
        #expect(try await seen(30, "second") == "first", "within the minute: the same judgement")
        #expect(try await seen(61, "second") == "first", "past the minute: the last judgement at once")
        await cache.settled()
        #expect(try await seen(62, "third") == "second", "the judgement made in the background meanwhile")
        #expect(try await seen(61 + 181, "fourth") == "fourth", "over three minutes old: judged there and then")
        #expect(judgements.withLock { $0 } == 3)
    }
}
