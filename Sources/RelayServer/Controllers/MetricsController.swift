import Hummingbird
import NIOCore
import Prometheus
import Relay

/// `GET /metrics`: the relay's counters and gauges in Prometheus text format, the queue depths counted for it.
struct MetricsController {
    let registry: PrometheusCollectorRegistry
    let app: RelayApp

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("metrics") { _, _ in
            await app.measureQueues()
            var text: [UInt8] = []
            registry.emit(into: &text)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
    }
}
