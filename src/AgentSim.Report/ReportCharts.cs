using System.Globalization;
using ScottPlot;
using static AgentSim.Report.ChartKit;

namespace AgentSim.Report;

/// <summary>A group of runs with its tables loaded.</summary>
public sealed record LoadedGroup(RunGroup Group, IReadOnlyList<RunData> Runs)
{
    public string Name => Group.Name;
    public int Steps => Runs.Min(r => r.Steps);
    public RunData First => Runs[0];

    public Band Series(Func<RunData, double[]> select) => ReportStatistics.Aggregate(Runs.Select(select).ToList());

    /// <summary>A share across replicates, with a band that stays within [0, 1] (<see cref="ReportStatistics.AggregateShare"/>).</summary>
    public Band ShareSeries(Func<RunData, double[]> select) => ReportStatistics.AggregateShare(Runs.Select(select).ToList());

    /// <summary>A price index rebased to 1 in quarter 0 (the tables' indices are 1 before the burn-in).</summary>
    public Band IndexSeries(Func<RunData, double[]> select) => ReportStatistics.Aggregate(Runs.Select(r => Rebased(select(r))).ToList());

    public static double[] Rebased(double[] index) => index.Select(v => v / index[0]).ToArray();

    public IReadOnlyList<PilotDid> Dids => Runs.Select(ReportStatistics.Did).Where(d => d is not null).Select(d => d!).ToList();
}

/// <summary>The report's charts. Each returns null when the data has nothing to show (e.g. no pilots).</summary>
internal static class ReportCharts
{
    /// <summary>Groups drawn as separate panels (utilisation and prices by industry), at most.</summary>
    public const int MaxPanels = 6;

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string GroupsNote(IReadOnlyList<LoadedGroup> all, IReadOnlyList<LoadedGroup> shown) =>
        shown.Count < all.Count ? Inv($" Only the first {shown.Count} of {all.Count} groups are drawn.") : "";

    private static string BandNote(IReadOnlyList<LoadedGroup> groups, bool shares = false) =>
        groups.Any(g => g.Runs.Count >= MinBandReplicates)
            ? " Lines are means across replicates; shaded bands their 95% intervals" + (shares ? " (" + ReportStatistics.ShareBandMethod + ")." : " (Student t).")
        : groups.Any(g => g.Runs.Count > 1) ? " Lines are means across replicates (bands need 3 or more replicates)." : "";

    /// <summary>The signature results in four panels: the chart for the README.</summary>
    public static Chart Headline(IReadOnlyList<LoadedGroup> groups)
    {
        var shown = groups.Take(MaxOverlaid).ToList();
        bool single = shown.Count == 1;
        var util = NewPlot("Capacity utilisation", "quarter after the burn-in", "output / capacity (%)");
        var price = NewPlot("Producer prices", "quarter after the burn-in", "price index (quarter 0 = 1)");
        var share = NewPlot("Household consumption / GDP", "quarter after the burn-in", "share of GDP (%)");
        var zombie = NewPlot("Zombie firms", "quarter after the burn-in", "share of firms alive (%)");
        for (int g = 0; g < shown.Count; g++)
        {
            var group = shown[g];
            var x = Steps(group.Steps);
            string Name(string what) => single ? what : $"{group.Name}: {what}";
            var c0 = single ? ColorAt(0) : ColorAt(g);
            var c1 = single ? ColorAt(1) : ColorAt(g);
            BandLine(util, x, group.ShareSeries(r => r.GroupUtilisation(true)), c0, Name("strategic"), 100);
            BandLine(util, x, group.ShareSeries(r => r.GroupUtilisation(false)), c1, Name("other"), 100, LinePattern.Dashed);
            BandLine(price, x, group.IndexSeries(r => r.StrategicPriceIndex), c0, Name("strategic"));
            BandLine(price, x, group.IndexSeries(r => r.NonStrategicPriceIndex), c1, Name("other"), 1, LinePattern.Dashed);
            BandLine(share, x, group.ShareSeries(r => r.ConsumptionShare), ColorAt(g), single ? null : group.Name, 100);
            BandLine(zombie, x, group.ShareSeries(r => r.ZombieShare()), ColorAt(g), single ? null : group.Name, 100);
        }
        price.Add.HorizontalLine(1, 1, Colors.Gray, LinePattern.Dotted);
        foreach (var p in new[] { util, price, share, zombie }) Legend(p, below: true);
        var png = Render([util, price, share, zombie], 2, 1200, 860);
        return new Chart("headline", "The signature results",
            "Four panels, quarter by quarter after the burn-in. Top left: capacity utilisation (output / capacity) of the strategic "
            + "industries (solid) and the others (dashed): overbuilding shows as strategic utilisation falling below the others'. "
            + "Top right: producer price indices, 1 in quarter 0: a price war shows as a sustained fall of strategic prices. "
            + "Bottom left: household consumption as a share of GDP. Bottom right: share of firms that are zombies (negative equity "
            + "for several quarters yet still alive, often because of bailouts)." + BandNote(shown, shares: true) + GroupsNote(groups, shown),
            png, 1200, 860);
    }

