namespace AgentSim.Model.State;

/// <summary>History that officials learn from: quarterly metrics and yearly lever snapshots.</summary>
internal sealed class OfficialsState
{
    public OfficialsState(int provinces, int levers, int steps, int burnIn)
    {
        Provinces = provinces;
        LeverCount = levers;
        int quarters = steps + burnIn + 1;
        RealGdp = new double[quarters * provinces];
        RealIncomePerCapita = new double[quarters * provinces];
        LeverSnapshot = new double[provinces * levers];
        Scratch = new double[provinces];
        NextOfficialId = provinces;
    }

    public int Provinces;
    public int LeverCount;
    /// <summary>[quarter index * provinces + p], quarter index = step + burn-in.</summary>
    public double[] RealGdp;
    public double[] RealIncomePerCapita;
    public double[] LeverSnapshot;
    public double[] Scratch;
    public int NextOfficialId;

    /// <summary>Per year (regression learning): levers at the start of the year and growth over it.</summary>
    public List<double[]> YearLevers { get; } = new();
    public List<double[]> YearGdpGrowth { get; } = new();
    public List<double[]> YearIncomeGrowth { get; } = new();
    public List<double[]> YearDebtRatio { get; } = new();
}

/// <summary>One official's year-end record (a row of officials.parquet).</summary>
public sealed record OfficialRecord(
    int Step,
    int Province,
    int OfficialId,
    Config.IncentiveRule Rule,
    int QuartersInOffice,
    double Score,
    double GdpGrowth,
    double IncomeGrowth,
    string Event,
    double PromotionProbability,
    double[] Levers);
