import Crypto
import Foundation
import RelayModel

/// `POST /login` and `GET /auth_token/extend`: access keys exchanged for JWTs, as Prisma issues them.
extension PrismaSimulator {
    /// `POST /login`.
    public func login(_ request: SimRequest) -> SimResponse {
        count("login")
        guard let body = try? JSONValue.parse(request.body), let username = body["username"]?.stringValue,
            let password = body["password"]?.stringValue
        else { return finish(.redlockError(400, "invalid_credentials", subject: "username")) }
        guard let user = users[username], user.secretKey == password else {
            return finish(.redlockError(401, "invalid_credentials"))
        }
        let wanted = body["prismaId"]?.stringValue ?? body["customerName"]?.stringValue
        let tenant: SimUser.Tenant
        if let wanted {
            guard let match = user.tenants.first(where: { $0.prismaId == wanted || $0.customerName == wanted }) else {
                return finish(.redlockError(401, "invalid_credentials", subject: "prismaId"))
            }
            tenant = match
        } else if user.tenants.count > 1 {
            return finish(.json(.object(["message": .string("login_needs_customer_name"), "customerNames": customerNames(user)])))
        } else {
            tenant = user.tenants[0]
        }
        return finish(.json(tokenResponse(user: user, tenant: tenant.prismaId)))
    }

    /// `GET /auth_token/extend`: a fresh token while the current one is valid.
    public func extend(_ request: SimRequest) -> SimResponse {
        count("extend")
        switch authenticate(request) {
        case .denied(let response): return finish(response)
        case .valid(let claims):
            guard let user = users[claims.user] else { return finish(.redlockError(401, "invalid_credentials")) }
            var body = tokenResponse(user: user, tenant: claims.tenant, continuing: claims.tokenID)
            if case .object(var object) = body {
                object["roles"] = JSONValue.array([JSONValue.string("System Admin")])
                body = .object(object)
            }
            return finish(.json(body))
        }
    }

    func customerNames(_ user: SimUser) -> JSONValue {
        .array(
            user.tenants.map {
                .object(["customerName": .string($0.customerName), "prismaId": .string($0.prismaId), "tosAccepted": .bool(true)])
            })
    }

    /// A fresh token's response body; `continuing` names the token it extends, so both belong to one session.
    func tokenResponse(user: SimUser, tenant: String, continuing: String? = nil) -> JSONValue {
        nextTokenID += 1
        let issued = now()
        let claims = SimJWT.Claims(
            user: user.accessKeyID, tenant: tenant, issuedAt: issued,
            expiresAt: issued + Int64(configuration.tokenLifetimeSeconds) * 1000, tokenID: "t\(nextTokenID)")
        loginTimes[claims.tokenID] = issued
        sessionOfToken[claims.tokenID] = continuing.flatMap { sessionOfToken[$0] } ?? claims.tokenID
        return .object([
            "token": .string(jwt.sign(claims)), "message": .string("login_successful"), "customerNames": customerNames(user),
        ])
    }

    func authenticate(_ request: SimRequest) -> Authentication {
        guard let token = request.header("x-redlock-auth"), !token.isEmpty else {
            return .denied(.redlockError(401, "auth_token_missing"))
        }
        guard let claims = jwt.verify(token) else { return .denied(.redlockError(401, "invalid_token")) }
        // JWT exp has second precision; compare in milliseconds against the claim.
        if now() >= claims.expiresAt { return .denied(.redlockError(401, "token_expired")) }
        if let limit = faults.expireTokenAfterPages, pagesByToken[claims.tokenID, default: 0] >= limit {
            return .denied(.redlockError(401, "token_expired"))
        }
        return .valid(claims)
    }
}