    /// <summary>Utilisation (or price index) by industry: one panel per group in a comparison, else the first group.</summary>
    public static Chart ByIndustry(IReadOnlyList<LoadedGroup> groups, bool prices, bool panelPerGroup)
    {
        var shown = panelPerGroup ? groups.Take(MaxPanels).ToList() : [groups[0]];
        var plots = new List<Plot>();
        foreach (var group in shown)
        {
            string title = shown.Count > 1 || groups.Count > 1 ? group.Name : (prices ? "Price index by industry" : "Capacity utilisation by industry");
            var plot = NewPlot(title, "quarter after the burn-in", prices ? "price index (quarter 0 = 1)" : "output / capacity (%)");
            var x = Steps(group.Steps);
            var first = group.First;
            for (int s = 0; s < first.Industries.Length; s++)
            {
                int si = s;
                var band = prices ? group.IndexSeries(r => r.PriceIndex[si]) : group.Series(r => r.Utilisation[si]);
                string label = Words(first.Industries[s]) + (first.Strategic[s] ? " (strategic)" : "");
                Line(plot, x, band.Mean.Select(v => prices ? v : 100 * v).ToArray(), ColorAt(s), label, first.Strategic[s] ? LinePattern.Solid : LinePattern.Dashed, first.Strategic[s] ? 2.5f : 1.5f);
            }
            if (prices) plot.Add.HorizontalLine(1, 1, Colors.Gray, LinePattern.Dotted);
            Legend(plot);
            plots.Add(plot);
        }
        int columns = plots.Count > 1 ? 2 : 1;
        int rows = (plots.Count + columns - 1) / columns;
        int width = columns == 1 ? Width : 1400, height = rows == 1 ? Height : 460 * rows;
        var png = plots.Count == 1 ? Render(plots[0], width, height) : Render(plots, columns, width, height);
        string scope = shown.Count == 1 && groups.Count > 1 ? Inv($" Shown for '{shown[0].Name}', the first of {groups.Count} groups.")
            : shown.Count < groups.Count ? Inv($" One panel per group, the first {shown.Count} of {groups.Count}.")
            : shown.Count > 1 ? " One panel per group." : "";
        string multi = groups[0].Runs.Count > 1 || shown.Any(g => g.Runs.Count > 1) ? " Lines are means across replicates." : "";
        return prices
            ? new Chart("prices-by-industry", "Price index by industry",
                "Sales-weighted price of each industry relative to its price in quarter 0 (industries.parquet price_index, which is 1 "
                + "before the burn-in, divided by its quarter-0 value). "
                + "Strategic industries are solid, the others dashed; the dotted line marks the starting price. Falling lines are "
                + "deflation; a steeper fall in the strategic industries than the others is the price war that follows subsidised "
                + "overbuilding, partly offset by learning-curve cost declines." + scope + multi, png, width, height)
            : new Chart("utilisation-by-industry", "Capacity utilisation by industry",
                "Output as a share of capacity for each industry (industries.parquet, utilisation). Strategic industries are solid, "
                + "the others dashed. Utilisation falls when capacity is added faster than demand grows; persistent gaps between "
                + "strategic and other industries are the overcapacity the incentives produce." + scope + multi, png, width, height);
    }

