import Foundation

/// Runs the built `prisma-relay` binary (it sits beside the test bundle) and captures what it prints.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("prisma-relay-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("prisma-relay")
    }

    var database: String { directory.appendingPathComponent("relay.sqlite").path }

    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PRISMA_RELAY_SECRET")
        env["PRISMA_RELAY_DATABASE"] = database
        process.environment = env.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        // The child talks to servers running in this test process, so no cooperative thread may block on it:
        // the pipes are drained and the exit awaited on dispatch threads.
        let (o, e) = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, Data), any Error>) in
            DispatchQueue.global().async {
                do {
                    try process.run()
                    let stderrData = DataBox()
                    let group = DispatchGroup()
                    group.enter()
                    DispatchQueue.global().async {
                        stderrData.set(err.fileHandleForReading.readDataToEndOfFile())
                        group.leave()
                    }
                    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
                    group.wait()
                    process.waitUntilExit()
                    continuation.resume(returning: (stdoutData, stderrData.get()))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

/// Bytes handed from one dispatch thread to another.
final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
