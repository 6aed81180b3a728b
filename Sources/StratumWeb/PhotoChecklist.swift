import StratumCore
import StratumStore

/// Per visit of a course, the photos taken and the slots of the standard set still missing: baseline always,
/// each session done, and any visit that already has a photo.
enum PhotoChecklist {
    struct Visit: Sendable {
        let visit: PhotoVisit
        let photos: [Photo]
        let missing: [PhotoSlot]
    }

    static func visits(course: Course, sessionsDone: Int, photos: [Photo]) -> [Visit] {
        var visits: Set<PhotoVisit> = [.baseline]
        if sessionsDone > 0 { for n in 1...sessionsDone { visits.insert(.session(n)) } }
        for p in photos { visits.insert(p.visit) }
        return visits.sorted().map { v in
            let taken = photos.filter { $0.visit == v }
            return Visit(visit: v, photos: taken, missing: StandardPhotoSet.missing(for: course.zones, taken: taken.map(\.slot)))
        }
    }
}
