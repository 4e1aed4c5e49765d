import RelayModel
import Testing

@testable import RelayStore

/// The JSON arguments the SQLite store hands `json_each`: exactly what SQLite must read back.
@Suite("SQLite JSON arguments")
struct JSONArgumentTests {
    @Test("a list of seqs is a JSON array of their decimal digits, zero and negatives included")
    func seqList() {
        #expect(SQLiteStore.jsonList([]) == "[]")
        #expect(SQLiteStore.jsonList([7]) == "[7]")
        #expect(
            SQLiteStore.jsonList([0, 10, -42, 1_234_567_890_123, Int64.max, Int64.min])
                == "[0,10,-42,1234567890123,9223372036854775807,-9223372036854775808]")
    }

    @Test("rows delivered map each seq to its enrichment's digest, or null when it went out with none")
    func digestsBySeq() {
        let kept = KeptEnrichment(json: #"{"okta":{}}"#, digest: String(repeating: "ab", count: 32))
        let records = [
            DeliveryRecord(seq: 3, result: .delivered, enrichment: kept),
            DeliveryRecord(seq: 40, result: .delivered),
            DeliveryRecord(seq: 0, result: .delivered, enrichment: kept),
        ]
        #expect(SQLiteStore.digestsBySeq(records) == #"{"3":"\#(kept.digest)","40":null,"0":"\#(kept.digest)"}"#)
        #expect(SQLiteStore.digestsBySeq([]) == "{}")
    }
}
