using AgentSim.Core;

namespace AgentSim.Analysis.Sensitivity;

/// <summary>One sensitivity index of one parameter for one output, with its bootstrap 95% interval.</summary>
/// <param name="Index">"S1" (Sobol first order), "ST" (Sobol total order), "mu_star", "mu", "sigma" (Morris).</param>
public sealed record SensitivityIndex(string Parameter, string Output, string Method, string Index, double Estimate, double Low, double High);

/// <summary>
/// A Saltelli design for Sobol indices, in the unit hypercube: two independent sample matrices A and B (N rows, k
/// columns) and, for every parameter i, the matrix AB_i (A with column i taken from B). Rows come in blocks of k + 2
/// per base sample j: A_j, B_j, AB_1j, ..., AB_kj (SALib's order, without its second-order rows), so the design is
/// N × (k + 2) model evaluations.
/// </summary>
/// <remarks>
/// Plain Monte Carlo draws rather than a Sobol sequence: the estimators are the same, the intervals (bootstrap over the
/// base samples) are honest for independent rows, and the draws come from the counter-based RNG so a design is a pure
/// function of (seed, N, k).
/// </remarks>
public static class SaltelliDesign
{
    /// <summary>Random stream of sensitivity designs, apart from every stream the model uses.</summary>
    public const ulong Stream = 0x5345_4E53UL;

    public static int RowsPerSample(int parameters) => parameters + 2;

    /// <summary>The design's rows in unit coordinates: N × (k + 2) rows of k values in [0, 1).</summary>
    public static double[][] Generate(int parameters, int samples, long seed)
    {
        if (parameters < 1) throw new ArgumentOutOfRangeException(nameof(parameters), "at least one parameter");
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), "at least two base samples");
        var rows = new double[samples * RowsPerSample(parameters)][];
        for (var j = 0; j < samples; j++)
        {
            var rng = new CounterRng((ulong)seed, Stream, 0, j);
            var a = new double[parameters];
            var b = new double[parameters];
            for (var i = 0; i < parameters; i++)
            {
                a[i] = rng.NextDouble();
                b[i] = rng.NextDouble();
            }
            var block = j * RowsPerSample(parameters);
            rows[block] = a;
            rows[block + 1] = b;
            for (var i = 0; i < parameters; i++)
            {
                var ab = (double[])a.Clone();
                ab[i] = b[i];
                rows[block + 2 + i] = ab;
            }
        }
        return rows;
    }
}

/// <summary>
/// Sobol first-order and total-order indices from the outputs of a <see cref="SaltelliDesign"/>: the first order
/// by Saltelli et al. (2010), S_i = mean(f_B (f_ABi − f_A)) / V on outputs centred on their mean, the total order by Jansen (1999),
/// ST_i = mean((f_A − f_ABi)²) / (2V), with V the variance of f_A and f_B pooled. Intervals: percentile bootstrap
/// over the N base samples (each resample keeps a sample's A, B and AB rows together).
/// </summary>
public static class SobolEstimator
{
    public const string FirstOrder = "S1";
    public const string TotalOrder = "ST";

    /// <param name="outputs">One value per design row, in the design's order (N × (k + 2)).</param>
    /// <param name="parameterNames">The k parameters, in the design's column order.</param>
    public static List<SensitivityIndex> Estimate(IReadOnlyList<double> outputs, IReadOnlyList<string> parameterNames, string output,
        int bootstrap = 1000, long seed = 1)
    {
        var k = parameterNames.Count;
        var per = SaltelliDesign.RowsPerSample(k);
        if (outputs.Count % per != 0 || outputs.Count / per < 2)
            throw new ArgumentException($"a Saltelli design over {k} parameters has a multiple of {per} rows (at least {2 * per}); got {outputs.Count}");
        var n = outputs.Count / per;
        if (outputs.Any(v => !double.IsFinite(v)))
            throw new ArgumentException($"output '{output}' has missing or non-finite values; every design row needs a value");
        var all = Enumerable.Range(0, n).ToArray();
        var (first, total) = Indices(outputs, k, all);
        var bootFirst = new double[k][];
        var bootTotal = new double[k][];
        for (var i = 0; i < k; i++)
        {
            bootFirst[i] = new double[bootstrap];
            bootTotal[i] = new double[bootstrap];
        }
        var resample = new int[n];
        for (var b = 0; b < bootstrap; b++)
        {
            var rng = new CounterRng((ulong)seed, SaltelliDesign.Stream + 1, b, -1);
            for (var j = 0; j < n; j++)
                resample[j] = rng.NextInt(n);
            var (f, t) = Indices(outputs, k, resample);
            for (var i = 0; i < k; i++)
            {
                bootFirst[i][b] = f[i];
                bootTotal[i][b] = t[i];
            }
        }
        var list = new List<SensitivityIndex>();
        for (var i = 0; i < k; i++)
        {
            var (lo, hi) = Bootstrap.Percentile95(bootFirst[i]);
            list.Add(new SensitivityIndex(parameterNames[i], output, "sobol", FirstOrder, first[i], lo, hi));
            (lo, hi) = Bootstrap.Percentile95(bootTotal[i]);
            list.Add(new SensitivityIndex(parameterNames[i], output, "sobol", TotalOrder, total[i], lo, hi));
        }
        return list;
    }

