import RelayModel

/// The pages of one alert query, fetched lazily. Iteration ends after an empty page, a page without
/// `nextPageToken`, once `totalRows` alerts have arrived, or when a token repeats — so a stale or
/// self-referencing token can never make it loop.
public struct AlertPages: AsyncSequence, Sendable {
    public typealias Element = AlertPage
    let client: CSPMClient
    let query: AlertQuery
    let path: String

    public func makeAsyncIterator() -> Iterator { Iterator(pages: self) }

    /// Fetches the next page when asked.
    public struct Iterator: AsyncIteratorProtocol {
        let pages: AlertPages
        var nextToken: String?
        var started = false
        var finished = false
        var received = 0
        var seenTokens = Set<String>()

        init(pages: AlertPages) { self.pages = pages }

        public mutating func next() async throws -> AlertPage? {
            guard !finished else { return nil }
            let request = started ? AlertQuery.nextPage(nextToken!) : pages.query
            let page = try await pages.client.fetchAlertPage(request, path: pages.path)
            started = true
            received += page.items.count
            if let token = page.nextPageToken, !page.items.isEmpty, received < (page.totalRows ?? .max),
                seenTokens.insert(token).inserted
            {
                nextToken = token
            } else {
                finished = true
            }
            return page
        }
    }
}
