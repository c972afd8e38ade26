using System.Globalization;

namespace AgentSim.Analysis;

/// <summary>How an indicator's value is shown to people (scripts get the raw number).</summary>
public enum IndicatorFormat
{
    /// <summary>A fraction shown as a percentage: 0.412 → "41.2%".</summary>
    Percent,

    /// <summary>A relative change shown with its sign: -0.53 → "-53.0%".</summary>
    SignedPercent,

    /// <summary>A difference of two fractions: 0.05 → "+5.0 pp".</summary>
    PercentagePoints,

    /// <summary>A difference of mean quarterly log growth: 0.0012 → "+0.120 pp/quarter".</summary>
    LogPointsPerQuarter,

    /// <summary>A count of quarters.</summary>
    Quarters,

    /// <summary>A count of things (firms).</summary>
    Count,

    /// <summary>A lever value or rate in its own unit, three decimals.</summary>
    Number,
}

/// <summary>
/// One indicator, defined once: its snake_case name (Parquet columns, <c>--raw</c>), the label people read, its
/// unit, the formula and the window of quarters it is computed over.
/// </summary>
public sealed record IndicatorDefinition(string Name, string Label, string Unit, string Formula, string Window, IndicatorFormat Format)
{
    /// <summary>The value as people read it, in the indicator's format ("n/a" when not finite).</summary>
    public string FormatValue(double value) => IndicatorCatalog.FormatValue(value, Format);

    /// <summary>Formula and window in one sentence (summary.parquet's "meaning" column, the report's tooltips).</summary>
    public string Meaning => $"{Formula}; {Window}.";
}

/// <summary>
/// Every indicator of AgentSim, defined once. The run summary, <c>--replicates</c>, <c>compare</c>, <c>sweep</c>,
/// <c>report</c> and the notebook compute them with <see cref="Indicators"/> and show them with these labels.
/// Windows: "start" is the first year (quarters 0–3 after the burn-in); "end" is the mean over the last 20 quarters
/// (<see cref="Indicators.End"/>, MODEL.md v2 section 6); changes over the run are from quarter 0 to the last quarter.
/// </summary>
public static class IndicatorCatalog
{
    private const string StartWindow = "first year (quarters 0-3)";
    private const string EndWindow = "mean over the last 20 quarters (the second half of a run shorter than 40)";
    private const string Horizon = "quarter 0 to the last quarter";
    private const string Switch = "up to 20 quarters before and after the pilots' switch";
    private const string SwitchToEnd = "the quarter before the switch to the mean of the last 20 quarters (or the post-switch quarters, if fewer)";

