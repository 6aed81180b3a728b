import Foundation

/// The clinic's mail relay, from `STRATUM_SMTP_URL`: `smtp://user:pass@host:587` (STARTTLS when the relay offers it,
/// required when a password is sent), `smtps://user:pass@host:465` (TLS from the first byte), or `smtp://host:25`
/// for a relay on the clinic's own network that needs no sign-in.
struct SMTPRelay: Sendable, Equatable {
    enum Security: Sendable, Equatable {
        /// Plain, upgraded with STARTTLS when the relay offers it.
        case startTLS
        /// TLS from the first byte.
        case implicitTLS
    }

    let host: String
    let port: Int
    let security: Security
    let username: String?
    let password: String?
    /// The envelope and `From:` address.
    let from: String
    /// A PEM file of the certificate authorities to trust for this relay (`STRATUM_SMTP_CA_FILE`), for a relay on the
    /// clinic's network with a private CA; nil: the system's roots. The relay's name is checked either way.
    var caFile: String?
    /// What `OutgoingMail.linkBase` in a body becomes (`STRATUM_PUBLIC_URL`, or the server's own address).
    var linkBase = ""

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads the URL; the password is never part of an error's text.
    init(url text: String, from: String) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw Invalid(description: "STRATUM_SMTP_URL is not a URL like smtp://user:password@relay.example:587")
        }
        switch scheme {
        case "smtp": security = .startTLS
        case "smtps": security = .implicitTLS
        default: throw Invalid(description: "STRATUM_SMTP_URL: the scheme is \(scheme); use smtp:// (STARTTLS) or smtps:// (TLS)")
        }
        self.host = host
        port = url.port ?? (security == .implicitTLS ? 465 : 587)
        username = url.user?.removingPercentEncoding
        password = url.password?.removingPercentEncoding
        // Scalars, not characters: "\r\n" is one Character, and a line break in the address would forge headers.
        guard from.contains("@"), !from.unicodeScalars.contains(where: { $0.value < 0x21 || $0 == "<" || $0 == ">" }) else {
            throw Invalid(description: "STRATUM_MAIL_FROM is not an address like clinic@example.org")
        }
        self.from = from
    }
}
