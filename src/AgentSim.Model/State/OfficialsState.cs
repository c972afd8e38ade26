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
        GdpGrowthScratch = new double[provinces];
        IncomeGrowthScratch = new double[provinces];
        DebtRatioScratch = new double[provinces];
        ScoreScratch = new double[provinces];
        RecordLevers = new double[provinces * levers];
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

    // Year-end scratch (rewritten before it is read at every year end) and the levers of the year-end records.
    public double[] GdpGrowthScratch;
    public double[] IncomeGrowthScratch;
    public double[] DebtRatioScratch;
    public double[] ScoreScratch;
    public double[] RecordLevers;

    /// <summary>
    /// Years of growth history kept: regression learning reads the last `regressionYears` years (levers of year y with
    /// the growth of year y + 1), so older years are never read again and their arrays are recycled.
    /// </summary>
    public static int YearsKept(int regressionYears) => Math.Max(1, regressionYears) + 2;

    /// <summary>
    /// Appends a copy of `values` to a yearly history; once it holds `keep` years the oldest year's array is reused,
    /// so a year end allocates nothing after the first few years.
    /// </summary>
    public static void Append(List<double[]> history, ReadOnlySpan<double> values, int keep)
    {
        double[] year;
        if (history.Count >= keep && history[0].Length == values.Length)
        {
            year = history[0];
            history.RemoveAt(0);
        }
        else year = new double[values.Length];
        values.CopyTo(year);
        history.Add(year);
    }

    /// <summary>Per year (regression learning): levers at the start of the year and growth over it (the last few years).</summary>
    public List<double[]> YearLevers { get; } = new();
    public List<double[]> YearGdpGrowth { get; } = new();
    public List<double[]> YearIncomeGrowth { get; } = new();
    public List<double[]> YearDebtRatio { get; } = new();
}

/// <summary>
/// One official's year-end record (a row of officials.parquet). A struct whose levers are a view of a buffer the
/// simulation reuses every year end: valid until the next step, which is when the writer reads it.
/// </summary>
public readonly record struct OfficialRecord(
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
    ArraySegment<double> Levers);
