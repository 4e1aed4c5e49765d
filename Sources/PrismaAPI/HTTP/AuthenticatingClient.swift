import Logging
import RelayHTTP
import RelayModel

/// A Prisma client that holds a token and repeats calls under the shared `RetryPolicy`: network failures,
/// 408/425/5xx with backoff, 429 with Prisma's rate-limit wait, a 401 with one fresh login.
protocol AuthenticatingClient: Actor {
    var token: String? { get set }
    var random: SystemRandomNumberGenerator { get set }
    var environment: ClientEnvironment { get }
    /// The URL the client talks to, for messages.
    var baseURL: String { get }
    /// Obtains a fresh token and keeps it.
    @discardableResult func login() async throws -> String
}

/// What one answer means for the retry loop.
enum Step<T: Sendable>: Sendable {
    case done(T)
    /// A temporary failure; `final` is thrown if no attempt is left.
    case retry(String, final: PrismaClientError, floor: Duration?)
    /// Any other status: classified by the shared rules.
    case unexpected(HTTPAnswer)
}

extension AuthenticatingClient {
    /// `lazily`: the nesting level whose objects are read lazily (the alerts of a page), if any.
    static func parse(_ answer: HTTPAnswer, path: String, lazily level: JSONLazyLevel? = nil) throws -> JSONValue {
        do {
            guard let level else { return try JSONValue.parse(answer.body) }
            return try JSONValue.parse(answer.body, lazily: level)
        } catch {
            throw PrismaClientError.malformedJSON(path: path, detail: error.description)
        }
    }

    /// Reads a 200 answer that must be JSON of a given shape. An HTML page or unreadable JSON is a temporary
    /// failure (proxies and gateways produce both), reported as such once the attempts run out.
    static func readJSON<T: Sendable>(
        _ answer: HTTPAnswer, path: String, lazily level: JSONLazyLevel? = nil, _ read: (JSONValue) throws -> T
    ) -> Step<T> {
        guard answer.looksLikeJSON else {
            return .retry(
                "HTML where JSON was expected",
                final: .notJSON(path: path, status: answer.status, contentType: answer.header("Content-Type")), floor: nil)
        }
        do {
            return .done(try read(try parse(answer, path: path, lazily: level)))
        } catch let error as PrismaClientError {
            return .retry("malformed JSON", final: error, floor: nil)
        } catch {
            return .retry("unexpected shape", final: .malformedJSON(path: path, detail: "\(error)"), floor: nil)
        }
    }

    func perform<T: Sendable>(
        path: String, authenticated: Bool, budget: RateBudget? = nil,
        interpret: (HTTPAnswer) throws -> Step<T>,
        send: (String?) async throws -> HTTPAnswer
    ) async throws -> T {
        // A connector stored before plain http:// to Prisma Cloud's own hosts was refused sends nothing, its secret least.
        if PrismaAPIHost.isPlainHTTPToPrisma(baseURL) { throw PrismaClientError.plainHTTP(url: baseURL) }
        var attempt = 1
        var rateLimited = 0
        var loggedInAgain = false
        var onlyNetworkFailures = true
        while true {
            if authenticated, token == nil { try await login() }
            // Every request, repeats included, keeps to the endpoint's rate, which Prisma counts per access key.
            if let budget {
                let wait = try await environment.pace(budget)
                if wait > .seconds(1) { try await environment.willWait("keeping to Prisma Cloud's request rate for this access key", wait) }
                if wait > .zero { try await environment.sleep(wait) }
            }
            let step: Step<T>
            do {
                let answer = try await send(token)
                environment.observeStatus(answer.status)
                step = try interpret(answer)
                onlyNetworkFailures = false
            } catch let error as PrismaClientError {
                throw error
            } catch let refusal as OutboundRefusal {
                throw PrismaClientError.outboundRefused(refusal.description)
            } catch {
                let detail = NetworkFailure.words(error)
                step = .retry(
                    "network: \(detail)",
                    final: onlyNetworkFailures
                        ? .unreachable(apiURL: baseURL, failure: NetworkFailure.classify(error))
                        : .retriesExhausted(path: path, attempts: attempt, last: detail),
                    floor: nil)
            }
            var reason: String
            var final: PrismaClientError
            var floor: Duration?
            switch step {
            case .done(let value):
                return value
            case .retry(let why, let error, let wait):
                (reason, final, floor) = (why, error, wait)
            case .unexpected(let answer):
                if answer.status == 401, authenticated {
                    // The JWT expired (ten-minute lifetime) or was revoked: log in once more and repeat the call.
                    guard !loggedInAgain else { throw PrismaClientError.tokenRefused(path: path, reason: answer.redlockReason) }
                    loggedInAgain = true
                    token = nil
                    environment.logger.info("prisma token expired, logging in again", metadata: ["path": .string(path)])
                    continue
                }
                guard RetryPolicy.isRetryable(status: answer.status) else {
                    throw PrismaClientError.rejected(path: path, status: answer.status, reason: answer.redlockReason)
                }
                reason = "HTTP \(answer.status)"
                floor = RetryPolicy.serverFloor(headers: { answer.header($0) })
                if answer.status == 429 {
                    rateLimited += 1
                    final = .retriesExhausted(path: path, attempts: attempt + rateLimited, last: reason)
                    guard rateLimited < environment.retry.maxRateLimitedAttempts else { throw final }
                    let wait = environment.retry.delay(retry: rateLimited, floor: floor, using: &random)
                    try await environment.willWait("rate limited by Prisma Cloud", wait)
                    try await environment.sleep(wait)
                    continue
                }
                final = .retriesExhausted(path: path, attempts: attempt, last: reason)
            }
            guard attempt < environment.retry.maxAttempts else {
                if case .retriesExhausted = final {
                    throw PrismaClientError.retriesExhausted(path: path, attempts: attempt, last: reason)
                }
                throw final
            }
            let wait = environment.retry.delay(retry: attempt, floor: floor, using: &random)
            environment.logger.notice(
                "prisma call failed, retrying",
                metadata: [
                    "path": .string(path), "reason": .string(reason), "attempt": .stringConvertible(attempt),
                    "wait_ms": .stringConvertible(wait.wholeMilliseconds),
                ])
            try await environment.willWait("Prisma Cloud call failed (\(reason))", wait)
            try await environment.sleep(wait)
            attempt += 1
        }
    }
}
