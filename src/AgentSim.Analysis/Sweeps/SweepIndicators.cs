using AgentSim.Output.Runs;

namespace AgentSim.Analysis.Sweeps;

/// <summary>
/// The indicators recorded for every sweep run (and so the indicator columns of summary.parquet): the signature
/// indicators of <see cref="Indicators"/> (pilot ones only for runs with pilots; none for runs shorter than two
/// years) and the run's headline growth and debt figures, the headline ones first (tools that show only the first
/// few columns, such as the report's sweep charts, show those).
/// </summary>
public static class SweepIndicators
{
    /// <summary>Indicators listed first, in this order, when a run has them.</summary>
    public static readonly string[] Headline =
    [
        Indicators.ConsumptionShareEnd, Indicators.StrategicUtilisationEnd, Indicators.StrategicPriceChange, Indicators.ZombieShareEnd,
        GdpGrowth, IncomeGrowth, Indicators.PilotIncomeDid, Indicators.NonPilotIncomeGrowthChange, LocalDebt,
    ];

    public const string GdpGrowth = "gdp_growth_annualised";
    public const string IncomeGrowth = "income_per_capita_growth_annualised";
    public const string LocalDebt = "local_debt_to_gdp_end";
    public const string NonStrategicPriceChange = "other_price_change";
    public const string FirmsEnd = "firms_end";

    public static List<RunIndicator> Compute(RunSeries? series, RunHeadlines headlines)
    {
        var list = new List<RunIndicator>();
        if (series is not null && series.Steps >= 2 * Indicators.Year)
            list.AddRange(Indicators.Compute(series).Select(i => new RunIndicator(i.Name, i.Value)));
        list.Add(new(GdpGrowth, headlines.GdpGrowthAnnualised));
        list.Add(new(IncomeGrowth, headlines.IncomePerCapitaGrowthAnnualised));
        list.Add(new(LocalDebt, headlines.LocalDebtToGdpFinal));
        list.Add(new(NonStrategicPriceChange, headlines.NonStrategicPriceChange));
        list.Add(new(FirmsEnd, headlines.FirmsFinal));
        return list.OrderBy(i => Array.IndexOf(Headline, i.Name) is var k and >= 0 ? k : Headline.Length).ToList();
    }
}
