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
                    let child = try ChildProcess(["python3", path], stdin: .pipe, stdout: .pipe, stderr: .pipe)
                    child.stdin!.write(input)
                    try child.stdin!.close()
                    let output = ChildProcess.readToEnd(child.stdout!)
                    let errors = ChildProcess.readToEnd(child.stderr!)
                    guard child.waitUntilExit() == 0 else {
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
