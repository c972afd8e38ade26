namespace AgentSim.Analysis;

/// <summary>One named indicator of a run (or of a scenario-minus-baseline pair).</summary>
public sealed record Indicator(string Name, double Value, string Unit, string Meaning);

/// <summary>
/// The indicators behind the signature results (MODEL.md section 6), computed from one run's series.
/// "Start" is the first year after the burn-in; "end" is the mean over the last five years (20 quarters) of the
/// horizon (MODEL.md v2 section 6: one final year can sit anywhere in a capacity cycle common to all scenarios).
/// </summary>
public static class Indicators
{
    public const string UtilisationStart = "utilisation_start";
    public const string ConsumptionShareStart = "consumption_share_start";
    public const string InvestmentShareStart = "investment_share_start";
    public const string PpiInflationStart = "ppi_inflation_start";
    public const string StrategicUtilisationEnd = "strategic_utilisation_end";
    public const string OtherUtilisationEnd = "other_utilisation_end";
    public const string StrategicUtilisationGap = "strategic_minus_other_utilisation_end";
    public const string StrategicPriceChange = "strategic_price_change";
    public const string LongestFallingSpell = "longest_falling_price_spell";
    public const string StrategicMarginEnd = "strategic_profit_margin_end";
    public const string ZombieShareEnd = "zombie_share_end";
    public const string ConsumptionShareEnd = "consumption_share_end";
    public const string PilotIncomeDid = "pilot_income_growth_did";
    public const string PilotCapexSubsidyChange = "pilot_capex_subsidy_change_did";
    public const string PilotBailoutChange = "pilot_bailout_propensity_change_did";
    public const string PilotWelfareChange = "pilot_welfare_share_change_did";
    public const string NonPilotIncomeGrowthChange = "non_pilot_income_growth_change";
    public const string OtherPriceChange = "other_price_change";
    public const string GdpGrowth = "gdp_growth_annualised";
    public const string IncomeGrowth = "income_per_capita_growth_annualised";
    public const string LocalDebt = "local_debt_to_gdp_end";
    public const string FirmsStart = "firms_start";
    public const string FirmsEnd = "firms_end";

    /// <summary>Quarters averaged for "start" values (the whole run when it is shorter).</summary>
    public const int Year = 4;

    /// <summary>Quarters averaged for "end" values: the last five years (MODEL.md v2 section 6).</summary>
    public const int EndWindow = 20;

    /// <summary>The "end" window of a run of <paramref name="steps"/> quarters: the last 20, or the second half of a shorter run.</summary>
    public static (int From, int To) End(int steps) => (steps - Math.Min(EndWindow, steps / 2), steps);

    /// <summary>Fewest quarters the indicators can be computed from (a start year and an end window of at least a year).</summary>
    public const int MinSteps = 2 * Year;

    /// <summary>
    /// Refuses (<see cref="AgentSim.Model.State.InputException"/>, exit 2) an experiment whose runs are too short for its
    /// indicators: checked before the first run, since the indicators are computed only after the last.
    /// </summary>
    public static void EnsureHorizon(int steps, string what)
    {
        if (steps < MinSteps)
            throw new AgentSim.Model.State.InputException(
                $"{what} needs at least {MinSteps} quarters for its indicators (a start year and an end window), but steps is {steps}; raise steps (--steps)");
    }

    /// <summary>
    /// Every indicator of <see cref="IndicatorCatalog"/> the run has (pilot ones only with pilots and a switch inside
    /// the horizon), in the catalog's order. The one computation behind every surface that shows them.
    /// </summary>
    public static List<Indicator> Compute(RunSeries run)
    {
        int T = run.Steps;
        if (T < 2) throw new ArgumentException($"indicators need at least 2 quarters, the run has {T}");
        var all = Enumerable.Range(0, run.Industries.Length).ToArray();
        var strategic = all.Where(s => run.Strategic[s]).ToArray();
        var other = all.Where(s => !run.Strategic[s]).ToArray();
        var start = (0, Math.Min(Year, T));
        var end = End(T);
        double strategicEnd = Utilisation(run, strategic, end), otherEnd = Utilisation(run, other, end);
        double Annualised(List<double> x) => x[0] > 0 && x[T - 1] > 0 ? Math.Exp(Year * Math.Log(x[T - 1] / x[0]) / (T - 1)) - 1 : double.NaN;
        var values = new List<(string Name, double Value)>
        {
            (UtilisationStart, Utilisation(run, all, start)),
            (ConsumptionShareStart, Mean(run.ConsumptionShare, start)),
            (InvestmentShareStart, Mean(run.InvestmentShare, start)),
            (PpiInflationStart, T > Year ? Math.Pow(run.ProducerPriceIndex[Year] / run.ProducerPriceIndex[0], 1.0 / Year) - 1 : double.NaN),
            (StrategicUtilisationEnd, strategicEnd),
            (OtherUtilisationEnd, otherEnd),
            (StrategicUtilisationGap, strategicEnd - otherEnd),
            (StrategicPriceChange, run.StrategicPriceIndex[T - 1] / run.StrategicPriceIndex[0] - 1),
            (OtherPriceChange, run.NonStrategicPriceIndex[T - 1] / run.NonStrategicPriceIndex[0] - 1),
            (LongestFallingSpell, FallingSpell(run.StrategicPriceIndex)),
            (StrategicMarginEnd, Margin(run, strategic, end)),
            (ZombieShareEnd, ZombieShare(run, end)),
            (ConsumptionShareEnd, Mean(run.ConsumptionShare, end)),
            (GdpGrowth, Annualised(run.GdpReal)),
            (IncomeGrowth, Annualised(run.IncomePerCapitaRealNational)),
            (LocalDebt, Mean(run.LocalDebtToGdp, end)),
            (FirmsStart, run.Firms[0]),
            (FirmsEnd, run.Firms[T - 1]),
        };
        var list = values.Select(v => Of(v.Name, v.Value)).ToList();
        if (run.SwitchStep > 1 && run.SwitchStep < T && run.IsPilot.Any(x => x) && run.IsPilot.Any(x => !x))
            list.AddRange(Pilot(run));
        var order = IndicatorCatalog.All.Select(d => d.Name).ToList();
        return list.OrderBy(i => order.IndexOf(i.Name)).ToList();
    }

