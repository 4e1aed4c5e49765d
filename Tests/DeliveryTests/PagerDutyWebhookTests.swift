import Delivery
import RelayModel
import Testing

@Suite("PagerDuty v3 webhooks: the signature and what an event reports")
struct PagerDutyWebhookTests {
    static let body =
        #"{"event":{"id":"01","event_type":"incident.resolved","data":{"type":"incident","incident_key":"prod/P-1","number":7}}}"#
    /// HMAC-SHA256 of `body` under `whsec-golden`, computed with Python's `hmac` (the language of PagerDuty's example).
    static let golden = "v1=3b21a9efc32f6e7c04f08fdaf690b943be4f01f9a89854a1a263fb56dd7b4e3b"

    @Test("a v1 signature of the raw body under the secret is accepted, alone or among a rotation's; anything else is refused")
    func signatures() {
        let bytes = Array(Self.body.utf8)
        #expect(PagerDutyWebhook.verify(body: bytes, signatures: Self.golden, secret: "whsec-golden"))
        #expect(PagerDutyWebhook.verify(body: bytes, signatures: "v1=00ff,\(Self.golden)", secret: "whsec-golden"))
        #expect(PagerDutyWebhook.verify(body: bytes, signatures: " \(Self.golden) ", secret: "whsec-golden"))
        #expect(!PagerDutyWebhook.verify(body: bytes, signatures: Self.golden, secret: "whsec-other"))
        #expect(!PagerDutyWebhook.verify(body: bytes + [0x20], signatures: Self.golden, secret: "whsec-golden"))
        #expect(!PagerDutyWebhook.verify(body: bytes, signatures: "v2=" + Self.golden.dropFirst(3), secret: "whsec-golden"))
        #expect(!PagerDutyWebhook.verify(body: bytes, signatures: "v1=zz", secret: "whsec-golden"))
        #expect(!PagerDutyWebhook.verify(body: bytes, signatures: nil, secret: "whsec-golden"))
        #expect(!PagerDutyWebhook.verify(body: bytes, signatures: Self.golden, secret: ""))
    }

    @Test("incident.resolved reports the incident's key, who resolved it and which incident; other events report nothing")
    func resolution() throws {
        let resolved = try JSONValue.parse(
            #"{"event":{"event_type":"incident.resolved","agent":{"summary":"Tenex Engineer"},"data":{"type":"incident","incident_key":"prod/P-1","number":2,"title":"Open SSH","html_url":"https://acme.pagerduty.com/incidents/PGR0VU2"}}}"#
        )
        #expect(
            PagerDutyWebhook.resolution(in: resolved)
                == PagerDutyWebhook.Resolution(
                    alertKey: "prod/P-1", by: "Tenex Engineer",
                    incident: #"#2 "Open SSH" (https://acme.pagerduty.com/incidents/PGR0VU2)"#))
        let byService = try JSONValue.parse(Self.body)
        #expect(PagerDutyWebhook.resolution(in: byService)?.by == "PagerDuty", "an automatic resolve has no agent")
        let acknowledged = try JSONValue.parse(
            #"{"event":{"event_type":"incident.acknowledged","data":{"type":"incident","incident_key":"prod/P-1"}}}"#)
        #expect(PagerDutyWebhook.resolution(in: acknowledged) == nil)
        let note = try JSONValue.parse(#"{"event":{"event_type":"incident.resolved","data":{"type":"incident_note"}}}"#)
        #expect(PagerDutyWebhook.resolution(in: note) == nil)
    }
}