    /// <summary>First- and total-order indices over the base samples <paramref name="samples"/> (a bootstrap resample or all).</summary>
    private static (double[] First, double[] Total) Indices(IReadOnlyList<double> y, int k, int[] samples)
    {
        var per = k + 2;
        var n = samples.Length;
        double mean = 0;
        foreach (var j in samples)
            mean += y[j * per] + y[j * per + 1];
        mean /= 2.0 * n;
        double variance = 0;
        foreach (var j in samples)
        {
            var a = y[j * per] - mean;
            var b = y[j * per + 1] - mean;
            variance += a * a + b * b;
        }
        variance /= 2.0 * n - 1;
        var first = new double[k];
        var total = new double[k];
        for (var i = 0; i < k; i++)
        {
            double s = 0, t = 0;
            foreach (var j in samples)
            {
                // Centred: the estimator is unbiased whatever the output's level, but its variance grows with the
                // mean squared, which swamps indices of outputs far from zero (a consumption share near 0.4).
                var fa = y[j * per] - mean;
                var fb = y[j * per + 1] - mean;
                var fab = y[j * per + 2 + i] - mean;
                s += fb * (fab - fa);
                t += (fa - fab) * (fa - fab);
            }
            // A constant output has no variance to apportion: every index is 0, not NaN.
            first[i] = variance > 0 ? s / n / variance : 0;
            total[i] = variance > 0 ? t / (2.0 * n) / variance : 0;
        }
        return (first, total);
    }
}

/// <summary>
/// Morris trajectories in the unit hypercube: r trajectories of k + 1 points on a grid of p levels. Each trajectory
/// starts at a random grid point and moves one parameter at a time, in random order, by Δ = p / (2 (p − 1)) — up when
/// that stays inside [0, 1], else down — so every step yields one elementary effect of one parameter.
/// </summary>
public static class MorrisDesign
{
    /// <summary>One trajectory: its k + 1 points and, for step s (from point s to s + 1), the parameter moved and the signed step.</summary>
    public sealed record Trajectory(double[][] Points, int[] Moved, double[] Step);

    public static List<Trajectory> Generate(int parameters, int trajectories, int levels, long seed)
    {
        if (parameters < 1) throw new ArgumentOutOfRangeException(nameof(parameters), "at least one parameter");
        if (trajectories < 2) throw new ArgumentOutOfRangeException(nameof(trajectories), "at least two trajectories");
        if (levels < 2 || levels % 2 != 0) throw new ArgumentOutOfRangeException(nameof(levels), "an even number of levels, at least 2");
        var delta = Delta(levels);
        var list = new List<Trajectory>(trajectories);
        for (var r = 0; r < trajectories; r++)
        {
            var rng = new CounterRng((ulong)seed, SaltelliDesign.Stream + 2, r, -1);
            var x = new double[parameters];
            for (var i = 0; i < parameters; i++)
                x[i] = rng.NextInt(levels) / (double)(levels - 1);
            var order = Enumerable.Range(0, parameters).ToArray();
            for (var i = parameters - 1; i > 0; i--)
            {
                var j = rng.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            var points = new double[parameters + 1][];
            var moved = new int[parameters];
            var steps = new double[parameters];
            points[0] = (double[])x.Clone();
            for (var s = 0; s < parameters; s++)
            {
                var i = order[s];
                // Half the levels can step up and the other half down, so both directions are used equally often.
                var step = x[i] + delta <= 1 + 1e-12 ? delta : -delta;
                x[i] = Math.Clamp(x[i] + step, 0, 1);
                points[s + 1] = (double[])x.Clone();
                moved[s] = i;
                steps[s] = step;
            }
            list.Add(new Trajectory(points, moved, steps));
        }
        return list;
    }

    public static double Delta(int levels) => levels / (2.0 * (levels - 1));
}

/// <summary>
/// Morris elementary effects: EE_i = (f(x + Δe_i) − f(x)) / Δ in unit coordinates (so an effect is the output's
/// change over the parameter's whole range, linearly extrapolated). μ* = mean |EE| ranks importance, σ = standard
/// deviation of EE flags non-linearity or interactions, μ = mean EE gives the sign. Intervals: percentile bootstrap
/// over trajectories.
/// </summary>
public static class MorrisEstimator
{
    public const string MuStar = "mu_star";
    public const string Mu = "mu";
    public const string Sigma = "sigma";

