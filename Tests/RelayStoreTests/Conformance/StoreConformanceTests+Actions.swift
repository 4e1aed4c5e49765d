import Foundation
import RelayModel
import RelayStore
import Testing

/// The actions taken on findings in Prisma Cloud.
extension StoreConformanceTests {
    @Test(
        "actions are kept per finding, newest first, with their ids, and a URL's credentials never reach the detail",
        arguments: StoreUnderTest.all)
    func actions(_ kind: StoreUnderTest) async throws {
        let store = try await kind.open()
        let first = try await store.recordAction(
            ActionRecord(
                connector: "prod", nativeID: "P-1", eventID: "e1", action: "dismiss", note: "fp", actor: "API key ops", requestedAt: 10,
                outcome: .refused, detail: "Prisma Cloud refused (HTTP 403 permission_error)", statusCode: 403))
        let second = try await store.recordAction(
            ActionRecord(
                connector: "prod", nativeID: "P-1", eventID: "e1", action: "snooze", note: "later", duration: "3 days",
                actor: "pagerduty soc: Jane", origin: "int-pd", requestedAt: 20, outcome: .done,
                detail: "accepted at https://user:hunter2@api.prismacloud.io/alert/dismiss?token=abc", statusCode: 200))
        _ = try await store.recordAction(
            ActionRecord(
                connector: "prod", nativeID: "P-2", eventID: "e2", action: "reopen", actor: "CLI user root", requestedAt: 30,
                outcome: .failed, detail: "unreachable"))
        #expect(first.id != nil && second.id != nil && first.id != second.id)
        #expect(!second.detail.contains("hunter2") && !second.detail.contains("token=abc"))
        let kept = try await store.actions(connector: "prod", nativeID: "P-1")
        #expect(kept == [second, first])
        #expect(kept[0].duration == "3 days" && kept[0].origin == "int-pd" && kept[1].statusCode == 403 && kept[1].outcome == .refused)
        #expect(try await store.actions(connector: "other", nativeID: "P-1").isEmpty)
    }
}
