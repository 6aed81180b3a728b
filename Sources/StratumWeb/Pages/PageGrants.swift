import StratumStore

/// What the signed-in role may do, as every template asks it: `layout.can.session.create`,
/// `layout.can.adverseEvent.update`. Read straight from the one permission table, so a page offers a link or a
/// button only to a role whose request would be allowed, never one that ends in 403 (issue 12, reproduction 9).
struct PageGrants: Encodable {
    /// Nil before sign-in: nothing is granted.
    let role: Role?

    func allows(_ action: Action, _ resource: Resource) -> Bool {
        role.map { Permissions.allows($0, action, resource) } ?? false
    }

    /// Keyed by the resource's Swift name (`adverseEvent`, `outcomeReport`), which Leaf can address with dots.
    func encode(to encoder: any Encoder) throws {
        var grants: [String: [String: Bool]] = [:]
        for resource in Resource.allCases {
            grants[String(describing: resource)] = Dictionary(uniqueKeysWithValues: Action.allCases.map { ($0.rawValue, allows($0, resource)) })
        }
        var c = encoder.singleValueContainer()
        try c.encode(grants)
    }
}
