using AgentSim.Analysis.Sensitivity;

namespace AgentSim.Tests.Sensitivity;

/// <summary>
/// The Sobol and Morris estimators against test functions with known answers (no simulation): the Ishigami function
/// and the Sobol G function, whose first- and total-order indices are analytic.
/// </summary>
public sealed class SensitivityEstimatorTests
{
    private static readonly string[] Three = ["x1", "x2", "x3"];

    /// <summary>Ishigami (a = 7, b = 0.1) on [−π, π]³.</summary>
    private static double Ishigami(double[] u)
    {
        var x = u.Select(v => -Math.PI + 2 * Math.PI * v).ToArray();
        return Math.Sin(x[0]) + 7 * Math.Pow(Math.Sin(x[1]), 2) + 0.1 * Math.Pow(x[2], 4) * Math.Sin(x[0]);
    }

    private static readonly double[] GCoefficients = [0, 1, 4.5, 9, 99, 99];

    private static double SobolG(double[] u)
    {
        double product = 1;
        for (var i = 0; i < u.Length; i++)
            product *= (Math.Abs(4 * u[i] - 2) + GCoefficients[i]) / (1 + GCoefficients[i]);
        return product;
    }

    private static Dictionary<(string, string), SensitivityIndex> Sobol(Func<double[], double> f, string[] names, int samples, long seed = 3)
    {
        var design = SaltelliDesign.Generate(names.Length, samples, seed);
        var y = design.Select(f).ToList();
        return SobolEstimator.Estimate(y, names, "y", bootstrap: 200, seed: seed).ToDictionary(i => (i.Parameter, i.Index));
    }

    [Fact]
    public void Sobol_indices_of_the_Ishigami_function_match_the_analytic_ones()
    {
        // Analytic values for a = 7, b = 0.1 (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, 4.3).
        double[] first = [0.3139, 0.4424, 0.0];
        double[] total = [0.5576, 0.4424, 0.2437];
        var indices = Sobol(Ishigami, Three, samples: 20_000);
        for (var i = 0; i < 3; i++)
        {
            var s1 = indices[(Three[i], SobolEstimator.FirstOrder)];
            var st = indices[(Three[i], SobolEstimator.TotalOrder)];
            Assert.InRange(s1.Estimate, first[i] - 0.03, first[i] + 0.03);
            Assert.InRange(st.Estimate, total[i] - 0.03, total[i] + 0.03);
            // The bootstrap interval brackets its estimate and (at this size) the truth, with a small margin for the 5% misses.
            Assert.True(s1.Low <= s1.Estimate && s1.Estimate <= s1.High);
            Assert.InRange(first[i], s1.Low - 0.01, s1.High + 0.01);
            Assert.InRange(total[i], st.Low - 0.01, st.High + 0.01);
            Assert.True(st.High - st.Low < 0.1, $"interval of ST({Three[i]}) is {st.Low}..{st.High}");
        }
    }

    [Fact]
    public void Sobol_indices_of_the_G_function_match_the_analytic_ones()
    {
        var names = GCoefficients.Select((_, i) => $"x{i + 1}").ToArray();
        var partial = GCoefficients.Select(a => 1.0 / (3 * (1 + a) * (1 + a))).ToArray();
        var variance = partial.Aggregate(1.0, (p, v) => p * (1 + v)) - 1;
        var indices = Sobol(SobolG, names, samples: 20_000);
        for (var i = 0; i < names.Length; i++)
        {
            var first = partial[i] / variance;
            var total = partial[i] * partial.Where((_, j) => j != i).Aggregate(1.0, (p, v) => p * (1 + v)) / variance;
            Assert.InRange(indices[(names[i], SobolEstimator.FirstOrder)].Estimate, first - 0.03, first + 0.03);
            Assert.InRange(indices[(names[i], SobolEstimator.TotalOrder)].Estimate, total - 0.03, total + 0.03);
        }
        // The unimportant parameters (a = 99) are told apart from the important one.
        Assert.True(indices[("x6", SobolEstimator.TotalOrder)].High < 0.01);
        Assert.True(indices[("x1", SobolEstimator.TotalOrder)].Low > 0.5);
    }