    /// <param name="outputs">For each trajectory, the output at its k + 1 points.</param>
    public static List<SensitivityIndex> Estimate(IReadOnlyList<MorrisDesign.Trajectory> design, IReadOnlyList<double[]> outputs,
        IReadOnlyList<string> parameterNames, string output, int bootstrap = 1000, long seed = 1)
    {
        var k = parameterNames.Count;
        var r = design.Count;
        if (outputs.Count != r || outputs.Any(o => o.Length != k + 1))
            throw new ArgumentException($"expected {r} trajectories of {k + 1} outputs");
        if (outputs.Any(o => o.Any(v => !double.IsFinite(v))))
            throw new ArgumentException($"output '{output}' has missing or non-finite values; every design point needs a value");
        // effects[i][t]: the elementary effect of parameter i in trajectory t.
        var effects = new double[k][];
        for (var i = 0; i < k; i++)
            effects[i] = new double[r];
        for (var t = 0; t < r; t++)
        {
            for (var s = 0; s < k; s++)
                effects[design[t].Moved[s]][t] = (outputs[t][s + 1] - outputs[t][s]) / design[t].Step[s];
        }
        var list = new List<SensitivityIndex>();
        var resample = new int[r];
        for (var i = 0; i < k; i++)
        {
            var ee = effects[i];
            var boot = new (double MuStar, double Mu, double Sigma)[bootstrap];
            for (var b = 0; b < bootstrap; b++)
            {
                var rng = new CounterRng((ulong)seed, SaltelliDesign.Stream + 3, b, -1);
                for (var t = 0; t < r; t++)
                    resample[t] = rng.NextInt(r);
                boot[b] = Moments(resample.Select(t => ee[t]).ToArray());
            }
            var (muStar, mu, sigma) = Moments(ee);
            var (lo, hi) = Bootstrap.Percentile95(boot.Select(x => x.MuStar).ToArray());
            list.Add(new SensitivityIndex(parameterNames[i], output, "morris", MuStar, muStar, lo, hi));
            (lo, hi) = Bootstrap.Percentile95(boot.Select(x => x.Mu).ToArray());
            list.Add(new SensitivityIndex(parameterNames[i], output, "morris", Mu, mu, lo, hi));
            (lo, hi) = Bootstrap.Percentile95(boot.Select(x => x.Sigma).ToArray());
            list.Add(new SensitivityIndex(parameterNames[i], output, "morris", Sigma, sigma, lo, hi));
        }
        return list;
    }

    private static (double MuStar, double Mu, double Sigma) Moments(double[] ee)
    {
        var n = ee.Length;
        var mu = ee.Average();
        var muStar = ee.Average(Math.Abs);
        var sigma = n > 1 ? Math.Sqrt(ee.Sum(e => (e - mu) * (e - mu)) / (n - 1)) : 0;
        return (muStar, mu, sigma);
    }
}

/// <summary>Percentile bootstrap intervals.</summary>
public static class Bootstrap
{
    /// <summary>The 2.5% and 97.5% quantiles (linear interpolation); NaN for no resamples.</summary>
    public static (double Low, double High) Percentile95(double[] values)
    {
        if (values.Length == 0)
            return (double.NaN, double.NaN);
        var sorted = values.Order().ToArray();
        return (Quantile(sorted, 0.025), Quantile(sorted, 0.975));
    }

    private static double Quantile(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
