using AgentSim.Config;

namespace AgentSim.Analysis;

/// <summary>The part a scenario plays in MODEL.md section 6, read from its config (never from its name).</summary>
public enum ScenarioRole { Baseline, HouseholdIncome, Pilot, Tariff, TradeIn, Other }

/// <summary>
/// One criterion of MODEL.md section 6 (or a calibration band) evaluated on a comparison: the statistic it
/// rests on, its 95% interval over replicates, and whether the criterion holds.
/// </summary>
public sealed record SignatureCheck(string Id, string Criterion, string Scenario, string Measure, double Mean, double Low, double High, bool Holds);

/// <summary>
/// The thresholds of MODEL.md section 6 and the calibration bands of the data README, in one place: <c>compare</c>
/// prints and writes them, and the scenario tests assert them. A criterion is evaluated only when the comparison
/// holds the scenarios it needs; criteria against the baseline also need the baseline to be the reference (first)
/// scenario, so that paired differences are against it.
/// </summary>
public static class SignatureChecks
{
    public static ScenarioRole RoleOf(SimulationConfig config)
    {
        var inc = config.Incentives;
        bool pilots = inc.PilotProvinces.Count > 0 && inc.PilotRule != inc.DefaultRule;
        bool tariff = config.Tariffs.Count > 0, tradeIn = config.TradeIn.Count > 0;
        int events = (pilots ? 1 : 0) + (tariff ? 1 : 0) + (tradeIn ? 1 : 0);
        if (events > 1) return ScenarioRole.Other;
        if (pilots) return inc.DefaultRule == IncentiveRule.Gdp ? ScenarioRole.Pilot : ScenarioRole.Other;
        if (tariff) return inc.DefaultRule == IncentiveRule.Gdp ? ScenarioRole.Tariff : ScenarioRole.Other;
        if (tradeIn) return inc.DefaultRule == IncentiveRule.Gdp ? ScenarioRole.TradeIn : ScenarioRole.Other;
        return inc.DefaultRule switch
        {
            IncentiveRule.Gdp => ScenarioRole.Baseline,
            IncentiveRule.HouseholdIncome => ScenarioRole.HouseholdIncome,
            _ => ScenarioRole.Other,
        };
    }