    /// <summary>An indicator with the catalog's unit and meaning.</summary>
    public static Indicator Of(string name, double value)
    {
        var d = IndicatorCatalog.Get(name);
        return new Indicator(name, value, d.Unit, d.Meaning);
    }

    /// <summary>
    /// Pilot effects: difference in differences of per-capita real income growth (pilots vs non-pilots, the
    /// quarters after the switch vs as many before, up to 20), and the same for the pilots' levers.
    /// </summary>
    private static IEnumerable<Indicator> Pilot(RunSeries run)
    {
        int t0 = run.SwitchStep;
        int window = Math.Min(20, Math.Min(t0 - 1, run.Steps - t0));
        var pilots = Enumerable.Range(0, run.Provinces.Length).Where(p => run.IsPilot[p]).ToArray();
        var others = Enumerable.Range(0, run.Provinces.Length).Where(p => !run.IsPilot[p]).ToArray();
        double Growth(int[] group, int from, int to) =>
            group.Average(p => (Math.Log(run.IncomePerCapitaReal[to - 1][p]) - Math.Log(run.IncomePerCapitaReal[from - 1][p])) / (to - from));
        double pilotChange = Growth(pilots, t0, t0 + window) - Growth(pilots, t0 - window, t0);
        double otherChange = Growth(others, t0, t0 + window) - Growth(others, t0 - window, t0);
        // Levers: from the switch to the end of the horizon (MODEL.md S4), i.e. the mean over the last 20 quarters
        // (or the post-switch quarters, if fewer) minus the level the quarter before the switch.
        int leverFrom = Math.Max(t0, run.Steps - EndWindow);
        double LeverChange(List<double[]> lever, int[] group) =>
            group.Average(p =>
            {
                double sum = 0;
                for (int t = leverFrom; t < run.Steps; t++) sum += lever[t][p];
                return sum / (run.Steps - leverFrom) - lever[t0 - 1][p];
            });
        yield return Of(PilotIncomeDid, pilotChange - otherChange);
        yield return Of(PilotCapexSubsidyChange, LeverChange(run.CapexSubsidyStrategic, pilots) - LeverChange(run.CapexSubsidyStrategic, others));
        yield return Of(PilotBailoutChange, LeverChange(run.BailoutPropensity, pilots) - LeverChange(run.BailoutPropensity, others));
        yield return Of(PilotWelfareChange, LeverChange(run.WelfareShare, pilots) - LeverChange(run.WelfareShare, others));
        yield return Of(NonPilotIncomeGrowthChange, otherChange);
    }

    public static double Utilisation(RunSeries run, int[] industries, (int From, int To) window)
    {
        double output = 0, capacity = 0;
        for (int t = window.From; t < window.To; t++)
            foreach (int s in industries) { output += run.Output[t][s]; capacity += run.Capacity[t][s]; }
        return capacity > 0 ? output / capacity : 0;
    }

    public static double Margin(RunSeries run, int[] industries, (int From, int To) window)
    {
        double profit = 0, revenue = 0;
        for (int t = window.From; t < window.To; t++)
            foreach (int s in industries) { profit += run.Profit[t][s]; revenue += run.Revenue[t][s]; }
        return revenue > 0 ? profit / revenue : 0;
    }

    public static double Mean(List<double> series, (int From, int To) window)
    {
        double sum = 0;
        for (int t = window.From; t < window.To; t++) sum += series[t];
        return sum / (window.To - window.From);
    }

    public static double ZombieShare(RunSeries run, (int From, int To) window)
    {
        double sum = 0;
        for (int t = window.From; t < window.To; t++) sum += run.Zombies[t] / Math.Max(1, run.Firms[t]);
        return sum / (window.To - window.From);
    }

