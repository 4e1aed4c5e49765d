import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real HTTP proxy for tests: Debian's `tinyproxy` on a free loopback port, with its own configuration and log.
/// Optionally it asks for Basic credentials, or opens tunnels (`CONNECT`) only to some ports. Its log tells every
/// request it handled.
public final class TinyProxy: Sendable {
    public let port: Int
    let process: ChildProcess
    let log: URL

    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }

    init(port: Int, process: ChildProcess, log: URL) {
        self.port = port
        self.process = process
        self.log = log
    }

    /// Starts one and waits until it accepts connections, sleeping between tries (no thread is held meanwhile).
    public static func start(credentials: (user: String, password: String)? = nil, connectPorts: [Int] = []) async throws -> TinyProxy {
        let directory = try ScratchDirectory.untilExit(prefix: "relay-proxy")
        let port = try freePort()
        let log = directory.appendingPathComponent("tinyproxy.log")
        var lines = [
            "Port \(port)", "Listen 127.0.0.1", "Timeout 30", "LogFile \"\(log.path)\"", "LogLevel Connect", "MaxClients 64",
            "Allow 127.0.0.1",
        ]
        if let credentials { lines.append("BasicAuth \(credentials.user) \(credentials.password)") }
        // With no ConnectPort line, tinyproxy tunnels to every port.
        lines += connectPorts.map { "ConnectPort \($0)" }
        let configuration = directory.appendingPathComponent("tinyproxy.conf")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: configuration)
        let proxy = TinyProxy(port: port, process: try ChildProcess(["tinyproxy", "-d", "-c", configuration.path]), log: log)
        for _ in 0..<100 {
            if accepts(port) { return proxy }
            try await Task.sleep(for: .milliseconds(50))
        }
        proxy.stop()
        throw TestCAError(description: "tinyproxy did not start on port \(port): is Debian's tinyproxy package installed?")
    }

    /// What it was asked for, in order: `CONNECT 127.0.0.1:8443` for a tunnel, `GET http://…` for a plain request.
    public func requests() -> [String] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "): ", options: .backwards), line.contains("Request (") else { return nil }
            return String(line[range.upperBound...]).replacingOccurrences(of: " HTTP/1.1", with: "")
        }
    }

    /// Kills the proxy and every tunnel it holds open: whatever still tries to go through it finds nothing listening.
    public func stop() {
        process.send(SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestCAError(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
