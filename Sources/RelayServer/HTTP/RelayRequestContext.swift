import Hummingbird
import RelayModel

/// The one request context of the relay's API: who is calling, once the auth middleware has checked.
public struct RelayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The API access key id of the caller.
    public var caller: String?
    /// What the caller's key may do.
    public var role: APIKey.Role = .admin
    /// The address the request came from (for throttling sign-in failures), when known.
    public let clientAddress: String?
    /// The console's signed-in session, once the console middleware has checked.
    public var session: ConsoleSession?
    /// A console form's fields, read (and its CSRF token checked) by the console middleware.
    public var form: FormData?

    public init(source: Source) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
