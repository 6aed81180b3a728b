import Foundation
import StratumStore
import Vapor

/// The clinic's SMS gateway, from the environment: every gateway has its own HTTP shape, so the request is a template.
///
/// - `STRATUM_SMS_URL`: the URL, with `{to}`, `{text}` and `{from}` where the gateway wants them in the query
///   (`https://sms.example/send?to={to}&text={text}`); user and password in the URL become Basic authentication.
/// - `STRATUM_SMS_BODY` (optional): a body template; with it the request is a POST, without it a GET.
/// - `STRATUM_SMS_CONTENT_TYPE` (default `application/x-www-form-urlencoded`): the body's type; values are escaped
///   for it (percent-encoded for a form, JSON-escaped for `application/json`).
/// - `STRATUM_SMS_AUTHORIZATION` (optional): an `Authorization` header value such as `Bearer …`.
/// - `STRATUM_SMS_FROM` (optional): the sender name or number for `{from}`.
struct SMSGateway: Sendable, Equatable {
    let url: String
    let body: String?
    let contentType: String
    let authorization: String?
    let from: String

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads the templates; nil when `STRATUM_SMS_URL` is unset. Credentials never appear in an error's text.
    static func fromEnvironment(_ env: [String: String]) throws -> SMSGateway? {
        guard let url = env["STRATUM_SMS_URL"], !url.isEmpty else { return nil }
        let probe = url.replacingOccurrences(of: "{to}", with: "x").replacingOccurrences(of: "{text}", with: "x")
            .replacingOccurrences(of: "{from}", with: "x")
        guard let parsed = URLComponents(string: probe), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil
        else { throw Invalid(description: "STRATUM_SMS_URL is not an http(s) URL template like https://sms.example/send?to={to}&text={text}") }
        let body = env["STRATUM_SMS_BODY"].flatMap { $0.isEmpty ? nil : $0 }
        guard (url + (body ?? "")).contains("{text}"), (url + (body ?? "")).contains("{to}") else {
            throw Invalid(description: "STRATUM_SMS_URL or STRATUM_SMS_BODY must place both {to} and {text}")
        }
        if let a = env["STRATUM_SMS_AUTHORIZATION"], a.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw Invalid(description: "STRATUM_SMS_AUTHORIZATION must be one line")
        }
        return SMSGateway(
            url: url, body: body,
            contentType: env["STRATUM_SMS_CONTENT_TYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? "application/x-www-form-urlencoded",
            authorization: env["STRATUM_SMS_AUTHORIZATION"].flatMap { $0.isEmpty ? nil : $0 },
            from: env["STRATUM_SMS_FROM"] ?? "")
    }

    /// Values allowed unescaped in a query or a form: RFC 3986's unreserved characters.
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func percent(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }

    static func json(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += u.value < 0x20 ? String(format: "\\u%04x", u.value) : String(u)
            }
        }
        return out
    }

    static func fill(_ template: String, _ values: [String: String], escape: (String) -> String) -> String {
        var out = template
        for (name, value) in values { out = out.replacingOccurrences(of: "{\(name)}", with: escape(value)) }
        return out
    }

    /// The request for one message: method, URL, headers and body.
    func request(to: String, text: String, idempotencyKey: String) -> (HTTPMethod, URI, HTTPHeaders, String?) {
        let values = ["to": to, "text": text, "from": from]
        let target = Self.fill(url, values, escape: Self.percent)
        var headers = HTTPHeaders()
        var components = URLComponents(string: target)
        if let user = components?.user {
            let pair = "\(user):\(components?.password ?? "")"
            headers.replaceOrAdd(name: .authorization, value: "Basic " + Data(pair.utf8).base64EncodedString())
        }
        components?.user = nil
        components?.password = nil
        if let authorization { headers.replaceOrAdd(name: .authorization, value: authorization) }
        // A gateway that honours it sends a retried message once; others ignore it.
        headers.replaceOrAdd(name: "Idempotency-Key", value: idempotencyKey)
        let uri = URI(string: components?.string ?? target)
        guard let body else { return (.GET, uri, headers, nil) }
        let json = contentType.lowercased().contains("json")
        headers.replaceOrAdd(name: .contentType, value: contentType)
        return (.POST, uri, headers, Self.fill(body, values, escape: json ? Self.json : Self.percent))
    }

    /// Sends one text; a refusal says whether a retry can help (a 4xx other than 408 and 429 cannot).
    func send(_ message: OutboxMessage, linkBase: String, client: any Client) async throws {
        let text = message.mail.body.replacingOccurrences(of: OutgoingMail.linkBase, with: linkBase)
        let (method, uri, headers, body) = request(to: message.mail.recipient, text: text, idempotencyKey: message.mail.idempotencyKey)
        let response: ClientResponse
        do {
            response = try await client.send(method, headers: headers, to: uri) { req in
                if let body { req.body = ByteBuffer(string: body) }
                req.timeout = .seconds(30)
            }
        } catch {
            throw SMTPFailure(reply: "SMS gateway \(uri.host ?? ""): \(error)", permanent: false)
        }
        let code = Int(response.status.code)
        guard (200..<300).contains(code) else {
            throw SMTPFailure(
                reply: "SMS gateway answered \(code)", permanent: (400..<500).contains(code) && code != 408 && code != 429)
        }
    }
}
