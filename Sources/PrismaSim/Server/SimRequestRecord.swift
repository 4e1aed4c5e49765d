/// One CSPM request the simulator answered with a valid token: whose, which session, what, and when (wall clock),
/// so a test can see who called the tenant at the same time.
public struct SimRequestRecord: Sendable, Equatable {
    public var accessKeyID: String
    /// The login this request belongs to: the id of the token `/login` issued, kept through `/auth_token/extend`.
    public var session: String
    public var path: String
    /// When the request arrived and when its answer was ready, epoch milliseconds.
    public var started: Int64
    public var finished: Int64
}

/// The requests of one login session of one access key, from its login to its last request.
public struct SimSession: Sendable, Equatable {
    public var accessKeyID: String
    public var session: String
    public var started: Int64
    public var finished: Int64
    public var requests: Int
}

extension PrismaSimulator {
    /// Notes a request answered with a valid token: the one a login or extend issued, else the one it carried.
    func record(path: String, token: String?, status: Int, started: Int64, finished: Int64) {
        guard status < 400, let token, let claims = jwt.verify(token) else { return }
        requestLog.append(
            SimRequestRecord(
                accessKeyID: claims.user, session: sessionOfToken[claims.tokenID] ?? claims.tokenID, path: path, started: started,
                finished: finished))
    }

    /// Every session seen in the request log, by first request.
    public var sessions: [SimSession] {
        var byID: [String: SimSession] = [:]
        for record in requestLog {
            var session =
                byID[record.session]
                ?? SimSession(
                    accessKeyID: record.accessKeyID, session: record.session, started: record.started, finished: record.finished,
                    requests: 0)
            session.started = min(session.started, record.started)
            session.finished = max(session.finished, record.finished)
            session.requests += 1
            byID[record.session] = session
        }
        return byID.values.sorted { ($0.started, $0.session) < ($1.started, $1.session) }
    }

    /// Pairs of sessions of one access key whose requests overlapped in time: two clients calling as the same key
    /// at once.
    public var overlappingSessions: [(SimSession, SimSession)] {
        var overlaps: [(SimSession, SimSession)] = []
        for (_, sessions) in Dictionary(grouping: sessions, by: \.accessKeyID) {
            var latest: SimSession?
            for session in sessions {
                if let previous = latest, session.started < previous.finished { overlaps.append((previous, session)) }
                if latest.map({ session.finished > $0.finished }) ?? true { latest = session }
            }
        }
        return overlaps
    }
}
