import Foundation
import Synchronization

/// A child process for tests, started with `posix_spawnp` directly. Foundation's `Process.run` crashed the test
/// process (a bad pointer in a copy inside it) while the process held some 1,400 descriptors; here nothing is listed
/// or copied in the parent: the child closes every descriptor but its three streams itself (`closefrom`) before it
/// runs the program, so no child holds another's pipe open. Signals start at their defaults in the child, whatever the test process
/// ignores (NIO ignores SIGPIPE).
public final class ChildProcess: Sendable {
    /// What one of the child's standard streams is connected to.
    public enum Stream: Sendable {
        /// `/dev/null`.
        case null
        /// A pipe, whose other end is `stdin`, `stdout` or `stderr` of this value.
        case pipe
        /// The same pipe as stdout (for stderr only).
        case stdout
    }

    public let pid: pid_t
    /// The end of the child's standard input the test writes to, if it is `.pipe`.
    public let stdin: FileHandle?
    /// The ends of the child's output the test reads, for those that are `.pipe`.
    public let stdout: FileHandle?
    public let stderr: FileHandle?
    /// The exit status once the child has been reaped.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `arguments[0]`, looked up in `PATH` unless it holds a slash, with `environment` (this process's when nil)
    /// in `directory` (this process's when nil).
    public init(
        _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil, stdin: Stream = .null,
        stdout: Stream = .null, stderr: Stream = .null
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        defer { for end in childEnds { close(end) } }
        func connect(_ stream: Stream, to target: Int32, reading: Bool) throws -> FileHandle? {
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", reading ? O_RDONLY : O_WRONLY, 0)
                return nil
            case .stdout:
                posix_spawn_file_actions_adddup2(&actions, 1, target)
                return nil
            case .pipe:
                var ends: [Int32] = [-1, -1]
                // No close-on-exec needed: every child closes all but its three streams before it runs.
                guard pipe(&ends) == 0 else { throw ChildProcessError.system("pipe", errno) }
                let (childEnd, parentEnd) = reading ? (ends[0], ends[1]) : (ends[1], ends[0])
                childEnds.append(childEnd)
                parentEnds.append(parentEnd)
                posix_spawn_file_actions_adddup2(&actions, childEnd, target)
                return FileHandle(fileDescriptor: parentEnd, closeOnDealloc: true)
            }
        }
        do {
            self.stdin = try connect(stdin, to: 0, reading: true)
            self.stdout = try connect(stdout, to: 1, reading: false)
            self.stderr = try connect(stderr, to: 2, reading: false)
        } catch {
            for end in parentEnds { close(end) }
            throw error
        }
        try Self.gnu.addCloseFrom(&actions, 3)
        if let directory { try Self.gnu.addChangeDirectory(&actions, directory.path) }

        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let environment = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { for string in argv + envp { free(string) } }
        var pid: pid_t = 0
        let failed = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard failed == 0 else { throw ChildProcessError.system("posix_spawnp \(arguments[0])", failed) }
        self.pid = pid
    }

    /// Whether the child has not exited yet (reaping it when it has).
    public var isRunning: Bool { reapIfExited() == nil }

    /// Blocks the calling thread until the child exits: call it on a thread of its own, never a cooperative one.
    /// The exit code, or 128 plus the signal that ended the child.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        if let status = reaped.withLock({ $0 }) { return status }
        // Waits without reaping, so `isRunning` on another thread never races a reaper for the status.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        return reapIfExited() ?? -1
    }

    /// Waits on the cooperative pool's terms (polling), for tests that must not block a thread.
    public func exitStatus() async -> Int32 {
        while true {
            if let status = reapIfExited() { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends `signal`, unless the child is already reaped (its pid may belong to another process by then).
    public func send(_ signal: Int32) {
        reaped.withLock { status in
            if status == nil { _ = kill(pid, signal) }
        }
    }

    private func reapIfExited() -> Int32? {
        reaped.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            let signal = raw & 0x7f
            status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
            return status
        }
    }

    deinit {
        // A test that forgot its child still reaps it once the child ends, rather than leaving a zombie.
        if reaped.withLock({ $0 }) == nil {
            let pid = pid
            Thread.detachNewThread {
                var raw: Int32 = 0
                while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            }
        }
    }

    /// What a program run to its end printed, and how it ended.
    public struct Finished: Sendable {
        /// The exit code, or 128 plus the signal that ended it.
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
    }

    /// Runs `arguments` to its end, writing `input` to its standard input, and captures what it prints. Nothing of
    /// it runs on a cooperative thread: the pipes are drained and the exit awaited on threads of their own. There are
    /// as many cooperative threads as cores (two here), and a child waited on there would stall every test's tasks
    /// meanwhile — its servers and receivers among them — for as long as the child runs.
    public static func run(
        _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil, directory: URL? = nil
    ) async throws -> Finished {
        let child = try ChildProcess(
            arguments, environment: environment, directory: directory, stdin: input == nil ? .null : .pipe, stdout: .pipe, stderr: .pipe)
        return await withCheckedContinuation { continuation in
            let errors = Mutex(Data())
            let drained = DispatchGroup()
            drained.enter()
            Thread.detachNewThread {
                let read = readToEnd(child.stderr!)
                errors.withLock { $0 = read }
                drained.leave()
            }
            if let input, let stdin = child.stdin {
                // Written beside the reading, so a child that answers before it has read everything never waits on us.
                Thread.detachNewThread {
                    try? stdin.write(contentsOf: input)
                    try? stdin.close()
                }
            }
            Thread.detachNewThread {
                let output = readToEnd(child.stdout!)
                drained.wait()
                let status = child.waitUntilExit()
                continuation.resume(returning: Finished(status: status, stdout: output, stderr: errors.withLock { $0 }))
            }
        }
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
    /// each chunk to `body`.
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

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` and `_addchdir_np`, which Swift's Glibc module leaves out
    /// (they are GNU extensions); looked up once.
    struct GNUActions: Sendable {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        let closeFrom: CloseFrom?
        let changeDirectory: ChangeDirectory?

        init() {
            let handle = dlopen(nil, RTLD_NOW)
            closeFrom = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: CloseFrom.self) }
            changeDirectory = dlsym(handle, "posix_spawn_file_actions_addchdir_np").map {
                unsafeBitCast($0, to: ChangeDirectory.self)
            }
        }

        func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) throws {
            guard let closeFrom else { throw ChildProcessError.missing("posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later)") }
            let failed = closeFrom(&actions, lowest)
            guard failed == 0 else { throw ChildProcessError.system("addclosefrom", failed) }
        }

        func addChangeDirectory(_ actions: inout posix_spawn_file_actions_t, _ path: String) throws {
            guard let changeDirectory else { throw ChildProcessError.missing("posix_spawn_file_actions_addchdir_np (glibc 2.29 or later)") }
            let failed = changeDirectory(&actions, path)
            guard failed == 0 else { throw ChildProcessError.system("addchdir \(path)", failed) }
        }
    }

    static let gnu = GNUActions()
}

public enum ChildProcessError: Error, CustomStringConvertible {
    case system(String, Int32)
    case missing(String)

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .missing(let function): "the C library lacks \(function)"
        }
    }
}
