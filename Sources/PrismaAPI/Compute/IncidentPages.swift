/// The incident pages of one window, fetched lazily by offset. Iteration ends with a short page or once
/// `Total-Count` incidents have arrived, so it cannot loop.
public struct IncidentPages: AsyncSequence, Sendable {
    public typealias Element = ComputeClient.Page
    let client: ComputeClient
    let from: Int64
    let to: Int64
    let acknowledged: Bool

    public func makeAsyncIterator() -> Iterator { Iterator(pages: self) }

    /// Fetches the next page when asked.
    public struct Iterator: AsyncIteratorProtocol {
        let pages: IncidentPages
        var offset = 0
        var finished = false

        public mutating func next() async throws -> ComputeClient.Page? {
            guard !finished else { return nil }
            let page = try await pages.client.fetchIncidents(
                offset: offset, from: pages.from, to: pages.to, acknowledged: pages.acknowledged)
            offset += page.incidents.count
            finished = page.incidents.count < ComputeClient.pageLimit || offset >= (page.totalCount ?? .max)
            return page
        }
    }
}
