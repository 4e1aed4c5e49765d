import PrismaAPI
import RelayModel
import Testing

@Suite("Action requests to Prisma Cloud, exactly as sent, and Prisma's answers in words")
struct ActionRequestTests {
    static let everyTime = #""filter":{"timeRange":{"type":"to_now","value":"epoch"}}"#

    @Test("dismiss: POST /alert/dismiss with the alert, the note, and a filter that leaves no alert out by time")
    func dismiss() throws {
        let change = try #require(AlertStatusChange(.dismiss(note: "FP: test account"), alertIDs: ["P-1234"]))
        #expect(change.path == "/alert/dismiss")
        #expect(change.body.jsonString() == #"{"alerts":["P-1234"],"dismissalNote":"FP: test account",\#(Self.everyTime)}"#)
    }

    @Test("snooze: the same path with a relative dismissalTimeRange")
    func snooze() throws {
        let change = try #require(
            AlertStatusChange(.snooze(note: "waiting for patch window", for: SnoozeDuration(amount: 24, unit: .hour)), alertIDs: ["P-1234"])
        )
        #expect(change.path == "/alert/dismiss")
        #expect(
            change.body.jsonString()
                == #"{"alerts":["P-1234"],"dismissalNote":"waiting for patch window","dismissalTimeRange":{"type":"relative","value":{"amount":24,"unit":"hour"}},\#(Self.everyTime)}"#
        )
    }

    @Test("reopen: POST /alert/reopen with the alert and the filter, no note")
    func reopen() throws {
        let change = try #require(AlertStatusChange(.reopen, alertIDs: ["P-1234"]))
        #expect(change.path == "/alert/reopen")
        #expect(change.body.jsonString() == #"{"alerts":["P-1234"],\#(Self.everyTime)}"#)
    }

    @Test("acknowledge and unacknowledge: PATCH the incident's acknowledge path with the flag alone")
    func acknowledge() {
        let on = ComputeClient.acknowledgement(true, incident: "637627beb2a8e98a1c36a9db")
        #expect(on.path == "/api/v1/audits/incidents/acknowledge/637627beb2a8e98a1c36a9db")
        #expect(String(decoding: on.body, as: UTF8.self) == #"{"acknowledged":true}"#)
        let off = ComputeClient.acknowledgement(false, incident: "a/../b")
        #expect(off.path == "/api/v1/audits/incidents/acknowledge/a%2F%2E%2E%2Fb", "an id never leaves its path segment")
        #expect(String(decoding: off.body, as: UTF8.self) == #"{"acknowledged":false}"#)
        #expect(AlertStatusChange(.acknowledge, alertIDs: ["P-1"]) == nil)
    }

    @Test("Prisma's answers: done, already done, and each refusal in words with the key after")
    func answers() throws {
        let change = try #require(AlertStatusChange(.dismiss(note: "n"), alertIDs: ["P-9"]))
        #expect(change.answer(status: 200, reason: nil)?.outcome == .done)
        let already = try #require(change.answer(status: 404, reason: "alert_no_longer_in_expected_state"))
        #expect(already.outcome == .alreadyDone)
        let forbidden = try #require(change.answer(status: 403, reason: "permission_error"))
        #expect(forbidden.outcome == .refused)
        #expect(forbidden.detail.hasPrefix("Prisma Cloud refused: the access key's role may not dismiss"))
        #expect(forbidden.detail.hasSuffix("(HTTP 403 permission_error)"))
        let short = try #require(change.answer(status: 400, reason: "violates_minimum_alert_dismiss_duration_time"))
        #expect(short.outcome == .refused && short.detail.contains("shorter than the tenant's minimum"))
        #expect(change.answer(status: 429, reason: nil) == nil, "rate limits are the retry loop's")
        #expect(change.answer(status: 503, reason: nil) == nil)
    }
}
