import Foundation
import RelayModel

/// The overview's chart: events per hour by severity over 24 hours, as stacked bars in an inline SVG drawn on
/// the server (no scripts, no fonts from elsewhere), with a text alternative. Pure.
enum OverviewChart {
    static let colors: [(Severity, String)] = [(.high, "#b42318"), (.medium, "#d97706"), (.low, "#2f6fbf"), (.info, "#8a94a3")]

    /// The SVG for the 24 hours ending with the hour that holds `now`.
    static func svg(_ counts: [HourlyCount], now: Int64) -> String {
        let lastHour = now - now % 3_600_000
        let hours = (0..<24).map { lastHour - Int64(23 - $0) * 3_600_000 }
        var byHour: [Int64: [Severity: Int]] = [:]
        for count in counts { byHour[count.hour, default: [:]][count.severity, default: 0] += count.count }
        let peak = max(1, hours.map { byHour[$0]?.values.reduce(0, +) ?? 0 }.max() ?? 1)
        let scale = niceCeiling(peak)
        let (width, height, left, bottom, top) = (720.0, 220.0, 44.0, 24.0, 10.0)
        let plot = height - bottom - top
        let slot = (width - left - 8) / 24
        let total = counts.reduce(0) { $0 + $1.count }
        var svg =
            ##"<svg viewBox="0 0 720 220" role="img" aria-label="Events per hour by severity, last 24 hours: \##(total) in all" xmlns="http://www.w3.org/2000/svg">"##
        for step in 0...5 {
            let value = scale * step / 5
            let y = top + plot - plot * Double(value) / Double(scale)
            svg += ##"<line x1="\##(left)" x2="\##(width - 8)" y1="\##(fmt(y))" y2="\##(fmt(y))" stroke="#e3e7ed"/>"##
            svg += ##"<text x="\##(left - 6)" y="\##(fmt(y + 4))" text-anchor="end" font-size="11" fill="#566275">\##(value)</text>"##
        }
        for (index, hour) in hours.enumerated() {
            let x = left + Double(index) * slot + slot * 0.15
            var y = top + plot
            for (severity, color) in colors {
                let count = byHour[hour]?[severity] ?? 0
                guard count > 0 else { continue }
                let h = plot * Double(count) / Double(scale)
                y -= h
                svg +=
                    ##"<rect x="\##(fmt(x))" y="\##(fmt(y))" width="\##(fmt(slot * 0.7))" height="\##(fmt(h))" fill="\##(color)"><title>\##(ConsoleFormat.time(hour)): \##(count) \##(severity.rawValue)</title></rect>"##
            }
            if index % 3 == 0 {
                let label = String(Timestamp.rfc3339(epochMilliseconds: hour).dropFirst(11).prefix(5))
                svg +=
                    ##"<text x="\##(fmt(x + slot * 0.35))" y="\##(fmt(height - 6))" text-anchor="middle" font-size="11" fill="#566275">\##(label)</text>"##
            }
        }
        return svg + "</svg>"
    }

    /// The top of the scale: at least `value`, at least 5, and a round number that five gridlines divide evenly
    /// (5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, …).
    static func niceCeiling(_ value: Int) -> Int {
        guard value > 5 else { return 5 }
        var magnitude = 1
        while magnitude * 10 <= value { magnitude *= 10 }
        for tenths in [10, 15, 20, 25, 30, 40, 50, 60, 80, 100] {
            let candidate = tenths * magnitude / 10
            if candidate >= value, candidate % 5 == 0 { return candidate }
        }
        return 10 * magnitude
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
