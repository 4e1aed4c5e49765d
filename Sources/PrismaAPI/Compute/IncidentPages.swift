/// The pages of one Compute list over a window (incidents, or a runtime audit stream), fetched lazily by offset.
/// Iteration ends with a short page or once `Total-Count` items have arrived, so it cannot loop.
public struct IncidentPages: AsyncSequence, Sendable {
    public typealias Element = ComputeClient.Page
    let client: ComputeClient
    let from: Int64
    let to: Int64
    /// Fetches the page at an offset.
    let fetch: @Sendable (ComputeClient, Int) async throws -> ComputeClient.Page

    public func makeAsyncIterator() -> Iterator { Iterator(pages: self) }

    /// Fetches the next page when asked.
    public struct Iterator: AsyncIteratorProtocol {
        let pages: IncidentPages
        var offset = 0
        var finished = false

        public mutating func next() async throws -> ComputeClient.Page? {
            guard !finished else { return nil }
            let page = try await pages.fetch(pages.client, offset)
            offset += page.incidents.count
            finished = page.incidents.count < ComputeClient.pageLimit || offset >= (page.totalCount ?? .max)
            return page
        }
    }
}
