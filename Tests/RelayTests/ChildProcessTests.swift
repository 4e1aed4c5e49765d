import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The test support's child processes: what a child inherits, and what a test reads back from it.
@Suite("Child processes the tests start")
struct ChildProcessTests {
    @Test("a child holds no descriptor of the test process but its three streams, so no child keeps another's pipe open")
    func childClosesInheritedDescriptors() throws {
        var held: [Int32] = [-1, -1]
        #expect(pipe(&held) == 0)
        defer { for end in held { close(end) } }
        let child = try ChildProcess(["sh", "-c", "ls /proc/$$/fd"], stdout: .pipe)
        let listed = String(decoding: ChildProcess.readToEnd(child.stdout!), as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
        #expect(child.waitUntilExit() == 0)
        #expect(listed.contains(1))
        #expect(!listed.contains(held[0]) && !listed.contains(held[1]), "the child's descriptors: \(listed)")
        #expect(listed.allSatisfy { $0 <= 2 || $0 >= 10 }, "the child's descriptors: \(listed)")
    }

    @Test("a child starts with every signal at its default, though the test process ignores SIGPIPE, and reports how it ended")
    func childSignalsAndStatus() async throws {
        // Ignored as NIO has every process that uses it ignore it (once, for good), and left so: putting the default
        // back would undo NIO's, and the next write to a closed pipe or socket would kill the whole test process.
        signal(SIGPIPE, SIG_IGN)
        let dispositions = try ChildProcess(["sh", "-c", "grep -E '^Sig(Ign|Blk)' /proc/$$/status"], stdout: .pipe)
        let said = String(decoding: ChildProcess.readToEnd(dispositions.stdout!), as: UTF8.self)
        #expect(dispositions.waitUntilExit() == 0)
        // SIGPIPE is signal 13: bit 12 of the ignored mask (0x1000).
        let ignored = said.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }.flatMap {
            UInt64($0.split(separator: "\t").last ?? "", radix: 16)
        }
        #expect(ignored.map { $0 & 0x1000 == 0 } == true, "\(said)")

        let sleeper = try ChildProcess(["sleep", "30"])
        #expect(sleeper.isRunning)
        sleeper.send(SIGTERM)
        #expect(await sleeper.exitStatus() == 128 + SIGTERM)
        #expect(!sleeper.isRunning)
        #expect(try ChildProcess(["sh", "-c", "exit 3"]).waitUntilExit() == 3)
        #expect(throws: ChildProcessError.self) { try ChildProcess(["no-such-program-anywhere"]) }
    }

    @Test("a child runs in the directory given, with the environment given, and its stdin, stdout and stderr reach the test")
    func childDirectoryEnvironmentAndStreams() throws {
        let scratch = try ScratchDirectory(prefix: "relay-child")
        let child = try ChildProcess(
            ["sh", "-c", "pwd; echo \"$GREETING\"; cat; echo oops >&2"], environment: ["GREETING": "hello", "PATH": "/usr/bin:/bin"],
            directory: scratch.url, stdin: .pipe, stdout: .pipe, stderr: .pipe)
        child.stdin!.write(Data("from stdin\n".utf8))
        try child.stdin!.close()
        let output = String(decoding: ChildProcess.readToEnd(child.stdout!), as: UTF8.self)
        let errors = String(decoding: ChildProcess.readToEnd(child.stderr!), as: UTF8.self)
        #expect(child.waitUntilExit() == 0)
        #expect(output == "\(scratch.url.resolvingSymlinksInPath().path)\nhello\nfrom stdin\n")
        #expect(errors == "oops\n")
    }
}