    public static readonly IReadOnlyList<IndicatorDefinition> All =
    [
        new(Indicators.ConsumptionShareStart, "household consumption / GDP, first year", "fraction", "national household consumption / GDP, mean of the quarterly ratios", StartWindow, IndicatorFormat.Percent),
        new(Indicators.ConsumptionShareEnd, "household consumption / GDP, end", "fraction", "national household consumption / GDP, mean of the quarterly ratios", EndWindow, IndicatorFormat.Percent),
        new(Indicators.InvestmentShareStart, "investment / GDP, first year", "fraction", "national investment / GDP, mean of the quarterly ratios", StartWindow, IndicatorFormat.Percent),
        new(Indicators.UtilisationStart, "capacity utilisation, all industries, first year", "fraction", "output / capacity summed over all modelled industries", StartWindow, IndicatorFormat.Percent),
        new(Indicators.PpiInflationStart, "producer-price inflation, first year", "fraction per quarter", "(PPI in quarter 4 / PPI in quarter 0)^(1/4) - 1", StartWindow, IndicatorFormat.SignedPercent),
        new(Indicators.StrategicUtilisationEnd, "utilisation, strategic industries, end", "fraction", "output / capacity summed over the strategic industries", EndWindow, IndicatorFormat.Percent),
        new(Indicators.OtherUtilisationEnd, "utilisation, other industries, end", "fraction", "output / capacity summed over the non-strategic industries", EndWindow, IndicatorFormat.Percent),
        new(Indicators.StrategicUtilisationGap, "utilisation, strategic minus other industries, end", "fraction", "strategic minus non-strategic utilisation", EndWindow, IndicatorFormat.PercentagePoints),
        new(Indicators.StrategicPriceChange, "strategic producer prices, change over the run", "fraction", "strategic producer price index in the last quarter / in quarter 0 - 1", Horizon, IndicatorFormat.SignedPercent),
        new(Indicators.OtherPriceChange, "other producer prices, change over the run", "fraction", "non-strategic producer price index in the last quarter / in quarter 0 - 1", Horizon, IndicatorFormat.SignedPercent),
        new(Indicators.LongestFallingSpell, "longest spell of falling strategic prices", "quarters", "longest run of consecutive quarters in which the strategic producer price index falls", Horizon, IndicatorFormat.Quarters),
        new(Indicators.StrategicMarginEnd, "profit margin, strategic industries, end", "fraction", "profit / revenue summed over the strategic industries", EndWindow, IndicatorFormat.Percent),
        new(Indicators.ZombieShareEnd, "zombie share of firms, end", "fraction", "zombies / firms alive, mean of the quarterly ratios", EndWindow, IndicatorFormat.Percent),
        new(Indicators.GdpGrowth, "real GDP growth, annualised", "fraction per year", "(national real GDP in the last quarter / in quarter 0)^(4 / (quarters - 1)) - 1", Horizon, IndicatorFormat.SignedPercent),
        new(Indicators.IncomeGrowth, "real income per capita growth, annualised", "fraction per year", "(national real household income per resident in the last quarter / in quarter 0)^(4 / (quarters - 1)) - 1", Horizon, IndicatorFormat.SignedPercent),
        new(Indicators.LocalDebt, "local government debt / GDP, end", "fraction of annual GDP", "local government debt of all provinces / (4 x quarterly GDP), mean of the quarterly ratios", EndWindow, IndicatorFormat.Percent),
        new(Indicators.FirmsStart, "firms alive, first quarter", "firms", "firms alive at the end of quarter 0", "quarter 0", IndicatorFormat.Count),
        new(Indicators.FirmsEnd, "firms alive, last quarter", "firms", "firms alive at the end of the last quarter", "the last quarter", IndicatorFormat.Count),
        new(Indicators.PilotIncomeDid, "pilot income growth, difference in differences", "log points per quarter",
            "mean quarterly log growth of real household income per resident after the switch minus before, pilots minus non-pilots", Switch, IndicatorFormat.LogPointsPerQuarter),
        new(Indicators.PilotCapexSubsidyChange, "pilots' capex subsidy (strategic), difference in differences", "rate",
            "change of the mean capex subsidy rate on strategic industries, pilots minus non-pilots", SwitchToEnd, IndicatorFormat.Number),
        new(Indicators.PilotBailoutChange, "pilots' bailout propensity, difference in differences", "propensity",
            "change of the bailout propensity, pilots minus non-pilots", SwitchToEnd, IndicatorFormat.Number),
        new(Indicators.PilotWelfareChange, "pilots' welfare share, difference in differences", "share",
            "change of the welfare share of programme spending, pilots minus non-pilots", SwitchToEnd, IndicatorFormat.Number),
        new(Indicators.NonPilotIncomeGrowthChange, "non-pilots' income growth, change after the switch", "log points per quarter",
            "mean quarterly log growth of real household income per resident of non-pilot provinces after the switch minus before", Switch, IndicatorFormat.LogPointsPerQuarter),
        new(PairedIndicators.ConsumptionShareGap, "household consumption / GDP, end, minus baseline", "fraction", "scenario minus baseline (same seed) of consumption / GDP", EndWindow, IndicatorFormat.PercentagePoints),
        new(PairedIndicators.StrategicUtilisationGap, "utilisation, strategic industries, end, minus baseline", "fraction", "scenario minus baseline (same seed) of strategic utilisation", EndWindow, IndicatorFormat.PercentagePoints),
        new(PairedIndicators.ZombieShareGap, "zombie share of firms, end, minus baseline", "fraction", "scenario minus baseline (same seed) of the zombie share", EndWindow, IndicatorFormat.PercentagePoints),
        new(PairedIndicators.NonPilotSpillover, "non-pilots' income growth after the switch, minus baseline", "log points per quarter",
            "mean quarterly log growth of non-pilots' real income per resident after the switch, scenario minus baseline (same seed)", "up to 20 quarters after the switch", IndicatorFormat.LogPointsPerQuarter),
        new(PairedIndicators.TariffExportsChange, "tariffed exports, change after the tariff", "fraction", "exports (units) of the tariffed industry after the tariff / the 4 quarters before - 1", "8 quarters after the tariff", IndicatorFormat.SignedPercent),
        new(PairedIndicators.TariffPriceChangeVsBaseline, "tariffed industry's price, change minus baseline", "fraction", "change of the industry's price index from the tariff, scenario minus baseline", "8 quarters after the tariff", IndicatorFormat.PercentagePoints),
        new(PairedIndicators.TariffUtilisationChangeVsBaseline, "tariffed industry's utilisation, change minus baseline", "fraction", "utilisation after the tariff minus the 4 quarters before, scenario minus baseline", "8 quarters after the tariff", IndicatorFormat.PercentagePoints),
        new(PairedIndicators.TradeInDemandDuring, "trade-in goods' demand during the programme vs baseline", "fraction", "domestic demand for the subsidised industries / baseline's - 1", "the programme's quarters", IndicatorFormat.SignedPercent),
        new(PairedIndicators.TradeInDemandAfter, "trade-in goods' demand after the programme vs baseline", "fraction", "domestic demand for the subsidised industries / baseline's - 1 (negative: pull-forward)", "up to 8 quarters after the programme", IndicatorFormat.SignedPercent),
    ];

