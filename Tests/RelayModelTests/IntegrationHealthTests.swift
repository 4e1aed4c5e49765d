import RelayModel
import Testing

@Suite("Integration health")
struct IntegrationHealthTests {
    static let latest = "The webhook refused the event (HTTP 400): sending it again as it is will not help"
    static let said =
        "2 events are in the dead letters (latest: The webhook refused the event (HTTP 400): sending it again as it is will not help): fix the cause, then retry or discard them"

    @Test("dead letters turn a GREEN status YELLOW, saying how many and why the latest failed")
    func greenShowsDeadLetters() {
        var health = IntegrationHealth(deadLetters: 2)
        #expect(health.deadLettersShown)
        health.showDeadLetters(latestReason: Self.latest)
        #expect(health.status == .yellow && health.message == Self.said)
        var one = IntegrationHealth(deadLetters: 1)
        one.showDeadLetters(latestReason: nil)
        #expect(one.message == "1 event is in the dead letters (latest: no reason recorded): fix the cause, then retry or discard them")
    }

    @Test("dead letters take the place of a failed Test's reason, which can stay the status long after the events it hid")
    func failedTestGivesWay() {
        var health = IntegrationHealth(
            status: .yellow, errorType: IntegrationHealth.testFailed, message: "The last Test failed: …", deadLetters: 2)
        health.showDeadLetters(latestReason: Self.latest)
        #expect(health.status == .yellow && health.message == Self.said)
        #expect(health.errorType == IntegrationHealth.testFailed, "a Test that passes still clears it")
    }

    @Test("a worse status keeps its own reason, and a status without dead letters is left as it is")
    func worseStatusKeepsItsReason() {
        let down = IntegrationHealth(
            status: .yellow, errorType: "HTTP_EXCEPTION", message: "The webhook is down since …", downSince: 1, deadLetters: 2)
        let paused = IntegrationHealth(status: .red, paused: true, message: "credentials refused", deadLetters: 2)
        let clean = IntegrationHealth(status: .yellow, errorType: IntegrationHealth.testFailed, message: "The last Test failed: …")
        for health in [down, paused, clean] {
            #expect(!health.deadLettersShown)
            var shown = health
            shown.showDeadLetters(latestReason: Self.latest)
            #expect(shown == health)
        }
    }
}
