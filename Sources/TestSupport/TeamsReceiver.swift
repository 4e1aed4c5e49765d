import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// A strict Teams Workflows webhook for tests: a `message` with one Adaptive Card attachment, at most 28 KB,
/// answered `202` with no body; 400 for a malformed card, 413 when too large. Scriptable to fail first.
public actor TeamsReceiver {
    public private(set) var cards: [JSONValue] = []
    public private(set) var requests = 0
    private var script = FailureScript<(Int, String)>()

    public init() {}

    public func fail(with answers: [(Int, String)]) { script.add(answers) }

    func handle(body: [UInt8]) -> (Int, String) {
        requests += 1
        if let answer = script.next() { return answer }
        guard body.count <= 28 * 1024 else { return (413, "Request Entity Too Large") }
        guard let json = try? JSONValue.parse(body), json["type"]?.stringValue == "message",
            let attachment = json["attachments"]?.arrayValue?.first,
            attachment["contentType"]?.stringValue == "application/vnd.microsoft.card.adaptive",
            attachment["content"]?["type"]?.stringValue == "AdaptiveCard", attachment["content"]?["body"]?.arrayValue != nil
        else {
            return (
                400, #"{"error":{"code":"InvalidRequestContent","message":"The request content is not a valid Adaptive Card message."}}"#
            )
        }
        cards.append(attachment["content"]!)
        return (202, "")
    }

    /// Serves the webhook at `/workflows/relay/triggers/manual/paths/invoke` on loopback.
    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        router.post("workflows/relay/triggers/manual/paths/invoke") { [self] request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let (status, text) = await handle(body: Array(body.readableBytesView))
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return try await HTTPServerHandle.start(router: router)
    }
}
