namespace AgentSim.Config;

/// <summary>
/// The default eight industries. Quantities are price-normalised: one unit of output sold for about
/// CNY 1 bn at the start. Sources and reasoning for every number are in docs/calibration.md.
/// </summary>
internal static class DefaultIndustries
{
    public static List<IndustryConfig> Create() => new()
    {
        Make("steel", strategic: false, share: 0.20, capital: 2.8, learning: 0.02, domestic: 0.92, elasticity: 0.3, growth: 0.000, consumer: 0.0, exportGrowth: 0.000, substitution: 10, depreciation: 0.015, lag: 6, soe: 0.4, markup: 0.25),
        Make("solar_pv", strategic: true, share: 0.06, capital: 2.0, learning: 0.20, domestic: 0.55, elasticity: 0.9, growth: 0.020, consumer: 0.1, exportGrowth: 0.025, substitution: 12, depreciation: 0.03, lag: 2, soe: 0.1, markup: 0.25),
        Make("ev", strategic: true, share: 0.10, capital: 2.4, learning: 0.10, domestic: 0.80, elasticity: 0.9, growth: 0.015, consumer: 0.75, exportGrowth: 0.02, substitution: 5, depreciation: 0.025, lag: 3, soe: 0.2, markup: 0.27),
        Make("batteries", strategic: true, share: 0.06, capital: 2.2, learning: 0.15, domestic: 0.70, elasticity: 0.9, growth: 0.02, consumer: 0.2, exportGrowth: 0.02, substitution: 8, depreciation: 0.03, lag: 2, soe: 0.1, markup: 0.27),
        Make("wind", strategic: true, share: 0.04, capital: 2.4, learning: 0.08, domestic: 0.85, elasticity: 0.8, growth: 0.015, consumer: 0.0, exportGrowth: 0.015, substitution: 6, depreciation: 0.02, lag: 3, soe: 0.3, markup: 0.25),
        Make("chemicals", strategic: false, share: 0.30, capital: 2.6, learning: 0.03, domestic: 0.85, elasticity: 0.5, growth: 0.008, consumer: 0.1, exportGrowth: 0.006, substitution: 8, depreciation: 0.015, lag: 4, soe: 0.3, markup: 0.25),
        Make("appliances", strategic: false, share: 0.12, capital: 1.6, learning: 0.05, domestic: 0.65, elasticity: 0.8, growth: 0.008, consumer: 0.85, exportGrowth: 0.006, substitution: 4, depreciation: 0.02, lag: 2, soe: 0.05, markup: 0.17),
        Make("textiles", strategic: false, share: 0.12, capital: 1.4, learning: 0.02, domestic: 0.70, elasticity: 0.6, growth: 0.004, consumer: 0.6, exportGrowth: 0.002, substitution: 6, depreciation: 0.02, lag: 2, soe: 0.05, markup: 0.15),
    };

    private static IndustryConfig Make(string name, bool strategic, double share, double capital, double learning,
        double domestic, double elasticity, double growth, double consumer, double exportGrowth, double substitution,
        double depreciation, int lag, double soe, double markup) => new()
        {
            Name = name,
            Strategic = strategic,
            OutputShare = share,
            CapitalPerUnit = capital,
            UnitCost = 0.8,
            CostDispersion = 0.12,
            LearningRate = learning,
            InitialMarkup = markup,
            DomesticShare = domestic,
            DemandElasticity = elasticity,
            DemandGrowth = growth,
            ConsumerShare = consumer,
            ExportGrowth = exportGrowth,
            ExportElasticity = 1.5,
            Substitution = substitution,
            Depreciation = depreciation,
            BuildLag = lag,
            LabourPerUnit = 4000,
            Wage = 2.5e-5,
            StateOwnedShare = soe,
        };
}
