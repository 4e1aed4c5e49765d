import RelayModel
import Testing

@Suite("Alert list wire types")
struct AlertQueryTests {
    @Test("reads the documented first-page request and writes it back unchanged")
    func documentedRequest() throws {
        let json = try JSONValue.parse(try fixture("cspm-v2-alert-request-first-page.json"))
        let query = try AlertQuery(json: json)
        #expect(query.timeRange == .absolute(startTime: 1_676_023_200_000, endTime: 1_676_880_716_607))
        #expect(query.values(of: "policy.severity") == ["high", "critical"])
        #expect(query.limit == 1000)
        #expect(query.detailed == true)
        #expect(try AlertQuery(json: query.jsonValue) == query)
    }

    @Test("a follow-up page carries only the page token, as Palo Alto's SDK sends it")
    func nextPage() {
        #expect(AlertQuery.nextPage("abc").jsonValue.jsonString() == #"{"pageToken":"abc"}"#)
    }

    @Test("reads a documented response page; an empty token means the last page")
    func responsePage() throws {
        let page = try AlertPage(json: try JSONValue.parse(try fixture("cspm-v2-alert-response-page.json")))
        #expect(page.items.count == 1)
        #expect(page.totalRows == 2345)
        #expect(page.nextPageToken == "NEXT_PAGE_TOKEN_OPAQUE_STRING")
        let last = try AlertPage(json: try JSONValue.parse(#"{"items":[],"nextPageToken":""}"#))
        #expect(last.nextPageToken == nil)
    }

    @Test(
        "time ranges: relative and to_now cover the right interval",
        arguments: [
            (#"{"type":"relative","value":{"amount":3,"unit":"day"}}"#, Int64(1_000_000_000_000 - 3 * 86_400_000)),
            (#"{"type":"to_now","value":"epoch"}"#, Int64(0)),
            (#"{"type":"to_now","value":"login"}"#, Int64(999_999_000_000)),
        ])
    func timeRanges(json: String, start: Int64) throws {
        let range = try TimeRange(json: try JSONValue.parse(json))
        #expect(range.interval(now: 1_000_000_000_000, loginAt: 999_999_000_000) == start...1_000_000_000_000)
    }

    @Test(
        "malformed requests are refused with what is wrong",
        arguments: [
            #"{"timeRange":{"type":"absolute","value":{"startTime":5}}}"#,
            #"{"timeRange":{"type":"sometimes"}}"#,
            #"{"filters":[{"name":"alert.status","operator":"!=","value":"open"}]}"#,
            #"{"limit":-1}"#, "[]",
        ])
    func malformed(json: String) throws {
        #expect(throws: WireError.self) { try AlertQuery(json: try JSONValue.parse(json)) }
    }
}
