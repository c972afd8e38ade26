using System.Globalization;
using System.Net;
using System.Text;
using AgentSim.Analysis;

namespace AgentSim.Report;

/// <summary>
/// The report page: one self-contained HTML file. Charts are PNG data URIs, the style sheet is inline, and there is
/// no script and no external resource, so the file can be mailed, archived or opened offline.
/// </summary>
public static class HtmlReport
{
    public sealed record Content(
        ReportLayout Layout,
        IReadOnlyList<LoadedGroup> Groups,
        IReadOnlyList<Chart> Charts,
        IReadOnlyList<HeadlineRow> Headlines,
        SweepData? Sweep,
        IReadOnlyDictionary<string, string> Manifest,
        Frame? Signature = null)
    {
        /// <summary>Problems a reader must see before any chart (a run that stopped on an invariant), one sentence each.</summary>
        public IReadOnlyList<string> Warnings { get; init; } = [];
    }

    private const string Style =
        """
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: #222; margin: 0 auto; max-width: 1560px; padding: 24px 32px; line-height: 1.45; }
        h1 { font-size: 1.7em; margin-bottom: 0.2em; }
        h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
        .meta { color: #555; font-size: 0.92em; }
        .table-wrap { max-width: 100%; overflow-x: auto; }
        .warning { background: #fdecea; border: 1px solid #c62828; color: #8e0000; padding: 8px 12px; font-weight: bold; }
        table { border-collapse: collapse; font-size: 0.92em; margin: 0.6em 0; }
        th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; overflow-wrap: anywhere; }
        th:first-child, td:first-child, th.text, td.text { text-align: left; }
        thead th { background: #f2f2f2; }
        figure { margin: 0.6em 0 0 0; }
        img { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
        .caption { max-width: 1100px; color: #333; }
        .note { color: #555; font-size: 0.9em; max-width: 1100px; }
        nav ol { columns: 2; max-width: 900px; }
        code { background: #f4f4f4; padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
        @media (max-width: 760px) {
          body { padding: 12px; }
          table { font-size: 0.8em; }
          th, td { padding: 3px 5px; }
          nav ol { columns: 1; }
        }
        """;

