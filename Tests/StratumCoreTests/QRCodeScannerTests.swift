import Foundation
import Testing
@testable import StratumCore

/// The drawn symbol read by an independent decoder (zbar), so the modules follow ISO/IEC 18004 and not only our
/// own reading of it. Skipped without zbar-tools and librsvg2-bin, as `Code128ScannerTests` is.
@Suite("QR Codes read by zbar", .enabled(if: barcodeToolsPresent))
struct QRCodeScannerTests {
    static let enrolmentURI =
        "otpauth://totp/Stratum:dr.priya%40example.clinic?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Stratum&algorithm=SHA1&digits=6&period=30"

    /// What zbar reads from the symbol drawn as SVG and rasterised by librsvg, or nil when it finds none.
    static func scan(_ code: QRCode) throws -> String? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qrcode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let svg = dir.appendingPathComponent("code.svg"), png = dir.appendingPathComponent("code.png")
        try code.svg(module: 4).write(to: svg, atomically: true, encoding: .utf8)
        guard try runTool("/usr/bin/rsvg-convert", ["-b", "white", "-o", png.path, svg.path]).status == 0 else { return nil }
        let (status, output) = try runTool("/usr/bin/zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png.path])
        guard status == 0, let text = String(data: output, encoding: .utf8) else { return nil }
        // zbarimg ends each symbol with a newline; the payloads here end with none.
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    @Test(
        "zbar reads each symbol as the text it was drawn from",
        arguments: [
            QRCodeScannerTests.enrolmentURI,
            "Stratum",
            "Zoë Müller — 東京 clinic ✓ €12",
            String(repeating: "Stratum lot PK-000123/", count: 7),
            String(repeating: "0123456789abcdefghij", count: 10) + "0123456789abc"
        ])
    func scanned(text: String) throws {
        let code = try QRCode(text)
        #expect(try Self.scan(code) == text, "version \(code.version), mask \(code.mask)")
    }

    @Test("the enrolment URI needs version information (version 8 at level M) and still reads")
    func enrolmentVersion() throws {
        #expect(try QRCode(Self.enrolmentURI).version == 8)
    }

    @Test("every mask pattern reads", arguments: 0..<8)
    func everyMask(mask: Int) throws {
        let code = try QRCode(Self.enrolmentURI, level: .medium, mask: mask)
        #expect(code.mask == mask)
        #expect(try Self.scan(code) == Self.enrolmentURI)
    }

    @Test("every error-correction level reads", arguments: QRCode.ErrorCorrection.allCases)
    func everyLevel(level: QRCode.ErrorCorrection) throws {
        // Shorter than the enrolment URI above, which level H cannot hold within version 10.
        let text = "otpauth://totp/Stratum:priya?secret=JBSWY3DPEHPK3PXP&issuer=Stratum&algorithm=SHA1&digits=6&period=30"
        let code = try QRCode(text, level: level)
        #expect(try Self.scan(code) == text, "version \(code.version)")
    }
}
