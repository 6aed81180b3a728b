import Prometheus
import Vapor

/// Request counts and latencies for `/metrics`. Labels are the route's method and status class, never a path
/// (paths carry patient ids).
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let duration: DurationHistogram

    init() {
        duration = registry.makeDurationHistogram(
            name: "stratum_http_request_duration_seconds",
            buckets: [
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5)
            ],
            help: "Time to answer an HTTP request")
    }

    func count(method: String, status: UInt) {
        registry.makeCounter(
            name: "stratum_http_requests_total",
            labels: [("method", method), ("status", "\(status / 100)xx")],
            help: "HTTP requests answered"
        ).increment()
    }
}

struct MetricsMiddleware: AsyncMiddleware {
    let metrics: ServerMetrics
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        metrics.duration.record(ContinuousClock.now - start)
        metrics.count(method: request.method.rawValue, status: response.status.code)
        return response
    }
}
