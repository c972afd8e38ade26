using AgentSim.Output.Runs;

namespace AgentSim.Analysis.Sweeps;

/// <summary>
/// The indicators recorded for every sweep run (and so the indicator columns of summary.parquet): every indicator of
/// <see cref="Indicators.Compute"/> (the same definitions as the run summary, compare and report; pilot ones only for
/// runs with pilots; none for a run of fewer than 2 quarters), the headline ones first (tools that show only the
/// first few columns, such as the report's sweep charts, show those).
/// </summary>
public static class SweepIndicators
{
    /// <summary>Indicators listed first, in this order, when a run has them.</summary>
    public static readonly string[] Headline =
    [
        Indicators.ConsumptionShareEnd, Indicators.StrategicUtilisationEnd, Indicators.StrategicPriceChange, Indicators.ZombieShareEnd,
        GdpGrowth, IncomeGrowth, Indicators.PilotIncomeDid, Indicators.NonPilotIncomeGrowthChange, LocalDebt,
    ];

    public const string GdpGrowth = Indicators.GdpGrowth;
    public const string IncomeGrowth = Indicators.IncomeGrowth;
    public const string LocalDebt = Indicators.LocalDebt;
    public const string NonStrategicPriceChange = Indicators.OtherPriceChange;
    public const string FirmsEnd = Indicators.FirmsEnd;

    public static List<RunIndicator> Compute(RunSeries? series)
    {
        if (series is null || series.Steps < 2) return [];
        return Indicators.Compute(series).Select(i => new RunIndicator(i.Name, i.Value))
            .OrderBy(i => Array.IndexOf(Headline, i.Name) is var k and >= 0 ? k : Headline.Length).ToList();
    }
}
