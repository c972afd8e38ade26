using AgentSim.Output;
using MathNet.Numerics.Distributions;

namespace AgentSim.Analysis.Sensitivity;

/// <summary>One point of the precision curve: an indicator over the first N replicates.</summary>
/// <param name="HalfWidth">Half-width of the Student-t 95% interval of the mean.</param>
/// <param name="RelativeHalfWidth">HalfWidth / |Mean|; infinite for a mean of zero.</param>
/// <param name="Cv">Coefficient of variation across replicates, SD / |Mean|.</param>
public sealed record PrecisionPoint(int Replicates, string Indicator, double Mean, double Sd, double HalfWidth, double RelativeHalfWidth, double Cv);

/// <summary>
/// How precise replicate means are as replicates are added: the 95% interval half-width and the coefficient of
/// variation of each indicator over the first N replicates, and the stopping rule of <c>agentsim replicates</c>.
/// </summary>
public static class ReplicateCurve
{
    public const string FileName = "replicates.parquet";

    /// <summary>The precision of every indicator over the first <paramref name="n"/> replicates (n ≥ 2).</summary>
    public static List<PrecisionPoint> At(IReadOnlyList<IReadOnlyDictionary<string, double>> replicates, IReadOnlyList<string> indicators, int n)
    {
        if (n < 2 || n > replicates.Count)
            throw new ArgumentOutOfRangeException(nameof(n), $"between 2 and {replicates.Count} replicates");
        var list = new List<PrecisionPoint>();
        var t = StudentT.InvCDF(0, 1, n - 1, 0.975);
        foreach (var name in indicators)
        {
            var values = replicates.Take(n).Select(r => r.GetValueOrDefault(name, double.NaN)).ToArray();
            if (values.Any(v => !double.IsFinite(v)))
                continue;
            var mean = values.Average();
            var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
            var half = t * sd / Math.Sqrt(n);
            var scale = Math.Abs(mean);
            list.Add(new PrecisionPoint(n, name, mean, sd, half, scale > 0 ? half / scale : double.PositiveInfinity,
                scale > 0 ? sd / scale : double.PositiveInfinity));
        }
        return list;
    }

    /// <summary>Whether every indicator's relative half-width is at most <paramref name="precision"/>.</summary>
    public static bool IsPreciseEnough(IReadOnlyList<PrecisionPoint> points, double precision) =>
        points.Count > 0 && points.All(p => p.RelativeHalfWidth <= precision);

    /// <summary>
    /// Replicates the rule expects to need for every indicator, from the current CV: the interval shrinks like
    /// 1/√N, so N ≈ (t · CV / precision)², with t ≈ 2. Used only for the message, never for stopping.
    /// </summary>
    public static int Projected(IReadOnlyList<PrecisionPoint> points, double precision) =>
        points.Count == 0 ? 0 : (int)Math.Max(2, Math.Min(1e9, Math.Ceiling(points.Max(p => Math.Pow(1.96 * p.Cv / precision, 2)))));

    private static readonly TableSchema Schema = new("replicates",
    [
        new("replicates", ColumnKind.Int32, "runs", "Number of replicates N the statistics are over (the first N)."),
        new("indicator", ColumnKind.String, "", "Indicator (docs/experiments.md)."),
        new("mean", ColumnKind.Double, "", "Mean over the N replicates."),
        new("sd", ColumnKind.Double, "", "Standard deviation across replicates."),
        new("half_width", ColumnKind.Double, "", "Half-width of the Student-t 95% interval of the mean."),
        new("relative_half_width", ColumnKind.Double, "fraction", "half_width / |mean|."),
        new("cv", ColumnKind.Double, "fraction", "Coefficient of variation sd / |mean|."),
    ]);

    public static Task WriteAsync(string path, IEnumerable<PrecisionPoint> points, CancellationToken ct = default)
    {
        var table = new TableBuffer(Schema);
        foreach (var p in points)
        {
            table.Ints("replicates").Add(p.Replicates);
            table.Strings("indicator").Add(p.Indicator);
            table.Doubles("mean").Add(p.Mean);
            table.Doubles("sd").Add(p.Sd);
            table.Doubles("half_width").Add(p.HalfWidth);
            table.Doubles("relative_half_width").Add(p.RelativeHalfWidth);
            table.Doubles("cv").Add(p.Cv);
        }
        return ParquetTableWriter.WriteAsync(path, table, ct);
    }
}
