import Foundation
import Logging
import NIOConcurrencyHelpers
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// A patient with an email and an accepted course in organization A, its second planned visit booked at ten through
/// the API; the booked appointment's id and start.
func bookedThroughAPI(_ s: TestServer, email: String = "mira@example.com") async throws -> (id: String, course: UUID, startsAt: Date) {
    let owner = s.token("a", .owner)
    let patient = try await s.send(
        .POST, "/api/v1/patients", token: owner, json: patientJSON(clinic: s.clinicA.id, extra: #", "email": "\#(email)""#))
    let pid = try #require(patient.json["id"] as? String, "\(patient.text)")
    let course = try await s.send(.POST, "/api/v1/patients/\(pid)/courses", token: owner, json: coursePlan)
    let cid = try #require(course.json["id"] as? String)
    #expect(try await s.acceptCourse(cid, token: owner).status == .ok)
    let found = try await s.state.scope(s.orgA.id).courses.get(
        courseID: try #require(UUID(uuidString: cid)), AccessContext(actorID: nil, clinicID: nil, requestID: "test"))
    let date = try #require(found).plannedVisits[1].date
    let staff = try await s.send(.GET, "/api/v1/staff", token: owner)
    let members = try #require(staff.json["members"] as? [[String: Any]])
    let practitioner = try #require(members.first { $0["email"] as? String == "practitioner@a.example" }?["id"] as? String)
    let booked = try await s.send(
        .POST, "/api/v1/courses/\(cid)/appointments", token: owner,
        json: #"{"practitionerId": "\#(practitioner)", "minutes": 45, "visits": [{"visitNumber": 2, "date": "\#(date)", "startTime": "10:00"}]}"#)
    #expect(booked.status == .created, "\(booked.text)")
    let id = try #require(booked.jsonArray.first?["id"] as? String, "\(booked.text)")
    let courseID = try #require(UUID(uuidString: cid))
    let listed = try await s.state.scope(s.orgA.id).appointments.list(courseID: courseID, AccessContext(actorID: nil, clinicID: nil, requestID: "t"))
    let appointment = try #require(listed.first)
    return (id, courseID, appointment.startsAt)
}

/// An HTTP receiver on loopback standing in for an SMS gateway: it answers `status` and keeps what it received.
final class SMSReceiver: @unchecked Sendable {
    struct Received: Sendable {
        let method: String
        let uri: String
        let headers: [(String, String)]
        let body: String
    }
    let app: Application
    let received = NIOLockedValueBox<[Received]>([])
    let status = NIOLockedValueBox<HTTPResponseStatus>(.ok)
    var port: Int { app.http.server.shared.localAddress?.port ?? 0 }

    init() async throws {
        app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        app.on(.POST, "send", body: .collect(maxSize: "64kb")) { [received, status] req -> HTTPStatus in
            received.withLockedValue {
                $0.append(.init(method: "POST", uri: req.url.string, headers: req.headers.map { ($0.name, $0.value) }, body: req.body.string ?? ""))
            }
            return status.withLockedValue { $0 }
        }
        app.get("send") { [received, status] req -> HTTPStatus in
            received.withLockedValue {
                $0.append(.init(method: "GET", uri: req.url.string, headers: req.headers.map { ($0.name, $0.value) }, body: ""))
            }
            return status.withLockedValue { $0 }
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
    }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}

@Suite("Reminders delivered: pre-care in the clinic's time zone by email, SMS through a configured gateway, the reply link")
struct ReminderDeliveryTests {
    static let instant = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30T00:53:20Z

    @Test("the 48-hour mail carries every pre-care item and the time in the clinic's zone; the 2-hour one and an SMS are short")
    func wording() throws {
        func facts(_ kind: ReminderSchedule.Kind, _ channel: MessageChannel) -> ReminderFacts {
            ReminderFacts(
                kind: kind, channel: channel, recipient: "x", givenName: "Mira", clinicName: "Alder Clinic", clinicPhone: "+64 9 555 0100",
                clinicTimezone: "Pacific/Auckland", startsAt: Self.instant, replyToken: "tok", idempotencyKey: "k")
        }
        let mail = ReminderMail.compose(facts(.twoDays, .email))
        // 00:53 UTC on 30 November is 13:53 the same day in Auckland (NZDT, UTC+13).
        #expect(mail.subject == "Your visit to Alder Clinic: Monday 30 November 2026 at 13:53 (Pacific/Auckland)")
        for item in PreCareAdvice.items { #expect(mail.body.contains(item.text)) }
        #expect(mail.body.contains("\(OutgoingMail.linkBase)/appointments/reply/tok") && mail.body.contains("+64 9 555 0100"))
        let near = ReminderMail.compose(facts(.twoHours, .email))
        #expect(near.body.contains(PreCareAdvice.short) && !near.body.contains(PreCareAdvice.items[0].text))
        let sms = ReminderMail.compose(facts(.twoDays, .sms))
        #expect(sms.body.hasPrefix("Alder Clinic: your visit is on Monday 30 November 2026 at 13:53 (Pacific/Auckland)."))
        #expect(sms.body.contains(PreCareAdvice.short) && sms.body.count < 400)
        // Every pre-care item names a screening rule of POLICY §3.
        #expect(PreCareAdvice.items.allSatisfy { $0.rule.rawValue.hasPrefix("SCR-") })
    }

    @Test(
        "a booked visit's reminder reaches the relay once; its link confirms and then cancels; a form without its token is refused",
        .enabled(if: smtpSinkAvailable))
    func emailAndLink() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let clock = TestClock()
        try await withServer(clock: clock.clock) { s in
            let (_, courseID, start) = try await bookedThroughAPI(s)
            clock.box.withLockedValue { $0 = start.addingTimeInterval(-47 * 3600) }
            let worker = ReminderWorker(
                store: ReminderStore(database: s.state.database, auditKey: s.state.auditKey), channels: [.email], clock: clock.clock,
                interval: .seconds(60), logger: Logger(label: "test"))
            #expect(try await worker.queueDue().queued == 1)
            #expect(try await worker.queueDue().queued == 0)
            let relay = try SMTPRelay(url: "smtp://127.0.0.1:\(sink.port)", from: "clinic@alder.example")
            let delivery = MailDelivery(
                outbox: MailOutbox(database: s.state.database), client: SMTPClient(relay: relay, group: s.app.eventLoopGroup, timeout: .seconds(10)),
                clock: clock.clock, logger: Logger(label: "test"))
            #expect(try await delivery.deliverDue() == 1)
            let received = try sink.received()
            #expect(received.count == 1)
            let base64 = try #require(received.first).components(separatedBy: "\r\n\r\n").last?.replacingOccurrences(of: "\r\n", with: "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let body = try #require(base64.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) })
            #expect(body.contains(PreCareAdvice.items[0].text))
            let path = try #require(
                body.split(separator: "\n").first { $0.contains("/appointments/reply/") }.map {
                    String($0[$0.range(of: "/appointments/reply/")!.lowerBound...]).trimmingCharacters(in: .whitespaces)
                })
            // Opening the link changes nothing (a mail scanner may fetch it); the answer is a form.
            let page = try await s.app.testing().sendRequest(.GET, path)
            #expect(page.status == .ok && page.text.contains("reply-confirm"))
            let cookie = try #require(page.headers.setCookie?[WebCookies.preLogin]?.string)
            let token = try #require(BrowserSession.hidden("_login", in: page.text))
            func post(_ fields: [String: String], cookie: String?) async throws -> TestingHTTPResponse {
                var headers = HTTPHeaders()
                if let cookie { headers.replaceOrAdd(name: .cookie, value: "\(WebCookies.preLogin)=\(cookie)") }
                headers.contentType = .urlEncodedForm
                return try await s.app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: BrowserSession.encode(fields)))
            }
            #expect(try await post(["answer": "cancel"], cookie: cookie).status == .forbidden, "no form token")
            let bad = try await post(["_login": token, "answer": "maybe"], cookie: cookie)
            #expect(bad.status == .unprocessableEntity && bad.text.contains("Answer: choose confirm or cancel"))
            let confirmed = try await post(["_login": token, "answer": "confirm"], cookie: cookie)
            #expect(confirmed.status == .ok && confirmed.text.contains("your visit is confirmed"))
            let cancelled = try await post(["_login": token, "answer": "cancel"], cookie: cookie)
            #expect(cancelled.status == .ok && cancelled.text.contains("Your visit is cancelled"))
            let after = try await s.state.scope(s.orgA.id).appointments.list(
                courseID: courseID, AccessContext(actorID: nil, clinicID: nil, requestID: "t"))
            #expect(after.map(\.status) == [.cancelled])
            // The 2-hour reminder is not queued for a cancelled visit.
            clock.box.withLockedValue { $0 = start.addingTimeInterval(-3600) }
            #expect(try await worker.queueDue().queued == 0)
            #expect(try await s.app.testing().sendRequest(.GET, "/appointments/reply/unknown-token").status == .notFound)
        }
    }

    @Test("an SMS goes through the gateway's template with its credentials; 4xx gives up, 5xx retries")
    func smsGateway() async throws {
        let receiver = try await SMSReceiver()
        let clock = TestClock()
        do {
            try await withServer(clock: clock.clock) { s in
                let gateway = try #require(
                    try SMSGateway.fromEnvironment([
                        "STRATUM_SMS_URL": "http://127.0.0.1:\(receiver.port)/send?from={from}",
                        "STRATUM_SMS_BODY": #"{"to": "{to}", "message": "{text}"}"#, "STRATUM_SMS_CONTENT_TYPE": "application/json",
                        "STRATUM_SMS_AUTHORIZATION": "Bearer gw-secret", "STRATUM_SMS_FROM": "Alder Clinic"
                    ]))
                let outbox = MailOutbox(database: s.state.database)
                var text = OutgoingMail(
                    kind: "reminder-48h", recipient: "+64 21 555 0101", subject: "",
                    body: "Alder \"Clinic\": visit \(OutgoingMail.linkBase)/appointments/reply/t", idempotencyKey: "sms-1")
                text.channel = .sms
                try await outbox.enqueue(text, organizationID: s.orgA.id, now: clock.clock.now())
                let delivery = MailDelivery(
                    outbox: outbox, client: nil, sms: gateway, http: s.app.client, linkBase: "https://stratum.alder.example", clock: clock.clock,
                    logger: Logger(label: "test"))
                #expect(delivery.channels == [.sms])
                #expect(try await delivery.deliverDue() == 1)
                let got = try #require(receiver.received.withLockedValue { $0 }.first)
                #expect(got.method == "POST" && got.uri == "/send?from=Alder%20Clinic")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(got.body.utf8)) as? [String: String])
                #expect(json["to"] == "+64 21 555 0101")
                #expect(json["message"] == "Alder \"Clinic\": visit https://stratum.alder.example/appointments/reply/t")
                #expect(got.headers.contains { $0.0.lowercased() == "authorization" && $0.1 == "Bearer gw-secret" })
                #expect(got.headers.contains { $0.0.lowercased() == "idempotency-key" && $0.1 == "sms-1" })
                // A 503 waits for a retry; a 400 gives the message up.
                receiver.status.withLockedValue { $0 = .serviceUnavailable }
                text.idempotencyKey = "sms-2"
                try await outbox.enqueue(text, organizationID: s.orgA.id, now: clock.clock.now())
                #expect(try await delivery.deliverDue() == 0)
                #expect(try await outbox.list(organizationID: s.orgA.id).first { $0.mail.idempotencyKey == "sms-2" }?.state == .waiting)
                receiver.status.withLockedValue { $0 = .badRequest }
                clock.advance(MailOutbox.retryDelays[0])
                #expect(try await delivery.deliverDue() == 0)
                #expect(try await outbox.list(organizationID: s.orgA.id).first { $0.mail.idempotencyKey == "sms-2" }?.state == .failed)
                // Email waits: this server has no relay.
                try await outbox.enqueue(Self.mailFor("e-1"), organizationID: s.orgA.id, now: clock.clock.now())
                #expect(try await delivery.deliverDue() == 0)
            }
        } catch {
            try await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }

    static func mailFor(_ key: String) -> OutgoingMail {
        OutgoingMail(kind: "invitation", recipient: "p@example.com", subject: "s", body: "b", idempotencyKey: key)
    }

    @Test("gateway settings are checked at start: a URL template without {to} or {text}, or not http(s), is refused")
    func gatewayConfig() throws {
        #expect(try SMSGateway.fromEnvironment([:]) == nil)
        #expect(throws: SMSGateway.Invalid.self) { try SMSGateway.fromEnvironment(["STRATUM_SMS_URL": "ftp://gw.example/{to}/{text}"]) }
        #expect(throws: SMSGateway.Invalid.self) { try SMSGateway.fromEnvironment(["STRATUM_SMS_URL": "https://gw.example/send?to={to}"]) }
        let basic = try #require(try SMSGateway.fromEnvironment(["STRATUM_SMS_URL": "https://user:p%40ss@gw.example/send?to={to}&text={text}"]))
        let (method, uri, headers, body) = basic.request(to: "+64 21", text: "a b&c", idempotencyKey: "k")
        #expect(method == .GET && body == nil)
        #expect(uri.string == "https://gw.example/send?to=%2B64%2021&text=a%20b%26c")
        // The password as the gateway gave it, percent-decoded.
        #expect(headers.first(name: .authorization) == "Basic " + Data("user:p@ss".utf8).base64EncodedString())
        guard case .failure(let problems) = AppConfig.fromEnvironment(["STRATUM_REMINDER_SECONDS": "0", "STRATUM_SMS_URL": "nope"]) else {
            Issue.record("bad settings accepted")
            return
        }
        #expect(
            problems.problems.contains { $0.hasPrefix("STRATUM_REMINDER_SECONDS") } && problems.problems.contains { $0.hasPrefix("STRATUM_SMS_URL") })
    }
}
