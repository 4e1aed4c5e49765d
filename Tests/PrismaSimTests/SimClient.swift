import AsyncHTTPClient
import HTTPServing
import NIOCore
import NIOHTTP1
import PrismaSim
import RelayModel

/// A bare HTTP client for poking at the simulator the way any Prisma client would.
struct SimClient {
    let base: String

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var json: JSONValue? { try? JSONValue.parse(body) }
        var redlockStatus: String? { headers.first(name: "x-redlock-status") }
    }

    func send(
        _ method: HTTPMethod, _ path: String, body: String? = nil, token: String? = nil, headers: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let token { request.headers.add(name: "x-redlock-auth", value: token) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
    }

    func login(_ user: SimUser) async throws -> String {
        let answer = try await send(.POST, "/login", body: #"{"username":"\#(user.accessKeyID)","password":"\#(user.secretKey)"}"#)
        guard let token = answer.json?["token"]?.stringValue else { throw LoginFailed(status: answer.status) }
        return token
    }

    struct LoginFailed: Error {
        var status: Int
    }
}

/// Runs `body` against a served simulator, then stops it.
func withSimulator(
    _ configuration: PrismaSimulator.Configuration = .init(rateLimitPerSecond: nil),
    _ body: (PrismaSimulator, SimClient) async throws -> Void
) async throws {
    let simulator = PrismaSimulator(configuration: configuration)
    let server = try await simulator.serve()
    do {
        try await body(simulator, SimClient(base: server.url))
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}
