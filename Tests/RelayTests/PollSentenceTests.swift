import Relay
import RelayModel
import Testing

@Suite("What Poll now says")
struct PollSentenceTests {
    static let earlier: Int64 = 1_763_780_700_000  // 2025-11-22T03:05Z

    static func report(fetched: Int = 0, added: Int = 0, error: String? = nil) -> PollReport {
        var report = PollReport(windowStart: 0, windowEnd: 1)
        report.fetched = fetched
        report.added = added
        report.error = error
        return report
    }

    @Test("nothing new reads as no new alerts since the last poll, with what is stored in all, never as a bare 0")
    func nothingNew() {
        #expect(
            Self.report().sentence(connector: "prod", type: .cspm, previousPollAt: Self.earlier, total: 1204)
                == "Polled prod: no new alerts since the last poll at 03:05 UTC (1204 stored in all).")
        #expect(
            Self.report(fetched: 3).sentence(connector: "cwpp", type: .compute, previousPollAt: Self.earlier, total: 30)
                == "Polled cwpp: no new incidents since the last poll at 03:05 UTC (30 stored in all; the 3 fetched were stored already).")
        #expect(
            Self.report().sentence(connector: "prod", type: .cspm, previousPollAt: nil, total: 0)
                == "Polled prod: Prisma Cloud had no alerts in the window (0 stored in all).")
    }

    @Test("new events and failures are said as such")
    func addedAndFailed() {
        #expect(
            Self.report(fetched: 120, added: 100).sentence(connector: "prod", type: .cspm, previousPollAt: Self.earlier, total: 900)
                == "Polled prod: 100 new events added (120 alerts fetched; 900 stored in all).")
        #expect(
            Self.report(error: "Prisma Cloud refused the access key (HTTP 401)").sentence(
                connector: "prod", type: .cspm, previousPollAt: nil, total: 0)
                == "Polling prod failed: Prisma Cloud refused the access key (HTTP 401)")
    }
}
