import RelayModel
import Testing

@Suite("Delivery settings")
struct DeliverySettingsTests {
    @Test("defaults: 8 attempts, 24 hours, 4 requests in flight")
    func defaults() throws {
        #expect(
            try DeliverySettings.parse(maxAttempts: nil, maxAge: nil, concurrency: nil)
                == DeliverySettings(maxAttempts: 8, maxAgeSeconds: 86_400, concurrency: 4))
    }

    @Test("options win over the environment; ages read in s, m, h, d or plain seconds")
    func optionsAndEnvironment() throws {
        let environment = [
            "PRISMA_RELAY_DELIVERY_MAX_ATTEMPTS": "20", "PRISMA_RELAY_DELIVERY_MAX_AGE": "7d", "PRISMA_RELAY_DELIVERY_CONCURRENCY": "2",
        ]
        #expect(
            try DeliverySettings.parse(maxAttempts: nil, maxAge: nil, concurrency: nil, environment: environment)
                == DeliverySettings(maxAttempts: 20, maxAgeSeconds: 7 * 86_400, concurrency: 2))
        #expect(
            try DeliverySettings.parse(maxAttempts: "3", maxAge: "90m", concurrency: "16", environment: environment)
                == DeliverySettings(maxAttempts: 3, maxAgeSeconds: 5_400, concurrency: 16))
        #expect(try DeliverySettings.parse(maxAttempts: nil, maxAge: "3600", concurrency: nil).maxAgeSeconds == 3_600)
    }

    @Test("every bad value is named with its option and environment variable, all at once")
    func errors() {
        do {
            _ = try DeliverySettings.parse(
                maxAttempts: "0", maxAge: "forever", concurrency: nil, environment: ["PRISMA_RELAY_DELIVERY_CONCURRENCY": "x"])
            Issue.record("bad settings were accepted")
        } catch {
            #expect(
                error.errors.map(\.description) == [
                    #"--delivery-max-attempts (PRISMA_RELAY_DELIVERY_MAX_ATTEMPTS): must be a whole number from 1 to 1000, not "0""#,
                    #"--delivery-concurrency (PRISMA_RELAY_DELIVERY_CONCURRENCY): must be a whole number from 1 to 64, not "x""#,
                    #"--delivery-max-age (PRISMA_RELAY_DELIVERY_MAX_AGE): must be a duration from 1m to 30d such as 90m, 24h or 7d, not "forever""#,
                ])
        }
    }
}