    /// <summary>
    /// The headline indicators, in the order every surface shows them: the run summary, the report's headline
    /// table and the first columns of a sweep's summary.parquet.
    /// </summary>
    public static readonly IReadOnlyList<string> Headline =
    [
        Indicators.ConsumptionShareStart, Indicators.ConsumptionShareEnd, Indicators.StrategicUtilisationEnd, Indicators.OtherUtilisationEnd,
        Indicators.StrategicPriceChange, Indicators.OtherPriceChange, Indicators.ZombieShareEnd, Indicators.GdpGrowth, Indicators.IncomeGrowth,
        Indicators.LocalDebt, Indicators.PilotIncomeDid,
    ];

    private static readonly Dictionary<string, IndicatorDefinition> ByName = All.ToDictionary(d => d.Name, StringComparer.Ordinal);

    public static IndicatorDefinition Get(string name) =>
        ByName.TryGetValue(name, out var d) ? d : throw new KeyNotFoundException($"no indicator '{name}' in the catalog");

    public static IndicatorDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The human label of an indicator, or the name itself for one the catalog does not know (a summary column of another tool).</summary>
    public static string Label(string name) => Find(name)?.Label ?? name;

    /// <summary>An axis or column title: the label with the unit people read the formatted values in.</summary>
    public static string LabelWithUnit(string name) => Find(name) is { } d ? $"{d.Label} ({DisplayUnit(d.Format, d.Unit)})" : name;

    /// <summary>The unit of <see cref="Scale"/>d values: what an axis of this indicator is labelled in.</summary>
    public static string DisplayUnit(IndicatorFormat format, string unit) => format switch
    {
        IndicatorFormat.Percent or IndicatorFormat.SignedPercent => unit.Contains("per year", StringComparison.Ordinal) ? "% per year"
            : unit.Contains("per quarter", StringComparison.Ordinal) ? "% per quarter" : "%",
        IndicatorFormat.PercentagePoints => "percentage points",
        IndicatorFormat.LogPointsPerQuarter => "pp of quarterly growth",
        IndicatorFormat.Quarters => "quarters",
        IndicatorFormat.Count => "firms",
        _ => unit,
    };

    /// <summary>Factor from the stored value to the displayed one (100 for percentages and percentage points).</summary>
    public static double Scale(IndicatorFormat format) => format is IndicatorFormat.Quarters or IndicatorFormat.Count or IndicatorFormat.Number ? 1 : 100;

    public static string FormatValue(double value, IndicatorFormat format)
    {
        if (!double.IsFinite(value)) return "n/a";
        var c = CultureInfo.InvariantCulture;
        return format switch
        {
            IndicatorFormat.Percent => (100 * value).ToString("F1", c) + "%",
            IndicatorFormat.SignedPercent => (100 * value).ToString("+0.0;-0.0;0.0", c) + "%",
            IndicatorFormat.PercentagePoints => (100 * value).ToString("+0.0;-0.0;0.0", c) + " pp",
            IndicatorFormat.LogPointsPerQuarter => (100 * value).ToString("+0.000;-0.000;0.000", c) + " pp/quarter",
            IndicatorFormat.Quarters => value.ToString("F0", c) + " quarters",
            IndicatorFormat.Count => value.ToString("N0", c),
            _ => value.ToString("F3", c),
        };
    }

    /// <summary>Formats <paramref name="value"/> as the indicator <paramref name="name"/> (plain "G6" when the catalog does not know it).</summary>
    public static string FormatValue(string name, double value) =>
        Find(name) is { } d ? d.FormatValue(value) : double.IsFinite(value) ? value.ToString("G6", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>Every definition as a Markdown table (docs/report.md holds it; a test keeps the two the same).</summary>
    public static string MarkdownTable()
    {
        var md = new System.Text.StringBuilder("| name (Parquet, --raw) | label | unit | formula | window |\n|---|---|---|---|---|\n");
        foreach (var d in All) md.Append($"| `{d.Name}` | {d.Label} | {d.Unit} | {d.Formula} | {d.Window} |\n");
        return md.ToString();
    }

    /// <summary>A value and its interval in the indicator's format: "41.2% [40.8%, 41.6%]".</summary>
    public static string FormatInterval(string name, double mean, double low, double high) =>
        double.IsFinite(low) && double.IsFinite(high)
            ? $"{FormatValue(name, mean)} [{FormatValue(name, low)}, {FormatValue(name, high)}]"
            : FormatValue(name, mean);
}
