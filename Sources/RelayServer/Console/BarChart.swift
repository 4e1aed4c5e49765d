import Foundation
import RelayModel

/// The console's charts: stacked bars per hour over the last 24 hours or 7 days, as an inline SVG drawn on the server
/// (no scripts, no fonts from elsewhere) with a text alternative and a title on every bar. Pure.
enum BarChart {
    /// One stacked part of every bar.
    struct Series {
        let label: String
        let color: String
    }

    /// A chart's span: its hours, and which of them carry a label.
    enum Span: String {
        case day = "24h"
        case week = "7d"

        var hours: Int { self == .day ? 24 : 168 }
        var words: String { self == .day ? "last 24 hours" : "last 7 days" }

        /// The links that switch a page's charts between the spans, this one marked current.
        func tabs(_ path: String) -> [[String: Any]] {
            [Span.day, .week].map {
                [
                    "label": $0.words.prefix(1).uppercased() + $0.words.dropFirst(), "href": "\(path)?span=\($0.rawValue)",
                    "current": $0 == self,
                ]
            }
        }

        /// The hours ending with the one that holds `now`.
        func slots(now: Int64) -> [Int64] {
            let last = now - now % 3_600_000
            return (0..<hours).map { last - Int64(hours - 1 - $0) * 3_600_000 }
        }

        /// The label under an hour's bar, or nil: every third hour as `HH:MM`, or each day's midnight as `MM-DD`.
        func tick(_ index: Int, _ hour: Int64) -> String? {
            let text = Timestamp.rfc3339(epochMilliseconds: hour)
            switch self {
            case .day: return index % 3 == 0 ? String(text.dropFirst(11).prefix(5)) : nil
            case .week: return hour % 86_400_000 == 0 ? String(text.dropFirst(5).prefix(5)) : nil
            }
        }
    }

    static let severities: [(Severity, String)] = [(.high, "#b42318"), (.medium, "#d97706"), (.low, "#2f6fbf"), (.info, "#8a94a3")]
    static let ok = "#2e7d4f"
    static let warn = "#d97706"
    static let bad = "#b42318"

    /// Events per hour by severity.
    static func events(_ counts: [HourlyCount], span: Span = .day, now: Int64) -> String {
        var values: [Int64: [Int]] = [:]
        for count in counts {
            guard let index = severities.firstIndex(where: { $0.0 == count.severity }) else { continue }
            values[count.hour, default: Array(repeating: 0, count: severities.count)][index] += count.count
        }
        return svg(
            "Events per hour by severity", series: severities.map { Series(label: $0.0.rawValue, color: $0.1) }, values: values,
            span: span, now: now)
    }

    /// Polls per hour, succeeded and failed.
    static func polls(_ hours: [PollHour], span: Span, now: Int64) -> String {
        svg(
            "Polls per hour", series: [Series(label: "succeeded", color: ok), Series(label: "failed", color: bad)],
            values: Dictionary(hours.map { ($0.hour, [$0.succeeded, $0.failed]) }, uniquingKeysWith: { a, _ in a }), span: span, now: now)
    }

    /// Deliveries per hour: delivered, retried and given up.
    static func deliveries(_ hours: [DeliveryHour], span: Span, now: Int64) -> String {
        svg(
            "Deliveries per hour",
            series: [Series(label: "delivered", color: ok), Series(label: "retried", color: warn), Series(label: "dead", color: bad)],
            values: Dictionary(hours.map { ($0.hour, [$0.delivered, $0.retried, $0.dead]) }, uniquingKeysWith: { a, _ in a }),
            span: span, now: now)
    }

    /// The legend's entries of a chart's series.
    static func legend(_ series: [(label: String, color: String)]) -> [[String: Any]] {
        series.map { ["label": $0.label.prefix(1).uppercased() + $0.label.dropFirst(), "color": $0.color] }
    }

    /// The SVG: one stacked bar per hour of `span`, each part of `series` by its value in `values` (by hour start).
    static func svg(_ title: String, series: [Series], values: [Int64: [Int]], span: Span, now: Int64) -> String {
        let hours = span.slots(now: now)
        let totals = hours.map { values[$0]?.reduce(0, +) ?? 0 }
        let scale = niceCeiling(max(1, totals.max() ?? 1))
        let (width, height, left, bottom, top) = (720.0, 220.0, 44.0, 24.0, 10.0)
        let plot = height - bottom - top
        let slot = (width - left - 8) / Double(hours.count)
        let total = totals.reduce(0, +)
        var svg =
            ##"<svg viewBox="0 0 720 220" role="img" aria-label="\##(title), \##(span.words): \##(total) in all" xmlns="http://www.w3.org/2000/svg">"##
        for step in 0...5 {
            let value = scale * step / 5
            let y = top + plot - plot * Double(value) / Double(scale)
            svg += ##"<line x1="\##(left)" x2="\##(width - 8)" y1="\##(fmt(y))" y2="\##(fmt(y))" stroke="#e3e7ed"/>"##
            svg += ##"<text x="\##(left - 6)" y="\##(fmt(y + 4))" text-anchor="end" font-size="11" fill="#566275">\##(value)</text>"##
        }
        for (index, hour) in hours.enumerated() {
            let x = left + Double(index) * slot + slot * 0.15
            var y = top + plot
            for (part, entry) in series.enumerated() {
                let count = values[hour].map { part < $0.count ? $0[part] : 0 } ?? 0
                guard count > 0 else { continue }
                let h = plot * Double(count) / Double(scale)
                y -= h
                svg +=
                    ##"<rect x="\##(fmt(x))" y="\##(fmt(y))" width="\##(fmt(slot * 0.7))" height="\##(fmt(h))" fill="\##(entry.color)"><title>\##(ConsoleFormat.time(hour)): \##(count) \##(entry.label)</title></rect>"##
            }
            if let label = span.tick(index, hour) {
                svg +=
                    ##"<text x="\##(fmt(x + slot * 0.35))" y="\##(fmt(height - 6))" text-anchor="middle" font-size="11" fill="#566275">\##(label)</text>"##
            }
        }
        return svg + "</svg>"
    }

    /// A sparkline: a row's 24 hours as a small bar strip, for tables; its label says the total.
    static func sparkline(_ values: [Int], label: String, color: String = ok) -> String {
        let peak = max(1, values.max() ?? 1)
        let (width, height) = (96.0, 20.0)
        let slot = width / Double(max(1, values.count))
        var svg =
            ##"<svg class="spark" viewBox="0 0 96 20" width="96" height="20" role="img" aria-label="\##(label)" xmlns="http://www.w3.org/2000/svg">"##
        for (index, value) in values.enumerated() where value > 0 {
            let h = max(1.5, height * Double(value) / Double(peak))
            svg +=
                ##"<rect x="\##(fmt(Double(index) * slot))" y="\##(fmt(height - h))" width="\##(fmt(slot * 0.8))" height="\##(fmt(h))" fill="\##(color)"/>"##
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
