import HTTPServing
import HTTPTypes
import Hummingbird
import NIOCore
import RelayModel

/// A strict Slack incoming webhook for tests: `/services/T…/B…/<secret>` with the known secret, JSON with `text`
/// or `blocks` (at most 50, header text at most 150 characters), `200 ok` as plain text, and Slack's plain-text
/// errors. Scriptable: answer `(status, text)` pairs first, e.g. `(429, "rate_limited")`.
public actor SlackReceiver {
    let path: String
    public private(set) var messages: [JSONValue] = []
    public private(set) var requests = 0
    private var script = FailureScript<(Int, String)>()

    /// `path` is the webhook's path, e.g. `/services/T000/B000/XXXX`.
    public init(path: String) { self.path = path }

    public func fail(with answers: [(Int, String)]) { script.add(answers) }

    func handle(path: String, body: [UInt8]) -> (Int, String, [(String, String)]) {
        requests += 1
        guard path == self.path else { return (404, "no_service", []) }
        if let (status, text) = script.next() {
            return (status, text, status == 429 ? [("Retry-After", "30")] : [])
        }
        guard let json = try? JSONValue.parse(body), json.objectValue != nil else { return (400, "invalid_payload", []) }
        let blocks = json["blocks"]?.arrayValue ?? []
        guard json["text"]?.stringValue?.isEmpty == false || !blocks.isEmpty else { return (400, "no_text", []) }
        guard blocks.count <= 50 else { return (400, "invalid_blocks", []) }
        for block in blocks where block["type"]?.stringValue == "header" {
            guard let text = block["text"]?["text"]?.stringValue, text.count <= 150 else { return (400, "invalid_blocks", []) }
        }
        messages.append(json)
        return (200, "ok", [])
    }

    /// Serves the webhook on loopback; its base URL stands in for `https://hooks.slack.com`.
    public func serve() async throws -> HTTPServerHandle {
        let router = Router()
        router.post("services/**") { [self] request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let (status, text, extra) = await handle(path: request.uri.path, body: Array(body.readableBytesView))
            var headers: HTTPFields = [.contentType: "text/plain"]
            for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
            return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return try await HTTPServerHandle.start(router: router)
    }
}