    public static Chart ConsumptionShare(IReadOnlyList<LoadedGroup> groups)
    {
        var (figure, width, height, count) = SeriesOrPanels(groups, g => g.Name, "Household consumption / GDP", "quarter after the burn-in", "share of GDP (%)",
            (plot, group, g, legend) => BandLine(plot, Steps(group.Steps), group.ShareSeries(r => r.ConsumptionShare), ColorAt(g), legend ? group.Name : null, 100));
        var shown = groups.Take(count).ToList();
        return new Chart("consumption-share", "Consumption share of GDP",
            "National household consumption as a share of GDP, each quarter (nation.parquet, consumption_share). A low and falling "
            + "share is the demand side of the imbalance: income that goes to investment, subsidies and firms' retained profits "
            + "is not spent by households." + PanelNote(groups) + BandNote(shown, shares: true) + GroupsNote(groups, shown), figure, width, height);
    }

    private static string PanelNote(IReadOnlyList<LoadedGroup> groups) =>
        groups.Count > MaxOverlaid ? Inv($" More than {MaxOverlaid} groups: one panel per group, on a common vertical scale.") : "";

    public static Chart GrowthByRule(IReadOnlyList<LoadedGroup> groups)
    {
        var shown = groups.Take(MaxOverlaid).ToList();
        bool single = shown.Count == 1;
        var gdp = NewPlot("Real GDP growth by incentive rule", "quarter after the burn-in", "year-on-year log growth (%)");
        var income = NewPlot("Real household income per capita growth by incentive rule", "quarter after the burn-in", "year-on-year log growth (%)");
        var rules = shown.SelectMany(g => g.Runs.SelectMany(r => r.Rules)).Distinct().ToList();
        for (int g = 0; g < shown.Count; g++)
        {
            var group = shown[g];
            var x = Steps(group.Steps);
            foreach (var rule in group.Runs.SelectMany(r => r.Rules).Distinct())
            {
                int k = rules.IndexOf(rule);
                var color = single ? ColorAt(k) : ColorAt(g);
                var pattern = single ? LinePattern.Solid : PatternAt(k);
                string label = single ? Words(rule) + " rule" : $"{group.Name}: {Words(rule)} rule";
                BandLine(gdp, x, group.Series(r => r.GrowthByRule(rule, r.ProvinceGdpReal)), color, label, 100, pattern);
                BandLine(income, x, group.Series(r => r.GrowthByRule(rule, r.IncomePerCapitaReal)), color, label, 100, pattern);
            }
        }
        gdp.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dotted);
        income.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dotted);
        Legend(gdp, below: true);
        Legend(income, below: true);
        return new Chart("growth-by-rule", "GDP and household income growth by incentive rule",
            "Left: growth of provincial real GDP over the same quarter a year earlier (log change, provinces.parquet gdp_real); right: "
            + "the same for real household disposable income per resident (household_income_per_capita_real). Each line averages "
            + "the provinces whose official is scored under that rule in that quarter (gdp, household_income or mixed), unweighted. "
            + "Under the GDP rule officials push investment; under the income rule they shift toward welfare and away from "
            + "capex subsidies and bailouts." + (single ? "" : " Colours are groups, line patterns rules.") + BandNote(shown)
            + GroupsNote(groups, shown), Render([gdp, income], 2, 1400, 620), 1400, 620);
    }

    public static Chart? PilotPaths(IReadOnlyList<LoadedGroup> groups, out IReadOnlyList<(string Group, Estimate Estimate, PilotDid First)> estimates)
    {
        var list = new List<(string, Estimate, PilotDid)>();
        estimates = list;
        var withPilots = groups.Where(g => g.Dids.Count > 0).Take(MaxOverlaid).ToList();
        if (withPilots.Count == 0) return null;
        var plot = NewPlot("Pilot vs non-pilot provinces: real income per capita", "quarter after the burn-in", "log change since the quarter before the switch (%)");
        bool single = withPilots.Count == 1;
        var spans = new HashSet<int>();
        for (int g = 0; g < withPilots.Count; g++)
        {
            var group = withPilots[g];
            var runs = group.Runs.Where(r => ReportStatistics.Did(r) is not null).ToList();
            int t0 = runs[0].SwitchStep;
            double[] Path(RunData r, bool pilots)
            {
                var logs = r.ProvinceMean(r.IncomePerCapitaReal.Select(row => row.Select(v => Math.Log(v)).ToArray()).ToArray(), pilots);
                return logs.Select(v => 100 * (v - logs[t0 - 1])).ToArray();
            }
            var x = Steps(runs.Min(r => r.Steps));
            var pilot = ReportStatistics.Aggregate(runs.Select(r => Path(r, true)).ToList());
            var other = ReportStatistics.Aggregate(runs.Select(r => Path(r, false)).ToList());
            BandLine(plot, x, pilot, single ? ColorAt(3) : ColorAt(g), single ? "pilots" : $"{group.Name}: pilots");
            BandLine(plot, x, other, single ? ColorAt(0) : ColorAt(g), single ? "non-pilots" : $"{group.Name}: non-pilots", 1, LinePattern.Dashed);
            if (spans.Add(t0)) plot.Add.VerticalLine(t0 - 0.5, 1.5f, Colors.Black, LinePattern.Dotted);
            var estimate = ReportStatistics.DidEstimate(group.Dids)!;
            list.Add((group.Name, estimate, group.Dids[0]));
        }
        Legend(plot);
        var first = list[0];
        plot.Title(Inv($"Pilot vs non-pilot provinces: DiD {FormatDid(first.Item2)}{(single ? "" : $" ({first.Item1})")}"), 15);
        string text = string.Join(" ", list.Select(e => Inv(
            $"{(single ? "Estimate" : $"'{e.Item1}'")}: {FormatDid(e.Item2)}; switch at quarter {e.Item3.SwitchStep}, {e.Item3.Window} quarters either side; interval: {e.Item2.Method}.")));
        return new Chart("pilot-did", "Pilot vs non-pilot provinces (difference in differences)",
            "Mean log real household income per resident of the pilot provinces (solid) and the others (dashed), relative to the "
            + "quarter before the pilots switch incentive rule (dotted vertical line). The difference in differences is the pilots' "
            + "change in mean quarterly log income growth (the window after the switch minus as many quarters before, up to 20) "
            + "minus the non-pilots' change; positive means the new rule raised income growth relative to the other provinces. "
            + "Values are in percentage points of quarterly growth. " + text, Render(plot), Width, Height);
    }

    public static string FormatDid(Estimate e) =>
        e.HasInterval
            ? Inv($"{100 * e.Value:+0.000;-0.000} pp/quarter [95% CI {100 * e.Low:+0.000;-0.000}, {100 * e.High:+0.000;-0.000}]")
            : Inv($"{100 * e.Value:+0.000;-0.000} pp/quarter");

    public static Chart ZombieShare(IReadOnlyList<LoadedGroup> groups)
    {
        bool single = groups.Count == 1;
        var (figure, width, height, count) = SeriesOrPanels(groups, g => g.Name, "Zombie share of firms", "quarter after the burn-in", "share of firms alive (%)",
            (plot, group, g, overlaid) =>
            {
                var x = Steps(group.Steps);
                string prefix = overlaid ? group.Name + ": " : "";
                BandLine(plot, x, group.ShareSeries(r => r.ZombieShare()), ColorAt(g), prefix + "all industries", 100);
                BandLine(plot, x, group.ShareSeries(r => r.ZombieShare(true)), overlaid ? ColorAt(g) : ColorAt(1), prefix + "strategic", 100, LinePattern.Dashed);
            });
        var shown = groups.Take(count).ToList();
        return new Chart("zombie-share", "Zombie share",
            "Share of alive firms that have had negative equity for at least entry_exit.zombie_quarters quarters (industries.parquet: "
            + "zombies / firms), over all industries (solid) and the strategic ones (dashed). Zombies survive because provinces bail "
            + "them out to protect employment and GDP; they keep capacity in the market and prices down." + PanelNote(groups)
            + BandNote(shown, shares: true) + GroupsNote(groups, shown), figure, width, height);
    }

    public static Chart Levers(IReadOnlyList<LoadedGroup> groups)
    {
        var shown = groups.Take(MaxOverlaid).ToList();
        bool single = shown.Count == 1;
        // Share: a fraction of a whole, whose band stays within [0, 1] (the caption says how).
        var panels = new (string Title, string Y, bool Share, Func<RunData, double[][]> Values)[]
        {
            ("Capex subsidy, strategic industries", "rate (share of capex)", true, r => r.CapexLever(true)),
            ("Capex subsidy, other industries", "rate (share of capex)", true, r => r.CapexLever(false)),
            ("Production subsidy", "rate (share of revenue)", true, r => Lever(r, "production_subsidy")),
            ("Bailout propensity", "index", false, r => Lever(r, "bailout_propensity")),
            ("Welfare share", "share of programme spending", true, r => Lever(r, "welfare_share")),
            ("Credit easing", "index", false, r => Lever(r, "credit_easing")),
        };
        var plots = new List<Plot>();
        foreach (var (title, y, isShare, values) in panels)
        {
            var plot = NewPlot(title, "quarter after the burn-in", y);
            Band Aggregate(LoadedGroup group, Func<RunData, double[]> select) => isShare ? group.ShareSeries(select) : group.Series(select);
            for (int g = 0; g < shown.Count; g++)
            {
                var group = shown[g];
                var x = Steps(group.Steps);
                bool pilots = group.First.HasPilots;
                string prefix = single ? "" : group.Name + ": ";
                if (pilots)
                {
                    BandLine(plot, x, Aggregate(group, r => r.ProvinceMean(values(r), true)), single ? ColorAt(3) : ColorAt(g), prefix + "pilots");
                    BandLine(plot, x, Aggregate(group, r => r.ProvinceMean(values(r), false)), single ? ColorAt(0) : ColorAt(g), prefix + "non-pilots", 1, LinePattern.Dashed);
                }
                else
                {
                    BandLine(plot, x, Aggregate(group, r => r.ProvinceMean(values(r), null)), ColorAt(g), single ? null : group.Name);
                }
            }
            Legend(plot, below: true);
            plots.Add(plot);
        }
        return new Chart("levers", "Officials' levers over time",
            "The policy levers the provincial officials set each year (provinces.parquet lever_* columns), averaged over provinces: "
            + "capex subsidy rates (mean over the strategic and the other industries), the production subsidy, the propensity to "
            + "bail out failing firms, the welfare share of programme spending and credit easing. Officials imitate the levers of "
            + "peers who score well under their rule and experiment around them, so the levers drift toward whatever the rule rewards."
            + (shown.Any(g => g.First.HasPilots) ? " Pilot provinces are solid, the others dashed." : "")
            + BandNote(shown) + (shown.Any(g => g.Runs.Count >= MinBandReplicates) ? " For the rates and the welfare share, " + ReportStatistics.ShareBandMethod + "." : "")
            + GroupsNote(groups, shown),
            Render(plots, 3, 1500, 900), 1500, 900);
    }

    private static double[][] Lever(RunData r, string name) =>
        r.Levers.TryGetValue(name, out var v) ? v : Enumerable.Range(0, r.Steps).Select(_ => new double[r.Provinces.Length].Select(_ => double.NaN).ToArray()).ToArray();

    /// <summary>
    /// For a sweep: each indicator against one swept parameter, a panel per indicator, titled with the indicator's label
    /// and unit. Values sit in the sweep's own order: numbers sorted as numbers, other values in the order of the plan
    /// (summary.parquet's run order) or, without it, in natural order (p1, p3, p10 rather than p1, p10, p3).
    /// </summary>
    public static Chart SweepParameter(SweepData sweep, string parameter, int index)
    {
        var indicators = sweep.Indicators.Take(12).ToList();
        var plots = new List<Plot>();
        var values = sweep.Points.Select(p => p.Parameters[parameter]).ToList();
        bool numeric = values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var categories = SweepOrder(sweep, parameter);
        double X(string v) => numeric ? double.Parse(v, CultureInfo.InvariantCulture) : categories.IndexOf(v);
        // Lines by the values of another swept parameter when it has few values; else one line of means.
        string? by = sweep.Parameters.Where(p => p != parameter)
            .FirstOrDefault(p => sweep.Points.Select(x => x.Parameters[p]).Distinct().Count() is > 1 and <= MaxOverlaid);
        var byValues = by is null ? [""] : SweepOrder(sweep, by);
        string xLabel = ParameterLabel(parameter);
        foreach (var indicator in indicators)
        {
            var definition = AgentSim.Analysis.IndicatorCatalog.Find(indicator);
            double scale = definition is null ? 1 : AgentSim.Analysis.IndicatorCatalog.Scale(definition.Format);
            string unit = definition is null ? "" : AgentSim.Analysis.IndicatorCatalog.DisplayUnit(definition.Format, definition.Unit);
            var plot = NewPlot(definition?.Label ?? indicator, xLabel, unit, quarters: false);
            plot.Axes.Title.Label.FontSize = 13;
            var px = sweep.Points.Select(p => X(p.Parameters[parameter])).ToArray();
            var py = sweep.Points.Select(p => p.Values.TryGetValue(indicator, out var v) ? scale * v : double.NaN).ToArray();
            var (fx, fy) = Finite(px, py);
            if (fx.Length > 0)
            {
                var runs = plot.Add.Markers(fx, fy, MarkerShape.OpenCircle, 5, Colors.Gray.WithAlpha(0.7));
                runs.LegendText = "runs";
            }
            for (int b = 0; b < byValues.Count; b++)
            {
                var subset = sweep.Points.Where(p => by is null || p.Parameters[by] == byValues[b]).ToList();
                var means = categories.Select(c => subset.Where(p => p.Parameters[parameter] == c)
                    .Select(p => p.Values.TryGetValue(indicator, out var v) ? scale * v : double.NaN).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average()).ToArray();
                var line = Line(plot, categories.Select(X).ToArray(), means, ColorAt(b), by is null ? "mean" : $"{ParameterLabel(by)} = {byValues[b]}", PatternAt(b));
                if (line is not null) line.MarkerSize = 7;
            }
            if (!numeric)
                plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                    categories.Select((_, i) => (double)i).ToArray(), categories.ToArray());
            Legend(plot, below: true);
            plots.Add(plot);
        }
        int columns = Math.Min(3, plots.Count);
        int rows = (plots.Count + columns - 1) / columns;
        int width = 1500, height = Math.Max(460, 420 * rows);
        return new Chart($"sweep-{index}-{Slug(parameter)}", $"Headline indicators against {xLabel}",
            Inv($"Each panel is one headline indicator ({sweep.Source}) against the swept parameter {parameter}, its values in the sweep's order")
            + (numeric ? " (as numbers)." : ".") + " Grey circles are "
            + "single runs (every replicate and every value of the other parameters); lines join the mean at each value"
            + (by is null ? "." : $", one line per value of {by}.")
            + " A steep line means the indicator is sensitive to the parameter; spread of the circles at one value is seed noise "
            + "and the effect of the other parameters.", plots.Count == 1 ? Render(plots[0], 900, 560) : Render(plots, columns, width, height),
            plots.Count == 1 ? 900 : width, plots.Count == 1 ? 560 : height);
    }

    /// <summary>The values of a swept parameter in the sweep's order (see <see cref="SweepParameter"/>).</summary>
    public static List<string> SweepOrder(SweepData sweep, string parameter)
    {
        var values = sweep.Points.Select(p => p.Parameters[parameter]).Distinct().ToList();
        bool numeric = values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        if (numeric) return values.OrderBy(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        return sweep.PlanOrder ? values : values.OrderBy(v => v, NaturalOrder.Instance).ToList();
    }

    /// <summary>A config key as an axis title: its last part in words, with the key itself for reference.</summary>
    public static string ParameterLabel(string key)
    {
        string last = key[(key.LastIndexOf('.') + 1)..].Replace('_', ' ');
        return last == key ? key : $"{last} ({key})";
    }

    /// <summary>
    /// The event study of pilot scenarios (MODEL.md S4): pilot minus non-pilot mean log real income per resident by year
    /// relative to the switch, against year -1, to the end of the horizon, with its 95% band over replicates.
    /// </summary>
    public static Chart? EventStudy(IReadOnlyList<LoadedGroup> groups)
    {
        var withPilots = groups.Select(g => (Group: g, Studies: g.Runs.Select(ReportStatistics.EventStudy).Where(e => e is not null).Select(e => e!.Value).ToList()))
            .Where(x => x.Studies.Count > 0).Take(MaxOverlaid).ToList();
        if (withPilots.Count == 0) return null;
        var plot = NewPlot("Pilot minus non-pilot provinces: real income per resident", "years relative to the switch (0 = the switch quarter and the three after it)",
            "gap in mean log income, against year -1 (%)", quarters: true);
        plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dotted);
        plot.Add.VerticalLine(-0.5, 1.5f, Colors.Black, LinePattern.Dotted);
        bool single = withPilots.Count == 1;
        var notes = new List<string>();
        for (int g = 0; g < withPilots.Count; g++)
        {
            var (group, studies) = withPilots[g];
            int first = studies.Max(s => s.Years[0]), last = studies.Min(s => s.Years[^1]);
            var years = Enumerable.Range(first, last - first + 1).ToArray();
            var gaps = studies.Select(s => years.Select(k => 100 * s.Gap[Array.IndexOf(s.Years, k)]).ToArray()).ToList();
            var band = ReportStatistics.Aggregate(gaps);
            var x = years.Select(k => (double)k).ToArray();
            BandLine(plot, x, band, ColorAt(g), single ? "pilots minus non-pilots" : group.Name);
            plot.Add.Markers(x, band.Mean, MarkerShape.FilledCircle, 6, ColorAt(g));
            int peak = Array.IndexOf(band.Mean, band.Mean.Where(double.IsFinite).DefaultIfEmpty(0).Max());
            string interval = band.Replicates >= MinBandReplicates ? Inv($" [95% CI {band.Low[^1]:+0.00;-0.00}, {band.High[^1]:+0.00;-0.00}]") : "";
            string who = single ? "The gap" : $"'{group.Name}'";
            notes.Add(Inv($"{who} peaks at {band.Mean[peak]:+0.00;-0.00}% in year {years[peak]} and is {band.Mean[^1]:+0.00;-0.00}% in year {years[^1]}")
                + interval + Inv($" ({studies.Count} run{(studies.Count == 1 ? "" : "s")})."));
        }
        Legend(plot);
        string bands = withPilots.Any(x => x.Studies.Count >= MinBandReplicates)
            ? " Shaded bands are 95% Student-t intervals across replicates (the replicates share seeds across scenarios)."
            : " With fewer than 3 replicates no band is drawn: run replicates for inference.";
        return new Chart("event-study", "Event study: pilot minus non-pilot income, by year relative to the switch",
            "For each run: the pilots' mean log real household income per resident minus the non-pilots' (provinces.parquet "
            + "household_income_per_capita_real), averaged over each year relative to the switch of incentive rule (complete years "
            + "only) and measured against year -1, in percent (100 x log points). Positive values mean the pilots gained relative to "
            + "the other provinces; the last years show whether the gain lasts to the end of the horizon." + bands + " " + string.Join(" ", notes),
            Render(plot), Width, Height);
    }

    /// <summary>The indicators behind the signature results as time paths, a panel each, one line per scenario with its band.</summary>
    private static readonly (string Title, string Y, bool Share, bool Index, Func<RunData, double[]> Values)[] PathPanels =
    [
        ("Household consumption / GDP", "share of GDP (%)", true, false, r => r.ConsumptionShare),
        ("Utilisation, strategic industries", "output / capacity (%)", true, false, r => r.GroupUtilisation(true)),
        ("Utilisation, other industries", "output / capacity (%)", true, false, r => r.GroupUtilisation(false)),
        ("Strategic producer prices", "price index (quarter 0 = 1)", false, true, r => r.StrategicPriceIndex),
        ("Zombie share of firms", "share of firms alive (%)", true, false, r => r.ZombieShare()),
        ("Real household income per resident", "index (quarter 0 = 1)", false, true, r => r.RealIncomePerCapita()),
    ];

    /// <summary>
    /// For comparisons: each signature indicator's time path per scenario with its 95% band over replicates (MODEL.md
    /// section 6: no criterion hangs on one window), the "end" window shaded. The README chart.
    /// </summary>
    public static Chart? TimePaths(IReadOnlyList<LoadedGroup> groups)
    {
        // One line per group: for 2 to 6 groups (a comparison or a small sweep); a larger sweep has its indicator charts.
        if (groups.Count < 2 || groups.Count > MaxOverlaid) return null;
        var shown = groups.ToList();
        int steps = shown.Min(g => g.Steps);
        var (endFrom, endTo) = AgentSim.Analysis.Indicators.End(steps);
        var plots = new List<Plot>();
        foreach (var (title, y, share, index, values) in PathPanels)
        {
            var plot = NewPlot(title, "quarter after the burn-in", y);
            plot.Axes.Title.Label.FontSize = 14;
            var span = plot.Add.HorizontalSpan(endFrom - 0.5, endTo - 0.5);
            span.FillStyle.Color = Colors.Gray.WithAlpha(0.12);
            span.LineStyle.Width = 0;
            for (int g = 0; g < shown.Count; g++)
            {
                var group = shown[g];
                var band = share ? group.ShareSeries(values) : index ? group.IndexSeries(values) : group.Series(values);
                BandLine(plot, Steps(group.Steps), band, ColorAt(g), group.Name, share ? 100 : 1, PatternAt(g));
            }
            if (index) plot.Add.HorizontalLine(1, 1, Colors.Gray, LinePattern.Dotted);
            Legend(plot, below: true);
            plots.Add(plot);
        }
        return new Chart("time-paths", "Time paths by scenario",
            "Each panel is one indicator behind the signature results (MODEL.md section 6), quarter by quarter, one line per scenario "
            + Inv($"(colour and line pattern). The grey span is the \"end\" window the indicators average over (quarters {endFrom}-{endTo - 1}, ")
            + "the last 20 quarters), so whether a criterion holds can be read against the whole path. Prices and income are "
            + "indices, 1 in quarter 0." + BandNote(shown) + (shown.Any(g => g.Runs.Count >= MinBandReplicates) ? " For the shares, " + ReportStatistics.ShareBandMethod + "." : ""),
            Render(plots, 3, 1500, 900), 1500, 900);
    }

    /// <summary>An identifier as words for a legend: "solar_pv" becomes "solar pv", "household_income" "household income".</summary>
    public static string Words(string identifier) => identifier.Replace('_', ' ');

    public static string Slug(string text) =>
        new string(text.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray()).Trim('-');
}
