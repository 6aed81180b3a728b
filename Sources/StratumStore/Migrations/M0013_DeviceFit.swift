import FluentKit
import Foundation
import SQLKit

/// Device fit from the registry (POLICY §2 `DEPTH-DEVICE`, §4 `DEV-INCOMPATIBLE`): every catalogue entry says what
/// part it is (handpiece, cartridge, roller, stamp), a cartridge lists the handpiece models it fits, a pack lists
/// the catalogue models it holds, and a recall belongs to the clinic of its sterilizer or lot.
///
/// Back-fill: rollers and stamps keep their kind; a pen entry becomes a handpiece model, and where lots were
/// received under it a cartridge entry is split off (same length, needles and material, fitting that pen) and the
/// lots move to it. Packs assembled before keep their free-text contents and list no model. A recall takes the
/// clinic of its cycle's sterilizer or of its lot.
struct M0013_DeviceFit: AsyncMigration {
    var name: String { "M0013_DeviceFit" }

    func prepare(on db: any Database) async throws {
        try await db.schema("device_models").field("part", .string).update()
        try await db.schema("device_model_fits")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("cartridge_model_id", .uuid, .required, .references("device_models", "id", onDelete: .restrict))
            .field("handpiece_model_id", .uuid, .required, .references("device_models", "id", onDelete: .restrict))
            .unique(on: "cartridge_model_id", "handpiece_model_id", name: "uq_device_model_fits")
            .create()
        try await db.schema("pack_items")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("pack_id", .uuid, .required, .references("sterilization_packs", "id", onDelete: .restrict))
            .field("model_id", .uuid, .required, .references("device_models", "id", onDelete: .restrict))
            .field("count", .int, .required)
            .unique(on: "pack_id", "model_id", name: "uq_pack_items_model")
            .create()
        try await db.schema("recalls").field("clinic_id", .uuid).update()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX ix_recalls_clinic ON recalls (clinic_id)").run()
        try await backFill(sql)
    }

    private struct PenRow: Decodable {
        let id: UUID
        let organization_id: UUID
        let name: String
        let adjustable: Bool
        let min_mm: Double
        let max_mm: Double
        let needle_count: Int
        let needle_material: String
        let created_at: Date
    }

    private func backFill(_ sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE device_models SET part = kind WHERE kind IN ('roller', 'stamp')").run()
        try await sql.raw("UPDATE device_models SET part = 'handpiece' WHERE kind = 'pen'").run()
        let pens = try await sql.raw(
            """
            SELECT id, organization_id, name, adjustable, min_mm, max_mm, needle_count, needle_material, created_at
            FROM device_models WHERE kind = 'pen' AND id IN (SELECT model_id FROM device_lots WHERE model_id IS NOT NULL)
            """
        ).all(decoding: PenRow.self)
        for pen in pens {
            let cartridgeID = UUID()
            try await sql.insert(into: "device_models")
                .columns(
                    "id", "organization_id", "name", "kind", "part", "adjustable", "min_mm", "max_mm", "needle_count",
                    "needle_material", "single_use_head", "created_at"
                )
                .values(
                    SQLBind(cartridgeID), SQLBind(pen.organization_id), SQLBind(String("\(pen.name) · cartridge".prefix(100))),
                    SQLBind("pen"), SQLBind("cartridge"), SQLBind(pen.adjustable), SQLBind(pen.min_mm), SQLBind(pen.max_mm),
                    SQLBind(pen.needle_count), SQLBind(pen.needle_material), SQLBind(true), SQLBind(pen.created_at)
                )
                .run()
            try await sql.insert(into: "device_model_fits")
                .columns("id", "organization_id", "cartridge_model_id", "handpiece_model_id")
                .values(SQLBind(UUID()), SQLBind(pen.organization_id), SQLBind(cartridgeID), SQLBind(pen.id))
                .run()
            try await sql.update("device_lots").set("model_id", to: SQLBind(cartridgeID)).where("model_id", .equal, SQLBind(pen.id)).run()
        }
        try await sql.raw(
            """
            UPDATE recalls SET clinic_id = (SELECT s.clinic_id FROM sterilization_cycles c JOIN sterilizers s ON s.id = c.sterilizer_id
                                            WHERE c.id = recalls.cycle_id)
            WHERE cycle_id IS NOT NULL
            """
        ).run()
        try await sql.raw(
            """
            UPDATE recalls SET clinic_id = (SELECT l.clinic_id FROM device_lots l WHERE l.id = recalls.lot_id)
            WHERE clinic_id IS NULL AND lot_id IS NOT NULL
            """
        ).run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("pack_items").delete()
        try await db.schema("device_model_fits").delete()
        try await db.schema("recalls").deleteField("clinic_id").update()
        try await db.schema("device_models").deleteField("part").update()
    }
}
