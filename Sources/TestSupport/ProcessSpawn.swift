import Foundation
import Synchronization

/// Starts child processes one at a time and reads their pipes. Foundation's `Process.run` on Linux has crashed (a bad
/// pointer in the copy of its arguments) when several tests spawned at the same moment; starting them under one lock
/// costs nothing measurable, and the children still run at once. Every child a test starts goes through `run`.
public enum ProcessSpawn {
    static let lock = Mutex(())

    /// `process.run()`, one caller at a time.
    public static func run(_ process: Process) throws {
        try lock.withLock { _ in try process.run() }
    }

    /// Everything the pipe's writers write until they close it: the thread blocks until then, so call it on a thread
    /// of its own, never a cooperative one.
    public static func readToEnd(_ handle: FileHandle) -> Data {
        var data = Data()
        readChunks(handle) { data.append(contentsOf: $0) }
        return data
    }

    /// Calls `line` with each line the pipe's writers write, on a thread of its own, until they close it.
    public static func readLines(_ handle: FileHandle, _ line: @escaping @Sendable (String) -> Void) {
        let thread = Thread {
            var pending: [UInt8] = []
            readChunks(handle) { chunk in
                pending += chunk
                while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    line(String(decoding: pending[..<end], as: UTF8.self))
                    pending.removeSubrange(...end)
                }
            }
            if !pending.isEmpty { line(String(decoding: pending, as: UTF8.self)) }
        }
        thread.start()
    }

    /// Reads the pipe with `read(2)` until its writers close it (a read a signal interrupted is made again), handing
    /// each chunk to `body`. Foundation's own readers crashed here, in a copy, when tests ran children at once.
    static func readChunks(_ handle: FileHandle, _ body: (ArraySlice<UInt8>) -> Void) {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                body(chunk[0..<count])
            } else if count == 0 || errno != EINTR {
                return
            }
        }
    }
}
