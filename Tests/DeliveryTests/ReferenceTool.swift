import Foundation
import TestSupport

/// Runs a reference implementation from PyPI (botocore, PyJWT, cryptography) in `Reference/`, feeding it JSON on
/// stdin, off the test's threads; returns what it printed, trimmed.
enum ReferenceTool {
    static func run(_ script: String, input: Data) async throws -> String {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/\(script)").path
        let finished = try await ChildProcess.run(["python3", path], input: input)
        guard finished.status == 0 else {
            throw ReferenceError(message: "\(script) failed: " + String(decoding: finished.stderr, as: UTF8.self))
        }
        return String(decoding: finished.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct ReferenceError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
