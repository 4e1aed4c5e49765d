import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
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

    /// Runs a program to its end and captures what it prints. The child may talk to servers running in this test
    /// process, so no cooperative thread blocks on it: the pipes are drained and the exit awaited on dispatch threads
    /// (where Foundation also notices the exit reliably).
    static func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil)
        async throws -> Result
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let (o, e) = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, Data), any Error>) in
            DispatchQueue.global().async {
                do {
                    try ProcessSpawn.run(process)
                    let stderrData = DataBox()
                    let group = DispatchGroup()
                    group.enter()
                    DispatchQueue.global().async {
                        stderrData.set(ProcessSpawn.readToEnd(err.fileHandleForReading))
                        group.leave()
                    }
                    let stdoutData = ProcessSpawn.readToEnd(out.fileHandleForReading)
                    group.wait()
                    process.waitUntilExit()
                    continuation.resume(returning: (stdoutData, stderrData.get()))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        return Result(
            status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

/// Bytes handed from one dispatch thread to another.
final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}

/// A long-running `prisma-relay` (serve, sim) in the background, read line by line until stopped.
final class BackgroundCLI: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    private let lock = NSLock()
    private var lines: [String] = []

    init(_ arguments: [String], in cli: CLI, environment: [String: String] = [:]) throws {
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = cli.directory
        var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        env["PRISMA_RELAY_DATABASE"] = cli.database
        env["PRISMA_RELAY_OUTBOUND_ALLOW"] = env["PRISMA_RELAY_OUTBOUND_ALLOW"] ?? "127.0.0.1,::1"
        process.environment = env
        process.standardOutput = output
        process.standardError = output
        try ProcessSpawn.run(process)
        ProcessSpawn.readLines(output.fileHandleForReading) { [weak self] line in
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
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Sends SIGTERM and waits for the exit status.
    func terminate() async -> Int32 {
        process.terminate()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    struct TimedOut: Error {
        var waitingFor: String
        var printed: [String]
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