    /// <summary>Every criterion the comparison can speak to, in MODEL.md order.</summary>
    public static IReadOnlyList<SignatureCheck> Evaluate(CompareResult result, IReadOnlyList<ScenarioSpec> scenarios)
    {
        // The first scenario of each role plays it.
        var byRole = new Dictionary<ScenarioRole, string>();
        foreach (var spec in scenarios) byRole.TryAdd(RoleOf(spec.Config), spec.Name);
        bool baselineIsReference = byRole.TryGetValue(ScenarioRole.Baseline, out var baselineName) && baselineName == result.Reference;
        var checks = new List<SignatureCheck>();

        ReplicateStatistic? Own(ScenarioRole role, string indicator) =>
            byRole.TryGetValue(role, out var name) ? Summary(result, name)?.Statistics.FirstOrDefault(s => s.Name == indicator) : null;
        ReplicateStatistic? VersusBaseline(ScenarioRole role, string indicator) =>
            baselineIsReference && byRole.TryGetValue(role, out var name) ? Summary(result, name)?.VersusReference.FirstOrDefault(s => s.Name == indicator) : null;
        void Add(string id, string criterion, ScenarioRole role, ReplicateStatistic? stat, Func<ReplicateStatistic, bool> holds)
        {
            if (stat is null) return;
            checks.Add(new SignatureCheck(id, criterion, byRole[role], stat.Name, stat.Mean, stat.Low, stat.High, holds(stat)));
        }

        var B = ScenarioRole.Baseline;
        Add("C1", "baseline starts with household consumption 38-41% of GDP", B, Own(B, Indicators.ConsumptionShareStart), s => s.Mean is >= 0.38 and <= 0.41);
        Add("C2", "... investment 40-45% of GDP", B, Own(B, Indicators.InvestmentShareStart), s => s.Mean is >= 0.40 and <= 0.45);
        Add("C3", "... capacity utilisation 73-78%", B, Own(B, Indicators.UtilisationStart), s => s.Mean is >= 0.73 and <= 0.78);
        Add("C4", "... producer-price inflation near zero (|x| <= 1% a quarter)", B, Own(B, Indicators.PpiInflationStart), s => Math.Abs(s.Mean) <= 0.01);

        Add("S1a", "baseline strategic utilisation ends below 75%", B, Own(B, Indicators.StrategicUtilisationEnd), s => s.Mean < 0.75);
        Add("S1b", "... at least 5 points below non-strategic", B, Own(B, Indicators.StrategicUtilisationGap), s => s.Mean <= -0.05);
        Add("S1c", "household-income strategic utilisation ends 5+ points above baseline", ScenarioRole.HouseholdIncome,
            VersusBaseline(ScenarioRole.HouseholdIncome, PairedIndicators.StrategicUtilisationGap), s => s.Mean >= 0.05);

        Add("S2a", "baseline strategic prices fall 15%+ over the horizon", B, Own(B, Indicators.StrategicPriceChange), s => s.Mean <= -0.15);
        if (byRole.TryGetValue(B, out var b))
        {
            var spells = result.Runs.Where(r => r.Scenario == b)
                .Select(r => r.Indicators.FirstOrDefault(i => i.Name == Indicators.LongestFallingSpell)?.Value ?? double.NaN).ToList();
            // Every replicate must show a spell, so the check is on the shortest.
            var spell = Own(B, Indicators.LongestFallingSpell);
            if (spell is not null && spells.Count > 0)
                checks.Add(new SignatureCheck("S2b", "... with spells of 4+ quarters of falling prices (every replicate)", b, spell.Name,
                    spell.Mean, spells.Min(), spells.Max(), spells.All(x => x >= 4)));
        }
        Add("S2c", "... and strategic profit margins approach zero (|margin| <= 5%)", B, Own(B, Indicators.StrategicMarginEnd), s => Math.Abs(s.Mean) <= 0.05);
        Add("S2d", "zombie share higher under baseline than household-income (CI)", ScenarioRole.HouseholdIncome,
            VersusBaseline(ScenarioRole.HouseholdIncome, PairedIndicators.ZombieShareGap), s => s.High < 0);

        Add("S3a", "consumption share starts near 39-40% (38-41%)", B, Own(B, Indicators.ConsumptionShareStart), s => s.Mean is >= 0.38 and <= 0.41);
        Add("S3b", "household-income consumption share ends 5+ points above baseline", ScenarioRole.HouseholdIncome,
            VersusBaseline(ScenarioRole.HouseholdIncome, PairedIndicators.ConsumptionShareGap), s => s.Mean >= 0.05);

        var P = ScenarioRole.Pilot;
        Add("S4a", "pilot DiD of per-capita income growth > 0 (CI excludes 0)", P, Own(P, Indicators.PilotIncomeDid), s => s.Low > 0);
        // A cut is shown like the income DiD: the interval must lie below zero, not just the mean.
        Add("S4b", "pilots cut capex subsidies (DiD of the lever, CI)", P, Own(P, Indicators.PilotCapexSubsidyChange), s => s.High < 0);
        Add("S4c", "pilots cut bailouts (DiD of the lever, CI)", P, Own(P, Indicators.PilotBailoutChange), s => s.High < 0);
        Add("S4d", "spillover on non-pilot provinces reported", P, VersusBaseline(P, PairedIndicators.NonPilotSpillover), s => double.IsFinite(s.Mean));

        var T = ScenarioRole.Tariff;
        Add("S5a", "exports of the tariffed industry fall (CI)", T, VersusBaseline(T, PairedIndicators.TariffExportsChange), s => s.High < 0);
        Add("S5b", "its domestic prices fall faster than in baseline (CI)", T, VersusBaseline(T, PairedIndicators.TariffPriceChangeVsBaseline), s => s.High < 0);
        Add("S5c", "its utilisation drops relative to baseline (CI)", T, VersusBaseline(T, PairedIndicators.TariffUtilisationChangeVsBaseline), s => s.High < 0);

        var R = ScenarioRole.TradeIn;
        Add("S6a", "demand for subsidised industries rises during the programme (CI)", R, VersusBaseline(R, PairedIndicators.TradeInDemandDuring), s => s.Low > 0);
        Add("S6b", "... and dips below baseline after it (CI)", R, VersusBaseline(R, PairedIndicators.TradeInDemandAfter), s => s.High < 0);
        return checks;
    }

    private static ScenarioSummary? Summary(CompareResult result, string scenario) =>
        result.Scenarios.FirstOrDefault(s => s.Scenario == scenario);
}
