using System.Globalization;
using AgentSim.Output.Runs;
using Spectre.Console;

namespace AgentSim.Cli;

/// <summary>The end-of-run summary: headline indicators (MODEL.md section 6), the output files and timings.</summary>
internal static class Summary
{
    public static void Print(IAnsiConsole console, RunResult result)
    {
        var h = result.Headlines;
        var table = new Table().Border(TableBorder.Rounded).Title("Headline indicators");
        table.AddColumn("indicator");
        table.AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("household consumption / GDP, first year", Percent(h.ConsumptionShareFirstYear));
        Row("household consumption / GDP, final year", Percent(h.ConsumptionShareFinalYear));
        Row("utilisation, strategic industries, final year", Percent(h.StrategicUtilisationFinalYear));
        Row("utilisation, other industries, final year", Percent(h.NonStrategicUtilisationFinalYear));
        Row("strategic producer prices, change", SignedPercent(h.StrategicPriceChange));
        Row("other producer prices, change", SignedPercent(h.NonStrategicPriceChange));
        Row("zombie share of firms, final", Percent(h.ZombieShareFinal));
        Row("real GDP growth, annualised", SignedPercent(h.GdpGrowthAnnualised));
        Row("real income per capita growth, annualised", SignedPercent(h.IncomePerCapitaGrowthAnnualised));
        Row("local government debt / GDP, final", Percent(h.LocalDebtToGdpFinal));
        Row("firms alive, after burn-in → final", string.Create(CultureInfo.InvariantCulture, $"{h.FirmsStart:N0} → {h.FirmsFinal:N0}"));
        console.Write(table);

        var rows = string.Join(", ", result.RowCounts.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:N0}")));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"output: {result.OutputDirectory}"));
        console.WriteLine($"rows: {rows}");
        var t = result.TimingsSeconds;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"time: {t["total"]:F1} s (init {t["init"]:F1}, burn-in {t["burn_in"]:F1}, quarters {t["steps"]:F1}, writing {t["write"]:F1}) on {result.Threads} threads"));
    }

    private static string Percent(double value) =>
        double.IsFinite(value) ? string.Create(CultureInfo.InvariantCulture, $"{100 * value:F1}%") : "n/a";

    private static string SignedPercent(double value) =>
        double.IsFinite(value) ? string.Create(CultureInfo.InvariantCulture, $"{100 * value:+0.0;-0.0;0.0}%") : "n/a";
}
