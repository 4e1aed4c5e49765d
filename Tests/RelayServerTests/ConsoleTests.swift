import Delivery
import Foundation
import RelayModel
import RelayStore
import Testing

@testable import RelayServer

@Suite("Console: pure parts")
struct ConsoleTests {
    @Test(
        "the chart's scale is a round number five gridlines divide, at least the tallest hour",
        arguments: [
            (0, 5), (3, 5), (7, 10), (12, 15), (22, 25), (26, 30), (37, 40), (41, 50), (55, 60), (79, 80), (99, 100), (101, 150),
            (420, 500),
        ])
    func scale(peak: Int, expected: Int) {
        #expect(BarChart.niceCeiling(peak) == expected)
    }

    @Test("the chart stacks each hour's severities, labels every third hour and describes itself")
    func chart() {
        let hour: Int64 = 1_763_780_400_000  // 2025-11-22T03:00Z
        let svg = BarChart.events(
            [HourlyCount(hour: hour, severity: .high, count: 4), HourlyCount(hour: hour, severity: .low, count: 1)], now: hour + 1_800_000)
        #expect(svg.hasPrefix(#"<svg viewBox="0 0 720 220" role="img" aria-label="Events per hour by severity, last 24 hours: 5 in all""#))
        #expect(svg.contains("<title>2025-11-22 03:00 UTC: 4 high</title>") && svg.contains("<title>2025-11-22 03:00 UTC: 1 low</title>"))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 2)
        #expect(svg.components(separatedBy: "text-anchor=\"middle\"").count - 1 == 8)
        #expect(!svg.contains("<script"))
    }

    @Test("a week's chart has 168 hourly bars labelled at each midnight; polls and deliveries stack their outcomes")
    func weekCharts() {
        let midnight: Int64 = 1_763_769_600_000  // 2025-11-22T00:00Z
        let polls = BarChart.polls(
            [PollHour(hour: midnight, succeeded: 11, failed: 1)], span: .week, now: midnight + 2 * 86_400_000 + 60_000)
        #expect(polls.hasPrefix(#"<svg viewBox="0 0 720 220" role="img" aria-label="Polls per hour, last 7 days: 12 in all""#))
        #expect(
            polls.contains("<title>2025-11-22 00:00 UTC: 11 succeeded</title>")
                && polls.contains("<title>2025-11-22 00:00 UTC: 1 failed</title>"))
        // Seven days ending with the hour of 11-24 00:01 start at 11-17 01:00: midnights 11-18 … 11-24.
        #expect(polls.components(separatedBy: "text-anchor=\"middle\"").count - 1 == 7)
        #expect(polls.contains(">11-22</text>") && polls.contains(">11-24</text>") && !polls.contains(">11-17</text>"))
        let deliveries = BarChart.deliveries(
            [DeliveryHour(hour: midnight, delivered: 90, retried: 4, dead: 1)], span: .day, now: midnight + 600_000)
        #expect(deliveries.contains("aria-label=\"Deliveries per hour, last 24 hours: 95 in all\""))
        #expect(
            deliveries.contains(": 90 delivered</title>") && deliveries.contains(": 4 retried</title>")
                && deliveries.contains(": 1 dead</title>"))
        #expect(BarChart.sparkline([0, 2, 4], label: "6 events").components(separatedBy: "<rect").count - 1 == 2)
    }

    @Test("custom headers are rows of name, value and secret: empty rows are left out, a value without a name is refused")
    func headerRows() throws {
        let form = FormData(
            "cfg.headers.0.key=X-Team&cfg.headers.0.value=soc&cfg.headers.1.key=&cfg.headers.1.value="
                + "&cfg.headers.2.key=X-Api-Key&cfg.headers.2.value=k1&cfg.headers.2.secure=true")
        let items = try IntegrationForm.headers("cfg.headers", form: form).get()
        #expect(items.map { $0.jsonString() } == [#"{"key":"X-Team","value":"soc"}"#, #"{"key":"X-Api-Key","value":"k1","secure":true}"#])
        let bad = IntegrationForm.headers("cfg.headers", form: FormData("cfg.headers.0.key=&cfg.headers.0.value=orphan"))
        #expect(throws: ConfigError.self) { try bad.get() }
        // Shown again: a typed secret value is blanked (typed again), and there are always empty rows to add one.
        let rows = IntegrationForm.headerRows("cfg.headers", stored: [], typed: form)
        #expect(rows.map { $0["key"] as? String } == ["X-Team", "X-Api-Key", ""])
        #expect(rows.map { $0["value"] as? String } == ["soc", "", ""])
        #expect(rows.map { $0["prefix"] as? String } == ["cfg.headers.0", "cfg.headers.1", "cfg.headers.2"])
    }

    @Test("a field's message names the field")
    func fieldMessages() {
        #expect(IntegrationForm.sentence("Auth token", "is required") == "Auth token is required")
        #expect(IntegrationForm.sentence("URL", "must be an http(s) URL") == "URL must be an http(s) URL")
        #expect(IntegrationForm.sentence("URL", "The host refused") == "The host refused")
    }

    @Test("forms keep repeated names, decode + and %, and ignore blanks; written forms encode all but unreserved characters")
    func formData() {
        let form = FormData("name=high+to+soc&severities=high&severities=medium&q=a%26b&empty=&flag=true")
        #expect(form["name"] == "high to soc" && form.all("severities") == ["high", "medium"] && form["q"] == "a&b")
        #expect(form["empty"] == nil && form.checked("flag") && !form.checked("missing"))
        #expect(FormData.encode([("grant type", "a/b+c=d~é"), ("x", "")]) == "grant%20type=a%2Fb%2Bc%3Dd~%C3%A9&x=")
    }

    @Test("an integration form becomes integrationConfig: numbers, checkboxes, header rows, JSON fields; unreadable JSON is named")
    func integrationForm() throws {
        let schema = DestinationRegistry.standard.schema(.webhook)
        let form = FormData(
            "cfg.url=https%3A%2F%2Fh.example.com&cfg.authToken=t&cfg.batchSize=5&cfg.headers.0.key=X&cfg.headers.0.value=1")
        let (config, errors) = IntegrationForm.config(schema, form: form)
        #expect(errors.isEmpty)
        #expect(
            config
                == .object([
                    "url": .string("https://h.example.com"), "authToken": .string("t"),
                    "headers": .array([.object(["key": .string("X"), "value": .string("1")])]), "isCustomPayloadEnabled": .bool(false),
                    "batchSize": .int(5),
                ]))
        let bad = IntegrationForm.config(
            schema, form: FormData("cfg.isCustomPayloadEnabled=true&cfg.customPayloads=%5Bnot&cfg.headers.0.value=orphan"))
        #expect(bad.1["customPayloads"]?.hasPrefix("must be JSON") == true)
        #expect(bad.1["headers"]?.hasPrefix("row 1 has a value but no header name") == true)
    }

    @Test("a stored secret shows as the mask in the form, never as its value")
    func maskedForm() {
        let schema = DestinationRegistry.standard.schema(.splunk)
        let shown = schema.masked(["url": .string("https://s.example.com"), "authToken": .string("HEC-SECRET")])
        let fields = IntegrationForm.fields(schema, shown: shown, typed: nil, errors: [:])
        let token = fields.first { $0["name"] as? String == "cfg.authToken" }
        #expect(token?["value"] as? String == Secret.mask && token?["inputType"] as? String == "password")
        #expect(!fields.contains { ($0["value"] as? String)?.contains("HEC-SECRET") == true })
    }
}