    public static double FallingSpell(List<double> index)
    {
        int longest = 0, current = 0;
        for (int t = 1; t < index.Count; t++)
        {
            current = index[t] < index[t - 1] ? current + 1 : 0;
            longest = Math.Max(longest, current);
        }
        return longest;
    }
}

/// <summary>Indicators of a scenario relative to the baseline run with the same seed (common random numbers).</summary>
public static class PairedIndicators
{
    public const string ConsumptionShareGap = "consumption_share_end_vs_baseline";
    public const string StrategicUtilisationGap = "strategic_utilisation_end_vs_baseline";
    public const string ZombieShareGap = "zombie_share_end_vs_baseline";
    public const string NonPilotSpillover = "non_pilot_income_growth_vs_baseline";
    public const string TariffExportsChange = "tariff_exports_change";
    public const string TariffPriceChangeVsBaseline = "tariff_domestic_price_change_vs_baseline";
    public const string TariffUtilisationChangeVsBaseline = "tariff_utilisation_change_vs_baseline";
    public const string TradeInDemandDuring = "trade_in_demand_during_vs_baseline";
    public const string TradeInDemandAfter = "trade_in_demand_after_vs_baseline";

    /// <summary>Quarters after an event over which its effects are measured.</summary>
    public const int EventWindow = 8;

    public static List<Indicator> Compute(RunSeries scenario, RunSeries baseline)
    {
        int T = Math.Min(scenario.Steps, baseline.Steps);
        var end = Indicators.End(T);
        var all = Enumerable.Range(0, scenario.Industries.Length).ToArray();
        var strategic = all.Where(s => scenario.Strategic[s]).ToArray();
        var list = new List<Indicator>
        {
            Indicators.Of(ConsumptionShareGap, Indicators.Mean(scenario.ConsumptionShare, end) - Indicators.Mean(baseline.ConsumptionShare, end)),
            Indicators.Of(StrategicUtilisationGap, Indicators.Utilisation(scenario, strategic, end) - Indicators.Utilisation(baseline, strategic, end)),
            Indicators.Of(ZombieShareGap, Indicators.ZombieShare(scenario, end) - Indicators.ZombieShare(baseline, end)),
        };
        if (scenario.SwitchStep > 0 && scenario.SwitchStep < T)
        {
            int t0 = scenario.SwitchStep, window = Math.Min(20, T - t0);
            var others = Enumerable.Range(0, scenario.Provinces.Length).Where(p => !scenario.IsPilot[p]).ToArray();
            double Growth(RunSeries run) => others.Average(p =>
                (Math.Log(run.IncomePerCapitaReal[t0 + window - 1][p]) - Math.Log(run.IncomePerCapitaReal[t0 - 1][p])) / window);
            list.Add(Indicators.Of(NonPilotSpillover, Growth(scenario) - Growth(baseline)));
        }
        foreach (var (industry, from) in scenario.TariffSteps.Take(1))
        {
            int s = scenario.IndustryIndex(industry);
            if (from < 4 || from + EventWindow > T) continue;
            double Exports(RunSeries run, int a, int b) => Enumerable.Range(a, b - a).Average(t => run.Exports[t][s]);
            double PriceChange(RunSeries run) => run.PriceIndex[from + EventWindow - 1][s] / run.PriceIndex[from - 1][s] - 1;
            double UtilChange(RunSeries run) => Indicators.Utilisation(run, [s], (from, from + EventWindow)) - Indicators.Utilisation(run, [s], (from - 4, from));
            list.Add(Indicators.Of(TariffExportsChange, Exports(scenario, from, from + EventWindow) / Exports(scenario, from - 4, from) - 1));
            list.Add(Indicators.Of(TariffPriceChangeVsBaseline, PriceChange(scenario) - PriceChange(baseline)));
            list.Add(Indicators.Of(TariffUtilisationChangeVsBaseline, UtilChange(scenario) - UtilChange(baseline)));
        }
        foreach (var (industries, from, to) in scenario.TradeInSteps.Take(1))
        {
            var idx = industries.Select(scenario.IndustryIndex).ToArray();
            int afterEnd = Math.Min(T, to + 1 + EventWindow);
            if (to + 1 >= afterEnd) continue;
            double Demand(RunSeries run, int a, int b)
            {
                double sum = 0;
                for (int t = a; t < b; t++) foreach (int s in idx) sum += run.DomesticDemand[t][s];
                return sum;
            }
            list.Add(new(TradeInDemandDuring, Demand(scenario, from, to + 1) / Demand(baseline, from, to + 1) - 1, "fraction",
                $"Domestic demand for {string.Join(" and ", industries)} during the programme, relative to baseline."));
            list.Add(new(TradeInDemandAfter, Demand(scenario, to + 1, afterEnd) / Demand(baseline, to + 1, afterEnd) - 1, "fraction",
                $"Domestic demand for {string.Join(" and ", industries)} in the {afterEnd - to - 1} quarters after the programme, relative to baseline (negative: pull-forward)."));
        }
        return list;
    }
}
