/// The general curves the forecast falls back on while a clinic has too few patients of its own (docs/forecast.md):
/// deliberately wide, set from the course results of EVIDENCE §6a, never from one clinic's data.
extension PopulationCurve {
    /// The prior for a scale, in its improvement units. Amplitudes follow the reported course results: about one
    /// Goodman & Baron grade after four sessions (Dalwig-Nolda 2020), a scar score falling by almost half (Dogra),
    /// mMASI down by about a third (Budamakuntla 2013; Ismail 2019); the spread is as large as the mean, since the
    /// seed says results vary from person to person.
    public static func prior(for scale: OutcomeScale) -> PopulationCurve {
        let (amplitude, noise): (Double, Double) =
            switch scale {
            case .gais: (1.5, 0.5)
            case .goodmanBaron: (1.0, 0.4)
            case .posasObserver, .posasPatient: (10, 3)
            case .vss: (3, 1)
            case .mmasi: (3, 1)
            case .nurnbergerMuller, .glogau, .fitzpatrickWrinkle: (0.5, 0.4)
            case .celluliteSeverity: (2, 1)
            case .satisfaction: (3, 1.5)
            }
        return PopulationCurve(
            rate: 0.35, meanAmplitude: amplitude, amplitudeSD: amplitude, noiseSD: noise, patients: 0,
            meanAmplitudeSE: amplitude / 2)
    }
}
