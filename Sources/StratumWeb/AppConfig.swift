import Foundation
import Logging
import StratumStore

/// Everything the server needs from its environment, read once at start; every problem is listed at once.
public struct AppConfig: Sendable, Equatable {
    public var store: StoreConfiguration
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    /// True when a TLS-terminating proxy sits in front: cookies get `Secure` and HSTS is sent.
    public var behindTLS: Bool
    /// The clinic's mail relay (`STRATUM_SMTP_URL`, `STRATUM_MAIL_FROM`); without one, mail waits in the outbox.
    var mailRelay: SMTPRelay?
    /// Where staff reach the server (`STRATUM_PUBLIC_URL`), for the links in invitations and reset mails; never the
    /// request's Host header, which a caller could forge to have a reset link point at their own site.
    public var publicURL: String?
    /// The clinic's SMS gateway (`STRATUM_SMS_URL` and friends); without one, patients with only a phone get no reminder.
    var smsGateway: SMSGateway?
    /// How often the reminder worker looks for reminders due (`STRATUM_REMINDER_SECONDS`, default 60).
    public var reminderInterval: Duration = .seconds(60)

    /// The base of every mailed link, without a trailing slash.
    var linkBase: String {
        (publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)").trimmingSuffix("/")
    }

    public init(
        store: StoreConfiguration, host: String = "127.0.0.1", port: Int = 8080, logLevel: Logger.Level = .info,
        behindTLS: Bool = false
    ) {
        self.store = store
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.behindTLS = behindTLS
    }

    /// Reads `DATABASE_URL`, `STRATUM_DATA_DIR`, `STRATUM_AUDIT_KEY`, `STRATUM_HOST`, `STRATUM_PORT`, `LOG_LEVEL`,
    /// `STRATUM_BEHIND_TLS`, `STRATUM_SMTP_URL`, `STRATUM_MAIL_FROM`, `STRATUM_SMTP_CA_FILE`, `STRATUM_PUBLIC_URL`, the
    /// SMS gateway's `STRATUM_SMS_*` and `STRATUM_REMINDER_SECONDS`.
    public static func fromEnvironment(_ env: [String: String]) -> Result<AppConfig, ConfigurationProblems> {
        var problems: [String] = []
        var store: StoreConfiguration?
        switch StoreConfiguration.fromEnvironment(env) {
        case .success(let s): store = s
        case .failure(let p): problems += p.problems
        }
        let host = env["STRATUM_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        var port = 8080
        if let p = env["STRATUM_PORT"], !p.isEmpty {
            if let n = Int(p), (1...65535).contains(n) { port = n } else { problems.append("STRATUM_PORT: \"\(p)\" is not a port (1–65535)") }
        }
        var level = Logger.Level.info
        if let l = env["LOG_LEVEL"], !l.isEmpty {
            if let parsed = Logger.Level(rawValue: l.lowercased()) {
                level = parsed
            } else {
                problems.append("LOG_LEVEL: \"\(l)\" is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var tls = false
        if let t = env["STRATUM_BEHIND_TLS"], !t.isEmpty {
            switch t.lowercased() {
            case "1", "true", "yes": tls = true
            case "0", "false", "no": tls = false
            default: problems.append("STRATUM_BEHIND_TLS: \"\(t)\" is not true or false")
            }
        }
        var relay: SMTPRelay?
        if let url = env["STRATUM_SMTP_URL"], !url.isEmpty {
            do {
                relay = try SMTPRelay(url: url, from: env["STRATUM_MAIL_FROM"].flatMap { $0.isEmpty ? nil : $0 } ?? "stratum@localhost")
                if let ca = env["STRATUM_SMTP_CA_FILE"], !ca.isEmpty {
                    if FileManager.default.isReadableFile(atPath: ca) {
                        relay?.caFile = ca
                    } else {
                        problems.append("STRATUM_SMTP_CA_FILE: cannot read \(ca)")
                    }
                }
            } catch { problems.append(String(describing: error)) }
        }
        var publicURL: String?
        if let u = env["STRATUM_PUBLIC_URL"], !u.isEmpty {
            if let parsed = URL(string: u), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil, parsed.query == nil {
                publicURL = u
            } else {
                problems.append("STRATUM_PUBLIC_URL: \"\(u)\" is not an http(s) URL such as https://stratum.clinic.example")
            }
        }
        var sms: SMSGateway?
        do { sms = try SMSGateway.fromEnvironment(env) } catch { problems.append(String(describing: error)) }
        var reminderInterval = Duration.seconds(60)
        if let r = env["STRATUM_REMINDER_SECONDS"], !r.isEmpty {
            if let n = Int(r), (1...3600).contains(n) {
                reminderInterval = .seconds(n)
            } else {
                problems.append("STRATUM_REMINDER_SECONDS: \"\(r)\" is not a number of seconds from 1 to 3600")
            }
        }
        guard problems.isEmpty, let store else { return .failure(ConfigurationProblems(problems: problems)) }
        var config = AppConfig(store: store, host: host, port: port, logLevel: level, behindTLS: tls)
        config.mailRelay = relay
        config.publicURL = publicURL
        config.smsGateway = sms
        config.reminderInterval = reminderInterval
        return .success(config)
    }
}

extension String {
    /// The text without any trailing `suffix`es.
    func trimmingSuffix(_ suffix: Character) -> String {
        var s = Substring(self)
        while s.last == suffix { s = s.dropLast() }
        return String(s)
    }
}
