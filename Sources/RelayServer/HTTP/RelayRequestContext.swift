import Hummingbird

/// The one request context of the relay's API: who is calling, once the auth middleware has checked.
public struct RelayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The API access key id of the caller.
    public var caller: String?

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}
