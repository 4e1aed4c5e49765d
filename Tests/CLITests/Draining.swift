import Foundation

/// Waits for replicas to finish their work, judged by progress rather than by a fixed time: a loaded machine runs the
/// replicas' debug builds several times slower, and a stuck one makes no progress at all. `step` says whether the work
/// is done and gives counts that change while it goes on; the wait ends once it is done, once the counts have not
/// changed for `stall` seconds, or after `cap` seconds. Returns the seconds it waited and whether the work was done.
@discardableResult
func drain(
    stall: TimeInterval = 120, cap: TimeInterval = 1_200, _ step: () async throws -> (done: Bool, progress: [Int])
) async throws -> (seconds: Int, done: Bool) {
    let started = Date()
    var changed = Date()
    var last: [Int] = []
    while Date().timeIntervalSince(changed) < stall, Date().timeIntervalSince(started) < cap {
        let (done, progress) = try await step()
        if done { return (Int(Date().timeIntervalSince(started)), true) }
        if progress != last { (last, changed) = (progress, Date()) }
        try await Task.sleep(for: .milliseconds(500))
    }
    return (Int(Date().timeIntervalSince(started)), false)
}