    public static string Write(Content c)
    {
        var html = new StringBuilder();
        string title = Title(c.Layout);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // An empty icon: a browser then asks for no favicon (no request, no console error when opened from disk).
        html.Append("<link rel=\"icon\" href=\"data:,\">\n");
        html.Append($"<title>{E(title)}</title>\n<style>\n{Style}</style>\n</head>\n<body>\n");
        html.Append($"<h1>{E(title)}</h1>\n");
        foreach (var warning in c.Warnings) html.Append($"<p class=\"warning\" role=\"alert\">{E(warning)}</p>\n");
        html.Append($"<p class=\"meta\">{E(Meta(c))}</p>\n");

        html.Append("<h2 id=\"headlines\">Headline indicators</h2>\n");
        html.Append(HeadlineTable(c));
        if (c.Signature is { Rows: > 0 } signature) html.Append(SignatureTable(signature));

        html.Append("<nav><ol>\n");
        foreach (var chart in c.Charts) html.Append($"<li><a href=\"#{E(chart.Id)}\">{E(chart.Title)}</a></li>\n");
        html.Append("</ol></nav>\n");

        foreach (var chart in c.Charts)
        {
            html.Append($"<section id=\"{E(chart.Id)}\">\n<h2>{E(chart.Title)}</h2>\n<figure>\n");
            html.Append($"<img src=\"data:image/png;base64,{Convert.ToBase64String(chart.Png)}\" alt=\"{E(chart.Title)}\" width=\"{chart.Width}\" height=\"{chart.Height}\">\n");
            html.Append($"<figcaption class=\"caption\">{E(chart.Caption)}</figcaption>\n</figure>\n</section>\n");
        }

        html.Append("<h2 id=\"about\">About this report</h2>\n<p class=\"note\">");
        html.Append(E("Made by 'agentsim report' from the Parquet tables of the runs listed below; every column is described in docs/outputs.md. "
            + "The charts are also saved beside this page as PNG files and as SVG files (vector graphics, for papers). To dig further, notebooks/analysis.ipynb reproduces the main figures "
            + "with pandas and DuckDB."));
        html.Append("</p>\n<p class=\"note\">Runs: ");
        html.Append(string.Join("; ", c.Groups.Select(g => E(Inv($"{g.Name}: {g.Runs.Count} run{(g.Runs.Count == 1 ? "" : "s")}")))));
        html.Append(".</p>\n<p class=\"note\">Input: ");
        html.Append(string.Join(", ", c.Layout.Inputs.Select(i => "<code>" + E(Path.GetFullPath(i)) + "</code>")));
        html.Append("</p>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Title(ReportLayout layout) => layout.Kind switch
    {
        ReportKind.Run => $"AgentSim report: {layout.Groups[0].Name}",
        ReportKind.Replicates => Inv($"AgentSim report: {layout.Groups[0].Name} ({layout.RunCount} replicates)"),
        ReportKind.Comparison => $"AgentSim report: {string.Join(" vs ", layout.Groups.Take(6).Select(g => g.Name))}{(layout.Groups.Count > 6 ? " ..." : "")}",
        _ => $"AgentSim sweep report: {string.Join(", ", layout.SweepParameters)}",
    };

    private static string Meta(Content c)
    {
        var parts = new List<string>
        {
            c.Layout.Kind switch
            {
                ReportKind.Run => "one run",
                ReportKind.Replicates => Inv($"{c.Layout.RunCount} replicates"),
                ReportKind.Comparison => Inv($"{c.Groups.Count} scenarios, {c.Layout.RunCount} runs"),
                _ => Inv($"sweep of {string.Join(", ", c.Layout.SweepParameters)}: {c.Groups.Count} points, {c.Layout.RunCount} runs"),
            },
            Inv($"{c.Groups.Min(g => g.Steps)} quarters after the burn-in"),
        };
        var m = c.Manifest;
        if (m.TryGetValue("config_path", out var config)) parts.Add($"config {config}");
        if (m.TryGetValue("firms", out var firms)) parts.Add($"{firms} firms");
        if (m.TryGetValue("seed", out var seed)) parts.Add($"seed {seed}{(c.Layout.RunCount > 1 ? " (first run)" : "")}");
        if (m.TryGetValue("version", out var version)) parts.Add($"agentsim {version}");
        if (m.TryGetValue("git_commit", out var commit) && commit.Length >= 7) parts.Add($"commit {commit[..7]}");
        parts.Add($"generated {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        return string.Join(" · ", parts);
    }

    /// <summary>The comparison's checks of MODEL.md section 6, as <c>compare</c> printed and wrote them.</summary>
    private static string SignatureTable(Frame f)
    {
        var html = new StringBuilder();
        var ids = f.Strings("id");
        var criteria = f.Strings("criterion");
        var scenarios = f.Strings("scenario");
        var means = f.Doubles("mean");
        var lows = f.Doubles("ci_low");
        var highs = f.Doubles("ci_high");
        var holds = f.Bools("holds");
        var indicators = f.Names.Contains("indicator") ? f.Strings("indicator") : new string[f.Rows];
        html.Append(Inv($"<h2 id=\"signature\">Signature results: {holds.Count(h => h)} of {f.Rows} criteria hold</h2>\n"));
        html.Append("<div class=\"table-wrap\"><table>\n<thead><tr><th>id</th><th class=\"text\">criterion (MODEL.md section 6; C: calibration bands)</th><th class=\"text\">scenario</th><th>value [95% CI]</th><th>holds</th></tr></thead>\n<tbody>\n");
        for (int r = 0; r < f.Rows; r++)
        {
            // In the indicator's own unit, as compare prints it (an older signature.parquet without the column: plain numbers).
            string name = indicators[r] ?? "";
            string value = ids[r] == "S2b"
                ? $"{IndicatorCatalog.FormatValue(name, means[r])} (shortest {IndicatorCatalog.FormatValue(name, lows[r])})"
                : IndicatorCatalog.FormatInterval(name, means[r], lows[r], highs[r]);
            html.Append($"<tr><td>{E(ids[r])}</td><td class=\"text\">{E(criteria[r])}</td><td class=\"text\">{E(scenarios[r])}</td><td>{E(value)}</td><td>{(holds[r] ? "yes" : "<strong>no</strong>")}</td></tr>\n");
        }
        html.Append("</tbody>\n</table></div>\n");
        return html.ToString();
    }

    private static string HeadlineTable(Content c)
    {
        var html = new StringBuilder();
        var groups = c.Groups;
        bool anyInterval = c.Headlines.Any(r => r.Name != "pilot_income_growth_did" && r.Values.Any(v => v is { HasInterval: true }));
        if (groups.Count <= 6)
        {
            html.Append("<div class=\"table-wrap\"><table>\n<thead><tr><th>indicator</th>");
            foreach (var g in groups) html.Append($"<th>{E(g.Name)}{(g.Runs.Count > 1 ? E(Inv($" (n = {g.Runs.Count})")) : "")}</th>");
            html.Append("</tr></thead>\n<tbody>\n");
            foreach (var row in c.Headlines)
            {
                html.Append($"<tr><td title=\"{E(row.Name)}\">{E(row.Label)}</td>");
                foreach (var v in row.Values) html.Append($"<td>{E(Format(v, row.Format))}</td>");
                html.Append("</tr>\n");
            }
            html.Append("</tbody>\n</table></div>\n");
        }
        else
        {
            // Many groups (a sweep): a row per group, a column per indicator, means only.
            html.Append("<div class=\"table-wrap\"><table>\n<thead><tr><th>group</th><th>runs</th>");
            foreach (var row in c.Headlines) html.Append($"<th title=\"{E(row.Name)}\">{E(row.Label)}</th>");
            html.Append("</tr></thead>\n<tbody>\n");
            for (int g = 0; g < groups.Count; g++)
            {
                html.Append($"<tr><td>{E(groups[g].Name)}</td><td>{groups[g].Runs.Count}</td>");
                foreach (var row in c.Headlines) html.Append($"<td>{E(Format(row.Values[g] is { } e ? e with { Low = double.NaN, High = double.NaN } : null, row.Format))}</td>");
                html.Append("</tr>\n");
            }
            html.Append("</tbody>\n</table></div>\n");
            anyInterval = false;
        }
        var notes = new List<string>
        {
            "Computed from the runs' tables with the definitions of AgentSim.Analysis (IndicatorCatalog; docs/report.md), the same as "
            + "the run summary, compare and sweep: \"first year\" is quarters 0-3 after the burn-in, \"end\" the mean over the last "
            + "20 quarters; growth is annualised and price changes measured from quarter 0 to the last quarter.",
        };
        if (anyInterval) notes.Add("Brackets are 95% intervals across replicates: Student t; for shares (percentages of a whole) on the angular scale "
            + "(arcsine of the square root) and transformed back, so they stay within 0-100%.");
        var did = c.Headlines.FirstOrDefault(r => r.Name == "pilot_income_growth_did");
        if (did is not null)
        {
            var methods = did.Values.Where(v => v is not null).Select(v => v!.Method).Distinct().ToList();
            notes.Add("The pilot difference in differences is in percentage points of quarterly real income growth per resident "
                + "(pilots minus non-pilots, after the switch minus before); its interval: " + string.Join("; ", methods) + ".");
        }
        if (c.Sweep is not null)
            notes.Add(Inv($"The sweep charts below use {c.Sweep.Indicators.Count} indicators {c.Sweep.Source}."));
        html.Append($"<p class=\"note\">{E(string.Join(" ", notes))}</p>\n");
        return html.ToString();
    }

    /// <summary>An estimate in its indicator's format (<see cref="IndicatorCatalog.FormatValue(double, IndicatorFormat)"/>), with its interval.</summary>
    public static string Format(Estimate? e, IndicatorFormat format)
    {
        if (e is null || !double.IsFinite(e.Value)) return "n/a";
        string One(double v) => IndicatorCatalog.FormatValue(v, format);
        return e.HasInterval ? $"{One(e.Value)} [{One(e.Low)}, {One(e.High)}]" : One(e.Value);
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