    [Fact]
    public void Saltelli_design_has_k_plus_2_rows_per_sample_and_is_a_pure_function_of_its_seed()
    {
        var design = SaltelliDesign.Generate(3, 5, seed: 9);
        Assert.Equal(25, design.Length);
        // AB_i equals A except in column i, where it equals B.
        for (var j = 0; j < 5; j++)
        {
            var (a, b) = (design[j * 5], design[j * 5 + 1]);
            for (var i = 0; i < 3; i++)
                for (var c = 0; c < 3; c++)
                    Assert.Equal(c == i ? b[c] : a[c], design[j * 5 + 2 + i][c]);
        }
        Assert.Equal(design.SelectMany(r => r), SaltelliDesign.Generate(3, 5, seed: 9).SelectMany(r => r));
        Assert.NotEqual(design.SelectMany(r => r), SaltelliDesign.Generate(3, 5, seed: 10).SelectMany(r => r));
    }

    [Fact]
    public void Morris_recovers_the_slopes_of_a_linear_function_with_zero_sigma()
    {
        double[] slopes = [3, -1, 0];
        var design = MorrisDesign.Generate(3, trajectories: 10, levels: 4, seed: 5);
        var outputs = design.Select(t => t.Points.Select(x => x.Zip(slopes, (a, b) => a * b).Sum()).ToArray()).ToList();
        var indices = MorrisEstimator.Estimate(design, outputs, Three, "y", bootstrap: 100).ToDictionary(i => (i.Parameter, i.Index));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Math.Abs(slopes[i]), indices[(Three[i], MorrisEstimator.MuStar)].Estimate, 10);
            Assert.Equal(slopes[i], indices[(Three[i], MorrisEstimator.Mu)].Estimate, 10);
            Assert.Equal(0, indices[(Three[i], MorrisEstimator.Sigma)].Estimate, 10);
        }
        // Every point stays on the 4-level grid inside the unit cube.
        Assert.All(design.SelectMany(t => t.Points).SelectMany(p => p), v => Assert.Contains(Math.Round(v * 3, 9), new[] { 0.0, 1, 2, 3 }));
    }

    [Fact]
    public void Morris_ranks_the_Ishigami_parameters_and_flags_the_interaction_of_x3()
    {
        var design = MorrisDesign.Generate(3, trajectories: 200, levels: 6, seed: 2);
        var outputs = design.Select(t => t.Points.Select(Ishigami).ToArray()).ToList();
        var indices = MorrisEstimator.Estimate(design, outputs, Three, "y", bootstrap: 100).ToDictionary(i => (i.Parameter, i.Index));
        // x3 acts only through its interaction with x1: a non-zero mu* with sigma larger than |mu|.
        var x3 = (MuStar: indices[("x3", MorrisEstimator.MuStar)].Estimate, Mu: indices[("x3", MorrisEstimator.Mu)].Estimate,
            Sigma: indices[("x3", MorrisEstimator.Sigma)].Estimate);
        Assert.True(x3.MuStar > 1, $"mu*(x3) = {x3.MuStar}");
        Assert.True(x3.Sigma > Math.Abs(x3.Mu), $"sigma(x3) = {x3.Sigma}, mu(x3) = {x3.Mu}");
        // A parameter that does nothing gets nothing.
        var constant = MorrisEstimator.Estimate(design, design.Select(t => t.Points.Select(p => 5.0).ToArray()).ToList(), Three, "c", bootstrap: 10);
        Assert.All(constant, i => Assert.Equal(0, i.Estimate));
    }

    [Fact]
    public void Missing_outputs_are_refused_rather_than_estimated()
    {
        var design = SaltelliDesign.Generate(2, 4, seed: 1);
        var y = design.Select(r => r[0]).ToList();
        y[3] = double.NaN;
        var ex = Assert.Throws<ArgumentException>(() => SobolEstimator.Estimate(y, ["a", "b"], "did"));
        Assert.Contains("did", ex.Message);
    }
}
