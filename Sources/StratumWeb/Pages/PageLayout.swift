import Foundation
import LeafKit
import StratumCore
import StratumStore
import Vapor

/// The chrome every signed-in page shares.
struct Layout: Encodable {
    enum CodingKeys: String, CodingKey { case title, section, userName, role, clinicName, clinics, canSwitch, csrf, flash, nav, can }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(title, forKey: .title)
        try c.encode(section, forKey: .section)
        try c.encodeIfPresent(userName, forKey: .userName)
        try c.encodeIfPresent(role, forKey: .role)
        try c.encodeIfPresent(clinicName, forKey: .clinicName)
        try c.encode(clinics, forKey: .clinics)
        try c.encode(canSwitch, forKey: .canSwitch)
        try c.encode(csrf, forKey: .csrf)
        try c.encodeIfPresent(flash, forKey: .flash)
        try c.encode(nav, forKey: .nav)
        try c.encode(can, forKey: .can)
    }

    struct ClinicOption: Encodable {
        let id: String
        let name: String
        let selected: Bool
    }

    let title: String
    /// The navigation entry to mark as current.
    let section: String
    let userName: String?
    let role: String?
    let clinicName: String?
    let clinics: [ClinicOption]
    /// The switcher shows only for a user in several clinics.
    var canSwitch: Bool { clinics.count > 1 }
    let csrf: String
    let flash: String?
    /// Entries the role may open, so the navigation never offers a page that answers 403.
    let nav: [NavEntry]
    /// The role's grants: every action a template offers is gated on these.
    let can: PageGrants
}

struct NavEntry: Encodable {
    let href: String
    let label: String
    let current: Bool
}

/// What a template receives: the layout and the page's own content.
struct PageView<Content: Encodable>: Encodable {
    let layout: Layout
    let page: Content
}

struct Empty: Encodable {}
