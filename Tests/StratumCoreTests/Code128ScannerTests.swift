import Foundation
import Testing
@testable import StratumCore

/// The drawn label read by an independent decoder (zbar, the library of many barcode scanners), so the bars follow
/// the standard and not only our own table. Needs Debian's zbar-tools and librsvg2-bin, which `scripts/test`
/// installs; under a bare `swift test` without them the suite is skipped (the tools are not Swift packages).
let barcodeToolsPresent =
    FileManager.default.isExecutableFile(atPath: "/usr/bin/zbarimg")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert")

@Suite("Code 128 labels read by zbar", .enabled(if: barcodeToolsPresent))
struct Code128ScannerTests {
    @Test("zbar reads each label as the text it was drawn from", arguments: ["PK-000123", "LOT-2291", "0123456789", "A1234567B", "Pack #7 & co"])
    func scanned(text: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("code128-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let svg = dir.appendingPathComponent("label.svg"), png = dir.appendingPathComponent("label.png")
        try Code128.svg(text, module: 3, height: 90).write(to: svg, atomically: true, encoding: .utf8)
        let (converted, _) = try runTool("/usr/bin/rsvg-convert", ["-b", "white", "-o", png.path, svg.path])
        #expect(converted == 0)
        let (status, output) = try runTool("/usr/bin/zbarimg", ["--quiet", "--raw", "-Sdisable", "-Scode128.enable", png.path])
        #expect(status == 0, "zbar found no Code 128 symbol")
        #expect(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .newlines) == text)
    }
}
