import FluentKit
import FluentSQLiteDriver
import NIOConcurrencyHelpers

/// Per-connection SQLite settings applied once per connection, the first time a pool hands it out: Fluent's driver
/// opens connections lazily and offers no hook at open, so the connections already set up are remembered here.
final class SQLiteConnectionSettings: Sendable {
    private let statements: [String]
    /// Held strongly, so an identifier is never reused by a later connection while it is listed.
    private let prepared = NIOLockedValueBox<[ObjectIdentifier: SQLiteConnection]>([:])

    init(statements: [String]) {
        self.statements = statements
    }

    /// Applies the settings to the connection behind `database` unless it already carries them. A pool hands a
    /// connection to one user at a time, so no two callers prepare the same connection at once.
    func prepare(_ database: any Database) async throws {
        let connection = try await (database as! any SQLiteDatabase).withConnection { $0 }
        let id = ObjectIdentifier(connection)
        if prepared.withLockedValue({ $0[id] != nil }) { return }
        let sql = database as! any SQLDatabase
        for statement in statements { try await sql.raw("\(unsafeRaw: statement)").run() }
        prepared.withLockedValue { list in
            list = list.filter { !$0.value.isClosed }
            list[id] = connection
        }
    }

    /// How many connections carry the settings (tests: settings are applied per connection, not per unit of work).
    var preparedCount: Int { prepared.withLockedValue { $0.count } }
}
