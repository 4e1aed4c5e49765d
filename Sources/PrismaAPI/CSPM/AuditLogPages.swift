import RelayModel

/// The pages of the tenant's audit log over a window (`POST /audit/api/v1/log`: an absolute time range, 500 records a
/// page, `nextPageToken` resent with the same body), fetched lazily. When Prisma finds too many records for one query
/// (413, "reduce the time range") the window is read in halves, oldest first, down to single milliseconds, so a long
/// first look-back or a busy tenant loses nothing. Iteration ends after the last window's page without a token, an
/// empty page, or a token seen before.
public struct AuditLogPages: AsyncSequence, Sendable {
    public typealias Element = AuditLogPage
    let client: CSPMClient
    let window: ClosedRange<Int64>

    public func makeAsyncIterator() -> Iterator { Iterator(pages: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let pages: AuditLogPages
        /// The windows still to read, oldest first; the first is the one being paged.
        var windows: [ClosedRange<Int64>]
        var nextToken: String?
        var seenTokens = Set<String>()

        init(pages: AuditLogPages) {
            self.pages = pages
            windows = [pages.window]
        }

        public mutating func next() async throws -> AuditLogPage? {
            while let window = windows.first {
                let page: AuditLogPage
                do {
                    page = try await pages.client.fetchAuditLogPage(window: window, token: nextToken)
                } catch PrismaClientError.rejected(path: _, status: 413, reason: _)
                    where nextToken == nil && window.upperBound > window.lowerBound
                {
                    let middle = window.lowerBound + (window.upperBound - window.lowerBound) / 2
                    windows.replaceSubrange(0...0, with: [window.lowerBound...middle, (middle + 1)...window.upperBound])
                    continue
                }
                if let token = page.nextPageToken, !page.items.isEmpty, seenTokens.insert(token).inserted {
                    nextToken = token
                } else {
                    windows.removeFirst()
                    nextToken = nil
                }
                return page
            }
            return nil
        }
    }
}

/// One page of audit log records, as received.
public struct AuditLogPage: Sendable {
    public var items: [JSONValue]
    public var nextPageToken: String?
    public var byteCount: Int

    /// The request body for `window` (epoch ms), with the page token after the first page.
    public static func request(window: ClosedRange<Int64>, token: String?) -> JSONValue {
        var body: JSONObject = [
            "timeRange": .object([
                "type": .string("absolute"),
                "value": .object(["startTime": .int(window.lowerBound), "endTime": .int(window.upperBound)]),
            ]),
            "limit": .int(500),
        ]
        if let token { body["nextPageToken"] = .string(token) }
        return .object(body)
    }

    /// Reads `{value: [...], nextPageToken}`.
    init(json: JSONValue, byteCount: Int) throws(PrismaClientError) {
        guard let items = json["value"]?.arrayValue else {
            throw .malformedJSON(path: "POST /audit/api/v1/log", detail: "no value list in the answer")
        }
        self.items = items
        nextPageToken = json["nextPageToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        self.byteCount = byteCount
    }
}
