import Foundation
import TestSupport

/// Runs a reference implementation from PyPI (botocore, PyJWT, cryptography) in `Reference/`, feeding it JSON on
/// stdin, off the test's threads; returns what it printed, trimmed.
enum ReferenceTool {
    static func run(_ script: String, input: Data) async throws -> String {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/\(script)").path
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = ["python3", path]
                    let stdin = Pipe()
                    let stdout = Pipe()
                    let stderr = Pipe()
                    process.standardInput = stdin
                    process.standardOutput = stdout
                    process.standardError = stderr
                    try ProcessSpawn.run(process)
                    stdin.fileHandleForWriting.write(input)
                    try stdin.fileHandleForWriting.close()
                    let output = ProcessSpawn.readToEnd(stdout.fileHandleForReading)
                    let errors = ProcessSpawn.readToEnd(stderr.fileHandleForReading)
                    process.waitUntilExit()
                    guard process.terminationStatus == 0 else {
                        throw ReferenceError(message: "\(script) failed: " + String(decoding: errors, as: UTF8.self))
                    }
                    continuation.resume(returning: String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    struct ReferenceError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
