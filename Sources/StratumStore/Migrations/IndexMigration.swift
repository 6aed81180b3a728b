import FluentKit
import SQLKit

/// A migration that only adds indexes: it lists them, and creating and dropping them is the same for each.
protocol IndexMigration: AsyncMigration {
    static var indexes: [(name: String, table: String, columns: String)] { get }
}

extension IndexMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for ix in Self.indexes {
            try await sql.raw("CREATE INDEX \(unsafeRaw: ix.name) ON \(unsafeRaw: ix.table) (\(unsafeRaw: ix.columns))").run()
        }
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for ix in Self.indexes.reversed() { try await sql.raw("DROP INDEX \(unsafeRaw: ix.name)").run() }
    }
}
