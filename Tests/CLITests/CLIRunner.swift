import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PrismaSim
import TestSupport

/// Runs the built `prisma-relay` binary (it sits beside the test bundle) and captures what it prints.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let directory: URL
    /// Removes `directory` once the last copy of this CLI is gone.
    let scratch: ScratchDirectory
    /// What `PRISMA_RELAY_DATABASE` names for every command: a SQLite file in `directory` unless told otherwise.
    let database: String

    init(database: String? = nil) throws {
        scratch = try ScratchDirectory(prefix: "prisma-relay-cli")
        directory = scratch.url
        self.database = database ?? directory.appendingPathComponent("relay.sqlite").path
    }

    /// Adds integrations with `integration add`, each config written to a file; returns their ids.
    func addIntegrations(_ configs: [(name: String, type: String, config: String)]) async throws -> [String] {
        var ids: [String] = []
        for (name, type, config) in configs {
            let file = directory.appendingPathComponent("\(name).json")
            try Data(config.utf8).write(to: file)
            let added = try await run(["integration", "add", "--name", name, "--type", type, "--config-file", file.path])
            guard added.status == 0, let id = added.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines)
            else { throw AddFailed(message: "integration add \(name): \(added.stderr)") }
            ids.append(id)
        }
        return ids
    }

    /// Adds a CSPM connector `name` for `simulator`'s access key, the simulator served at `url`.
    func addConnector(_ name: String, url: String, simulator: PrismaSimulator) async throws {
        let added = try await run(
            ["connector", "add", "--name", name, "--url", url, "--key-id", simulator.user.accessKeyID],
            environment: ["PRISMA_RELAY_SECRET": simulator.user.secretKey])
        guard added.status == 0 else { throw AddFailed(message: "connector add \(name): \(added.stderr)") }
    }

    struct AddFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("prisma-relay")
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PRISMA_RELAY_SECRET")
        env["PRISMA_RELAY_DATABASE"] = database
        // The simulator and receivers the commands reach listen on this machine.
        env["PRISMA_RELAY_OUTBOUND_ALLOW"] = env["PRISMA_RELAY_OUTBOUND_ALLOW"] ?? "127.0.0.1,::1"
        return try await Self.runProcess(
            Self.binary, arguments, environment: env.merging(environment) { $1 }, directory: directory)
    }

    /// Runs a program to its end and captures what it prints; the child may talk to servers running in this test
    /// process, which `ChildProcess.run` keeps answering.
    static func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil)
        async throws -> Result
    {
        let finished = try await ChildProcess.run([executable.path] + arguments, environment: environment, directory: directory)
        return Result(
            status: finished.status, stdout: String(decoding: finished.stdout, as: UTF8.self),
            stderr: String(decoding: finished.stderr, as: UTF8.self))
    }
}

/// A long-running `prisma-relay` (serve, sim) in the background, read line by line until stopped.
final class BackgroundCLI: @unchecked Sendable {
    let process: ChildProcess
    private let lock = NSLock()
    private var lines: [String] = []

    init(_ arguments: [String], in cli: CLI, environment: [String: String] = [:]) throws {
        var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        env["PRISMA_RELAY_DATABASE"] = cli.database
        env["PRISMA_RELAY_OUTBOUND_ALLOW"] = env["PRISMA_RELAY_OUTBOUND_ALLOW"] ?? "127.0.0.1,::1"
        process = try ChildProcess(
            [CLI.binary.path] + arguments, environment: env, directory: cli.directory, stdout: .pipe, stderr: .stdout)
        ChildProcess.readLines(process.stdout!) { [weak self] line in
            guard let self, !line.isEmpty else { return }
            self.lock.withLock { self.lines.append(line) }
        }
    }

    /// Everything printed so far.
    var printed: [String] { lock.withLock { lines } }

    /// Waits until a printed line contains `text`, for at most `seconds`.
    func waitFor(_ text: String, seconds: Double = 30) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = printed.first(where: { $0.contains(text) }) { return line }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TimedOut(waitingFor: text, printed: printed)
    }

    /// Kills the process outright (SIGKILL), as a crash or an OOM kill would.
    func kill() async {
        process.send(SIGKILL)
        _ = await process.exitStatus()
    }

    /// Sends SIGTERM and waits for the exit status.
    func terminate() async -> Int32 {
        process.send(SIGTERM)
        return await process.exitStatus()
    }

    struct TimedOut: Error {
        var waitingFor: String
        var printed: [String]
    }

    deinit {
        // A test that failed or threw before stopping its process does not leave it running after the test.
        if process.isRunning { process.send(SIGKILL) }
    }
}

/// A browser of the relay's API and console over loopback: it keeps the session cookie between calls.
struct Web {
    let base: String
    let client: HTTPClient
    var cookies: [String: String] = [:]

    mutating func call(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: String? = nil) async throws -> (
        Int, String
    ) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if !cookies.isEmpty {
            request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(20))
        for cookie in response.headers["Set-Cookie"] {
            let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { cookies[pair[0]] = pair[1] }
        }
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 8 << 20)))
    }
}
