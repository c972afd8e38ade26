using AgentSim.Config;
using AgentSim.Model;
using AgentSim.Model.State;

namespace AgentSim.Tests.Runs;

/// <summary>
/// Signs of the v2 channels (MODEL.md 9.1-9.2) with common random numbers: a control run and a treated run share the
/// seed and frozen levers (no experiments, no imitation), and differ by one move applied between quarters.
/// </summary>
public sealed class EconomicsV2SignTests
{
    private const int Firms = 4_000, BurnIn = 4, Quarters = 8;

    /// <summary>Same seed, levers frozen: officials neither experiment nor imitate.</summary>
    private static SimulationConfig FrozenConfig(bool financialRepression = true)
    {
        var config = RunFixtures.SmallConfig(firms: Firms, steps: Quarters + 4, burnIn: BurnIn);
        config.Officials.ExperimentSize = 0;
        config.Mechanisms.LeverImitation = false;
        config.Mechanisms.FinancialRepression = financialRepression;
        return config;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Raising_credit_easing_lowers_the_provinces_deposit_rate_only_under_financial_repression(bool repression)
    {
        var config = FrozenConfig(repression);
        using var control = new Simulation(config, RunFixtures.Provinces, threads: 1);
        using var treated = new Simulation(config, RunFixtures.Provinces, threads: 1);
        control.RunBurnIn();
        treated.RunBurnIn();
        var prov = treated.Provinces;
        int S = treated.Industry.Count, L = prov.LeverCount, lever = LeverLayout.CreditEasing(S);
        // The province with the most directed credit, so the move has something to discount.
        int p = Enumerable.Range(0, prov.Count).MaxBy(q => prov.DirectedCredit[q]);
        Assert.True(prov.DirectedCredit[p] > 0, "no directed credit after the burn-in");
        double before = prov.LeverValues[p * L + lever];
        double raised = config.Levers.CreditEasing.Max;
        Assert.True(raised > before);
        prov.LeverValues[p * L + lever] = raised;
        var controlLevers = (double[])control.Provinces.LeverValues.Clone();

        double benchmark = config.Banking.BenchmarkDepositRate;
        var lines = new List<string>();
        int lower = 0;
        for (int q = 0; q < Quarters; q++)
        {
            control.Advance();
            treated.Advance();
            // DepositRate after a quarter is, in the current model, the rate the bank set for the next one; from the
            // second quarter on it is lower in the treated run whether it is read as this quarter's rate or the next's.
            double c = control.Provinces.DepositRate[p], t = treated.Provinces.DepositRate[p];
            lines.Add($"q{q}: control {c:R}, treated {t:R}, discount control {control.Provinces.DirectedCreditDiscount[p]:G6}, treated {treated.Provinces.DirectedCreditDiscount[p]:G6}");
            Assert.True(treated.Provinces.DirectedCreditDiscount[p] > control.Provinces.DirectedCreditDiscount[p], string.Join("\n", lines));
            if (repression && q == 0)
            {
                Assert.True(t <= c, $"province {prov.Names[p]}: the deposit rate rose\n" + string.Join("\n", lines));
            }
            else if (repression)
            {
                Assert.True(t < c, $"province {prov.Names[p]}: the deposit rate did not fall\n" + string.Join("\n", lines));
                Assert.True(c < benchmark && c >= config.Banking.DepositRateFloor);
                lower++;
            }
            else
            {
                Assert.Equal(benchmark, c);
                Assert.Equal(benchmark, t);
            }
        }
        // Levers stayed frozen in the control and in the treated run apart from the one move.
        Assert.Equal(controlLevers, control.Provinces.LeverValues);
        Assert.Equal(raised, treated.Provinces.LeverValues[p * L + lever]);
        Assert.Equal(repression ? Quarters - 1 : 0, lower);
    }

    /// <summary>
    /// A price war forced on solar PV (every firm of the industry priced at the below-cost floor before each of 16
    /// quarters) against the same seed without it, at 20,000 firms, for three seeds. Measured when this test was
    /// written: the industry's wage index ends about 2.7% below the control in every province; household income over
    /// the war falls in every province (mean -1.5% to -1.7%); the rank correlation across provinces between the
    /// industry's share of industrial employment and the income change is -0.27, -0.38 and -0.35 (after the long-horizon
    /// trend changes, -0.18 for seed 7: the association is weak, so the test asks only for its sign). Over only 8 quarters
    /// the income change is not reliably negative (the cheaper goods first sell more, and the wage index lags), and
    /// for steel or batteries the rank correlation is near zero in some seeds: see the test's report.
    /// </summary>
    [Theory]
    [InlineData(7L)]
    [InlineData(8L)]
    [InlineData(9L)]
    public void A_forced_price_war_lowers_the_industrys_wages_and_most_the_income_of_provinces_that_depend_on_it(long seed)
    {
        const int warQuarters = 16;
        var config = RunFixtures.SmallConfig(firms: 20_000, steps: warQuarters + 4, burnIn: BurnIn, seed: seed);
        config.Officials.ExperimentSize = 0;
        config.Mechanisms.LeverImitation = false;
        using var control = new Simulation(config, RunFixtures.Provinces, threads: 1);
        using var treated = new Simulation(config, RunFixtures.Provinces, threads: 1);
        control.RunBurnIn();
        treated.RunBurnIn();
        int S = treated.Industry.Count, P = treated.Provinces.Count;
        int s = IndustryIndex(treated, "solar_pv");

        // The industry's share of each province's industrial employment at the start of the war.
        var share = new double[P];
        for (int p = 0; p < P; p++)
        {
            double all = 0;
            for (int j = 0; j < S; j++) all += control.Provinces.CellEmployment[p * S + j];
            share[p] = all > 0 ? control.Provinces.CellEmployment[p * S + s] / all : 0;
        }

        var controlIncome = new double[P];
        var treatedIncome = new double[P];
        double floor = -config.FirmBehaviour.BelowCostFloor;
        for (int q = 0; q < warQuarters; q++)
        {
            // Every firm of the industry prices at the below-cost floor (the pricing rule may step it by one notch
            // and clamps firms without a soft budget or deep cash at cost).
            var f = treated.Firms;
            for (int i = 0; i < f.Count; i++)
                if (f.Alive[i] != 0 && f.Industry[i] == s) f.Markup[i] = floor;
            control.Advance();
            treated.Advance();
            for (int p = 0; p < P; p++)
            {
                controlIncome[p] += control.Provinces.HouseholdIncome[p];
                treatedIncome[p] += treated.Provinces.HouseholdIncome[p];
            }
        }

        // The industry's wage index, nationally and in every province that holds the industry.
        Assert.True(treated.Industries.WageIndex[s] < control.Industries.WageIndex[s],
            $"wage index: control {control.Industries.WageIndex[s]:R}, treated {treated.Industries.WageIndex[s]:R}");
        var holders = Enumerable.Range(0, P).Where(p => share[p] > 0).ToArray();
        Assert.True(holders.Length >= 20, $"only {holders.Length} provinces hold the industry");
        foreach (int p in holders)
            Assert.True(treated.Provinces.WageIndex[p * S + s] < control.Provinces.WageIndex[p * S + s],
                $"{treated.Provinces.Names[p]}: wage index control {control.Provinces.WageIndex[p * S + s]:R}, treated {treated.Provinces.WageIndex[p * S + s]:R}");

        // Household income over the war falls where the industry is held, and falls more where it is a larger share of jobs.
        var change = holders.Select(p => treatedIncome[p] / controlIncome[p] - 1).ToArray();
        var shares = holders.Select(p => share[p]).ToArray();
        string table = string.Join("\n", holders.Select((p, k) => $"{treated.Provinces.Names[p],-14} share {shares[k]:F4} income change {change[k]:E3}"));
        double rho = Spearman(shares, change);
        int falling = change.Count(c => c < 0);
        string summary = $"seed {seed}: national wage index control {control.Industries.WageIndex[s]:F4}, treated {treated.Industries.WageIndex[s]:F4}; " +
                         $"income fell in {falling} of {holders.Length} provinces, mean change {change.Average():E3}, Spearman(share, change) {rho:F3}";
        Console.WriteLine(summary);
        Assert.True(falling >= holders.Length * 9 / 10, $"{summary}\n{table}");
        Assert.True(change.Average() < 0, $"{summary}\n{table}");
        Assert.True(rho < 0, $"{summary}: expected negative\n{table}");
    }

    private static int IndustryIndex(Simulation sim, string name)
    {
        var names = sim.Config.Industries.Select(i => i.Name).ToList();
        int s = names.IndexOf(name);
        Assert.True(s >= 0, $"no industry {name}");
        return s;
    }

    private static double Spearman(double[] x, double[] y)
    {
        var rx = Ranks(x);
        var ry = Ranks(y);
        double mx = rx.Average(), my = ry.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }

    private static double[] Ranks(double[] v)
    {
        var order = Enumerable.Range(0, v.Length).OrderBy(i => v[i]).ToArray();
        var ranks = new double[v.Length];
        for (int k = 0; k < order.Length;)
        {
            int m = k;
            while (m + 1 < order.Length && v[order[m + 1]] == v[order[k]]) m++;
            for (int j = k; j <= m; j++) ranks[order[j]] = (k + m) / 2.0;
            k = m + 1;
        }
        return ranks;
    }
}
