import Foundation
import Synchronization

/// Starts child processes one at a time. Foundation's `Process.run` on Linux has crashed (a bad pointer in the copy
/// of its arguments) when several tests spawned at the same moment; starting them under one lock costs nothing
/// measurable, and the children still run at once.
public enum ProcessSpawn {
    static let lock = Mutex(())

    /// `process.run()`, one caller at a time.
    public static func run(_ process: Process) throws {
        try lock.withLock { _ in try process.run() }
    }
}
