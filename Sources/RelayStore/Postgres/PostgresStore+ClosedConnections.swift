import NIOConcurrencyHelpers
import PostgresNIO

extension PostgresStore {
    /// `body` on `connection`, given up once the connection has closed under it and `body` has still not returned
    /// `afterClose` later. When the server stops, a statement written to a connection that closed a moment before
    /// can be lost by PostgresNIO without an error (seen with PostgreSQL stopped and started under load): its caller —
    /// a delivery round, a poll, the heartbeat — would wait forever, and the relay would never deliver again nor
    /// stop. A statement that is answered ends as it did before; what is given up on ends by itself, if ever, and its
    /// transaction is the server's to roll back.
    static func untilClosed<T: Sendable>(
        _ connection: PostgresConnection, afterClose: Duration = .seconds(1),
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let waiting = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)
        @Sendable func finish(_ result: Result<T, any Error>) {
            waiting.withLockedValue { continuation in
                defer { continuation = nil }
                return continuation
            }?.resume(with: result)
        }
        return try await withCheckedThrowingContinuation { continuation in
            waiting.withLockedValue { $0 = continuation }
            // Checked each `afterClose` while the statement runs: most end long before the first check.
            let watch = Task {
                while (try? await Task.sleep(for: afterClose)) != nil {
                    guard connection.isClosed else { continue }
                    guard (try? await Task.sleep(for: afterClose)) != nil else { return }
                    finish(.failure(ConnectionLost()))
                    return
                }
            }
            Task {
                do {
                    finish(.success(try await body(connection)))
                } catch {
                    finish(.failure(error))
                }
                watch.cancel()
            }
        }
    }

    /// A statement was not answered by a connection that closed under it.
    struct ConnectionLost: Error, CustomStringConvertible {
        var description: String { "the connection closed under a statement that was never answered" }
    }
}
