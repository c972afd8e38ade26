using AgentSim.Analysis;
using MathNet.Numerics.Distributions;

namespace AgentSim.Report;

/// <summary>An estimate with its 95% interval; <see cref="Method"/> says what the interval is over.</summary>
public sealed record Estimate(double Value, double Low, double High, int Count, string Method)
{
    public bool HasInterval => double.IsFinite(Low) && double.IsFinite(High) && Count > 1;
}

/// <summary>The pilot difference in differences of one run, with the per-province changes behind it.</summary>
public sealed record PilotDid(int SwitchStep, int Window, double Value, double[] PilotChanges, double[] OtherChanges);

/// <summary>A series across replicates: the mean per step and a 95% t-interval band (NaN with one replicate).</summary>
public sealed record Band(double[] Mean, double[] Low, double[] High, int Replicates);

/// <summary>One headline indicator of a run, computed from its tables.</summary>
public sealed record Headline(string Name, string Label, double Value, IndicatorFormat Format);

/// <summary>Statistics of the report: difference in differences, intervals, headline indicators.</summary>
public static class ReportStatistics
{
    /// <summary>Quarters after (and before) the switch averaged by the difference in differences, at most.</summary>
    public const int DidWindow = 20;

    /// <summary>
    /// Mean quarterly log growth of real per-capita household income over up to 20 quarters after the switch minus
    /// as many before, pilots minus non-pilots: the definition of pilot_income_growth_did in AgentSim.Analysis.
    /// Null when the run has no pilots, no switch inside the horizon or too few quarters around it.
    /// </summary>
    public static PilotDid? Did(RunData run)
    {
        int t0 = run.SwitchStep;
        if (!run.HasPilots || t0 <= 0 || t0 >= run.Steps) return null;
        int window = Math.Min(DidWindow, Math.Min(t0 - 1, run.Steps - t0));
        if (window < 1) return null;
        var y = run.IncomePerCapitaReal;
        double Growth(int p, int from, int to) => (Math.Log(y[to - 1][p]) - Math.Log(y[from - 1][p])) / (to - from);
        var pilots = new List<double>();
        var others = new List<double>();
        for (int p = 0; p < run.Provinces.Length; p++)
        {
            double change = Growth(p, t0, t0 + window) - Growth(p, t0 - window, t0);
            (run.IsPilot[p] ? pilots : others).Add(change);
        }
        return new PilotDid(t0, window, pilots.Average() - others.Average(), pilots.ToArray(), others.ToArray());
    }

    /// <summary>
    /// The DiD estimate with a 95% interval: across replicates (Student t on the replicates' estimates) when
    /// there are two or more, else from the variation between provinces within the run (Welch's t on the
    /// per-province changes, pilots vs non-pilots).
    /// </summary>
    public static Estimate? DidEstimate(IReadOnlyList<PilotDid> replicates)
    {
        if (replicates.Count == 0) return null;
        if (replicates.Count > 1) return Mean(replicates.Select(d => d.Value).ToList(), "Student t across replicates");
        var d = replicates[0];
        var (low, high) = Welch(d.PilotChanges, d.OtherChanges);
        return new Estimate(d.Value, low, high, d.PilotChanges.Length + d.OtherChanges.Length,
            $"Welch t across provinces ({d.PilotChanges.Length} pilots, {d.OtherChanges.Length} others; one run: common shocks are not in it)");
    }

    /// <summary>Mean and 95% Student-t interval; a single value has no interval.</summary>
    public static Estimate Mean(IReadOnlyList<double> values, string method = "Student t across replicates")
    {
        var finite = values.Where(double.IsFinite).ToList();
        int n = finite.Count;
        if (n == 0) return new Estimate(double.NaN, double.NaN, double.NaN, 0, method);
        double mean = finite.Average();
        if (n == 1) return new Estimate(mean, double.NaN, double.NaN, 1, method);
        double sd = Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        double half = StudentT.InvCDF(0, 1, n - 1, 0.975) * sd / Math.Sqrt(n);
        return new Estimate(mean, mean - half, mean + half, n, method);
    }

