/// One page of `POST /v2/alert` (Prisma's `PagedResultsAlertModel`).
public struct AlertPage: Sendable, Equatable {
    /// The alerts, each exactly as received.
    public var items: [JSONValue]
    /// The token for the next page; absent or empty on the last page.
    public var nextPageToken: String?
    /// The total number of alerts the query matches.
    public var totalRows: Int?
    /// Size of the response body the page was read from, in bytes (0 when built in code).
    public var byteCount = 0

    public init(items: [JSONValue], nextPageToken: String?, totalRows: Int?) {
        self.items = items
        self.nextPageToken = nextPageToken
        self.totalRows = totalRows
    }

    /// How a page's body is parsed: its alerts (`{"items":[{…}]}`: level 3) are read lazily, with what normalizing
    /// reads read at once; the rest of each alert is checked and kept as text, which storing it copies.
    public static let lazyAlerts = JSONLazyLevel(depth: 3, preselecting: AlertNormalizer.fields)

    /// Reads a response body. The v1 list endpoints answer with a bare array, which is accepted as a single page.
    public init(json: JSONValue) throws(WireError) {
        if let items = json.arrayValue {
            self.init(items: items, nextPageToken: nil, totalRows: items.count)
            return
        }
        guard json.objectValue != nil else { throw WireError("expected a JSON object with items") }
        guard let items = json["items"]?.arrayValue else { throw WireError("the response has no items array") }
        let token = json["nextPageToken"]?.stringValue
        self.init(
            items: items, nextPageToken: (token?.isEmpty ?? true) ? nil : token,
            totalRows: json["totalRows"]?.int64Value.map { Int($0) })
    }

    /// The response JSON.
    public var jsonValue: JSONValue {
        var object: JSONObject = ["items": .array(items)]
        if let nextPageToken { object["nextPageToken"] = .string(nextPageToken) }
        if let totalRows { object["totalRows"] = .int(totalRows) }
        return .object(object)
    }
}
