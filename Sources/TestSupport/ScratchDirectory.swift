import Foundation
import Synchronization

/// A new directory under the system's temporary one, removed when the last value holding it goes away, so a test's
/// databases and files do not outlive it.
public final class ScratchDirectory: Sendable {
    public let url: URL

    public init(prefix: String) throws {
        url = try Self.make(prefix: prefix)
    }

    /// A path inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A new directory under the system's temporary one, removed when the test process exits: for what a helper
    /// makes and hands back (a store's database, a proxy's files), whose last user the helper cannot know.
    public static func untilExit(prefix: String) throws -> URL {
        _ = removingAtExit
        let url = try make(prefix: prefix)
        leftUntilExit.withLock { $0.append(url) }
        return url
    }

    static func make(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The directories `ScratchDirectory.untilExit` made, removed as the process exits.
private let leftUntilExit = Mutex<[URL]>([])
private let removingAtExit: Void = {
    atexit {
        for url in leftUntilExit.withLock({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }
}()