    /// <summary>95% Welch interval of mean(a) - mean(b).</summary>
    public static (double Low, double High) Welch(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count < 2 || b.Count < 2) return (double.NaN, double.NaN);
        double ma = a.Average(), mb = b.Average();
        double va = a.Sum(x => (x - ma) * (x - ma)) / (a.Count - 1) / a.Count;
        double vb = b.Sum(x => (x - mb) * (x - mb)) / (b.Count - 1) / b.Count;
        double se = Math.Sqrt(va + vb);
        if (!(se > 0)) return (ma - mb, ma - mb);
        double df = (va + vb) * (va + vb) / (va * va / (a.Count - 1) + vb * vb / (b.Count - 1));
        double half = StudentT.InvCDF(0, 1, df, 0.975) * se;
        return (ma - mb - half, ma - mb + half);
    }

    /// <summary>Mean per step across replicates (series of different lengths are cut to the shortest), with a 95% t band.</summary>
    public static Band Aggregate(IReadOnlyList<double[]> replicates)
    {
        int T = replicates.Min(r => r.Length);
        var mean = new double[T];
        var low = new double[T];
        var high = new double[T];
        for (int t = 0; t < T; t++)
        {
            var e = Mean(replicates.Select(r => r[t]).ToList());
            (mean[t], low[t], high[t]) = (e.Value, e.Low, e.High);
        }
        return new Band(mean, low, high, replicates.Count);
    }

    /// <summary>How the bands of shares are computed: the caption of every chart that draws one says this.</summary>
    public const string ShareBandMethod =
        "bands of shares are 95% Student-t intervals on the angular scale (arcsine of the square root) transformed back, so they stay within 0-100%";

    /// <summary>
    /// A share (values in [0, 1]) across replicates: the mean per step, with a 95% band that respects the bounds: a
    /// Student-t interval of asin(sqrt(share)), clamped to [0, pi/2] and transformed back. The angular transformation
    /// stabilises the variance of proportions and, unlike the logit, stays finite at a share of exactly zero (zombie
    /// shares early in a run), so one replicate with no zombies does not blow the band up.
    /// </summary>
    public static Band AggregateShare(IReadOnlyList<double[]> replicates)
    {
        var band = Aggregate(replicates);
        int T = band.Mean.Length;
        var low = new double[T];
        var high = new double[T];
        for (int t = 0; t < T; t++)
        {
            var angles = replicates.Select(r => r[t]).Where(double.IsFinite).Select(v => Math.Asin(Math.Sqrt(Math.Clamp(v, 0, 1)))).ToList();
            var e = Mean(angles);
            (low[t], high[t]) = (Back(e.Low), Back(e.High));
        }
        return band with { Low = low, High = high };
    }

    /// <summary>The mean of a share across replicates with the bounded 95% interval of <see cref="AggregateShare"/>.</summary>
    public static Estimate MeanShare(IReadOnlyList<double> values)
    {
        var plain = Mean(values);
        var angles = Mean(values.Where(double.IsFinite).Select(v => Math.Asin(Math.Sqrt(Math.Clamp(v, 0, 1)))).ToList());
        return plain with { Low = Back(angles.Low), High = Back(angles.High), Method = "Student t across replicates on the angular scale" };
    }

    private static double Back(double angle) => double.IsFinite(angle) ? Math.Pow(Math.Sin(Math.Clamp(angle, 0, Math.PI / 2)), 2) : double.NaN;

    /// <summary>
    /// The event study of one run with pilots: pilot minus non-pilot mean log real income per resident, averaged over
    /// each year relative to the switch (year 0 = the switch quarter and the three after it) and measured against year
    /// -1, in log points; complete years only, from the first to the end of the horizon. Null without pilots or a
    /// full year before the switch.
    /// </summary>
    public static (int[] Years, double[] Gap)? EventStudy(RunData run)
    {
        int t0 = run.SwitchStep;
        if (!run.HasPilots || t0 < RunData.Year || t0 >= run.Steps) return null;
        var logs = run.IncomePerCapitaReal.Select(row => row.Select(v => Math.Log(v)).ToArray()).ToArray();
        var pilots = run.ProvinceMean(logs, true);
        var others = run.ProvinceMean(logs, false);
        int first = -(t0 / RunData.Year), last = (run.Steps - t0) / RunData.Year - 1;
        double Year(int k) => Enumerable.Range(t0 + k * RunData.Year, RunData.Year).Average(t => pilots[t] - others[t]);
        double reference = Year(-1);
        var years = Enumerable.Range(first, last - first + 1).ToArray();
        return (years, years.Select(k => Year(k) - reference).ToArray());
    }

    /// <summary>
    /// The headline indicators of a run (<see cref="IndicatorCatalog.Headline"/>), computed from its tables by
    /// <see cref="Indicators.Compute"/>: the same definitions, labels and numbers as the run summary, compare and sweep.
    /// </summary>
    public static List<Headline> Headlines(RunData run)
    {
        var all = Indicators.Compute(run.Series()).ToDictionary(i => i.Name, i => i.Value);
        return IndicatorCatalog.Headline.Where(all.ContainsKey)
            .Select(name => IndicatorCatalog.Get(name) is var d ? new Headline(name, d.Label, all[name], d.Format) : null!)
            .ToList();
    }
}
