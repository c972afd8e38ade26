using System.Buffers.Binary;
using System.Text.RegularExpressions;
using AgentSim.Report;
using AgentSim.Tests.Output;

namespace AgentSim.Tests.Report;

/// <summary>The report of a run, of replicates, of several runs and of a sweep, on small real runs.</summary>
[Collection(ReportCollection.Name)]
public sealed partial class ReportTests(ReportFixture fixture) : IDisposable
{
    public static readonly string[] RunCharts =
        ["headline", "utilisation-by-industry", "prices-by-industry", "consumption-share", "growth-by-rule", "pilot-did", "event-study", "zombie-share", "levers"];

    private readonly TempDirectory _out = new();

    public void Dispose() => _out.Dispose();

    [Fact]
    public void Run_report_writes_every_chart_as_png_and_one_self_contained_html()
    {
        var result = ReportBuilder.Build(new ReportOptions { Inputs = [fixture.PilotRun], OutputDirectory = _out.Path });

        Assert.Equal(ReportKind.Run, result.Layout.Kind);
        Assert.Equal(RunCharts, result.Charts.Select(c => c.Id));
        string html = File.ReadAllText(result.HtmlPath);
        foreach (var chart in result.Charts)
        {
            var png = File.ReadAllBytes(Path.Combine(_out.Path, chart.FileName));
            Assert.Equal(chart.Png, png);
            // The SVG beside it: a vector figure of the same size.
            string svg = File.ReadAllText(Path.Combine(_out.Path, chart.SvgFileName));
            Assert.Matches($"<svg[^>]*width=\"{chart.Width}\"[^>]*height=\"{chart.Height}\"", svg);
            Assert.Contains("<path", svg);
            Assert.Equal((chart.Width, chart.Height), ReportAssert.PngSize(png));
            Assert.Contains($"<section id=\"{chart.Id}\">", html);
            Assert.Contains("data:image/png;base64," + Convert.ToBase64String(png), html);
            Assert.False(string.IsNullOrWhiteSpace(chart.Caption));
        }
        ReportAssert.SelfContained(html);
        Assert.Equal(result.Charts.Count, ImgTag().Matches(html).Count);
        Assert.Contains("Headline indicators", html);
        Assert.Contains("pilot income growth, difference in differences", html);
        Assert.Contains("Welch t across provinces", html);
    }

    [Fact]
    public void Report_did_equals_the_analysis_indicator_of_the_same_run()
    {
        var run = RunData.Load(fixture.PilotRun);
        Assert.Equal(ReportFixture.SwitchStep, run.SwitchStep);
        Assert.Equal("data", run.SwitchStepSource);
        Assert.Equal(ReportFixture.Pilots.Length, run.IsPilot.Count(x => x));
        var did = ReportStatistics.Did(run)!;
        Assert.Equal(Math.Min(ReportStatistics.DidWindow, Math.Min(ReportFixture.SwitchStep - 1, 12 - ReportFixture.SwitchStep)), did.Window);
        Assert.Equal(fixture.AnalysisDid, did.Value, 12);

        var estimate = ReportStatistics.DidEstimate([did])!;
        Assert.True(estimate.HasInterval);
        Assert.InRange(estimate.Value, estimate.Low, estimate.High);
        Assert.StartsWith("Welch", estimate.Method);
    }

    [Fact]
    public void Replicates_report_gives_the_did_a_t_interval_across_replicates()
    {
        var result = ReportBuilder.Build(new ReportOptions { Inputs = [fixture.Replicates], OutputDirectory = _out.Path });

        Assert.Equal(ReportKind.Replicates, result.Layout.Kind);
        Assert.Equal(2, result.Layout.Groups.Single().Runs.Count);
        Assert.Equal(RunCharts, result.Charts.Select(c => c.Id));
        var did = result.Headlines.Single(h => h.Name == "pilot_income_growth_did").Values.Single()!;
        Assert.Equal("Student t across replicates", did.Method);
        Assert.Equal(2, did.Count);
        Assert.True(did.HasInterval);
        var replicateDids = result.Layout.Groups[0].Runs.Select(r => ReportStatistics.Did(RunData.Load(r.Path))!.Value).ToList();
        Assert.Equal(replicateDids.Average(), did.Value, 12);
        Assert.InRange(did.Value, did.Low, did.High);
        ReportAssert.SelfContained(File.ReadAllText(result.HtmlPath));
    }

    [Fact]
    public void Several_directories_are_compared_side_by_side()
    {
        var result = ReportBuilder.Build(new ReportOptions { Inputs = [fixture.PilotRun, fixture.Replicates], OutputDirectory = _out.Path });

        Assert.Equal(ReportKind.Comparison, result.Layout.Kind);
        Assert.Equal(["pilot", "pilot-replicates"], result.Layout.Groups.Select(g => g.Name));
        Assert.All(result.Headlines, h => Assert.Equal(2, h.Values.Count));
        Assert.Equal(["headline", "time-paths"], result.Charts.Select(c => c.Id).Take(2));
        Assert.Contains("end\" window", result.Charts.Single(c => c.Id == "time-paths").Caption);
        var utilisation = result.Charts.Single(c => c.Id == "utilisation-by-industry");
        Assert.Equal(1400, utilisation.Width); // a panel per scenario
        string html = File.ReadAllText(result.HtmlPath);
        Assert.Contains("pilot vs pilot-replicates", html);
    }

    [Fact]
    public void Sweep_report_plots_the_summary_indicators_against_the_swept_parameter()
    {
        var result = ReportBuilder.Build(new ReportOptions { Inputs = [fixture.Sweep], OutputDirectory = _out.Path });

        Assert.Equal(ReportKind.Sweep, result.Layout.Kind);
        Assert.Equal([ReportFixture.SweepKey], result.Layout.SweepParameters);
        Assert.Equal(["officials.tenure=8", "officials.tenure=16"], result.Layout.Groups.Select(g => g.Name));
        Assert.All(result.Layout.Groups, g => Assert.Equal(2, g.Runs.Count));
        var sweepChart = result.Charts.Single(c => c.Id.StartsWith("sweep-", StringComparison.Ordinal));
        Assert.Equal("sweep-0-officials-tenure", sweepChart.Id);
        Assert.Contains("summary.parquet", sweepChart.Caption);
        // Two points: few enough for time paths side by side; no pilots, so no pilot charts.
        Assert.Equal(RunCharts.Where(id => id is not ("pilot-did" or "event-study")).Take(1).Append("time-paths").Concat(RunCharts.Skip(1).Where(id => id is not ("pilot-did" or "event-study"))),
            result.Charts.Select(c => c.Id).Where(id => !id.StartsWith("sweep-", StringComparison.Ordinal)));

        var groups = result.Layout.Groups.Select(g => new LoadedGroup(g, g.Runs.Select(r => RunData.Load(r.Path)).ToList())).ToList();
        var fromSummary = SweepData.Build(result.Layout, groups);
        Assert.Equal(["consumption_share_end", "zombie_share_end", "strategic_utilisation_end"], fromSummary.Indicators);
        Assert.Equal(4, fromSummary.Points.Count);
        Assert.Equal(["16", "16", "8", "8"], fromSummary.Points.Select(p => p.Parameters[ReportFixture.SweepKey]).Order(StringComparer.Ordinal));

        // Without a usable summary.parquet the indicators come from the run tables.
        var noSummary = new ReportLayout { Kind = ReportKind.Sweep, Groups = result.Layout.Groups, Inputs = result.Layout.Inputs, SweepParameters = result.Layout.SweepParameters };
        var computed = SweepData.Build(noSummary, groups);
        Assert.Contains("consumption_share_end", computed.Indicators);
        Assert.Equal(4, computed.Points.Count);
        var summaryValues = fromSummary.Points.Select(p => p.Values["consumption_share_end"]).Order().ToList();
        var computedValues = computed.Points.Select(p => p.Values["consumption_share_end"]).Order().ToList();
        Assert.All(summaryValues.Zip(computedValues), pair => Assert.Equal(pair.First, pair.Second, 12));
    }

    [Fact]
    public void The_log_counts_the_charts_it_wrote_and_names_the_ones_it_skipped()
    {
        var log = new List<string>();
        var noPilots = Path.Combine(fixture.Sweep, $"{ReportFixture.SweepKey}=8", "replicate=0");
        var result = ReportBuilder.Build(new ReportOptions { Inputs = [noPilots], OutputDirectory = _out.Path }, log.Add);

        int pngs = Directory.GetFiles(_out.Path, "*.png").Length;
        Assert.Equal(pngs, Directory.GetFiles(_out.Path, "*.svg").Length);
        Assert.Equal(result.Charts.Count, pngs);
        Assert.Contains(log, l => l.StartsWith($"wrote {pngs} charts (PNG and SVG each)", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("pilot difference in differences: nothing to draw", StringComparison.Ordinal));
    }

    [Fact]
    public void The_event_study_is_zero_in_the_year_before_the_switch_and_runs_to_the_end_of_the_horizon()
    {
        var run = RunData.Load(fixture.PilotRun);
        var (years, gap) = ReportStatistics.EventStudy(run)!.Value;

        // 12 quarters, switch at 6: year -1 is quarters 2-5, year 0 quarters 6-9; quarters 10-11 are not a full year.
        Assert.Equal([-1, 0], years);
        Assert.Equal(0, gap[0]);
        var logs = run.IncomePerCapitaReal.Select(row => row.Select(v => Math.Log(v)).ToArray()).ToArray();
        double Gap(int t) => run.ProvinceMean(logs, true)[t] - run.ProvinceMean(logs, false)[t];
        double expected = Enumerable.Range(6, 4).Average(Gap) - Enumerable.Range(2, 4).Average(Gap);
        Assert.Equal(expected, gap[1], 12);
        Assert.NotEqual(0, gap[1]);
    }

    [Fact]
    public void Share_bands_stay_within_zero_and_one_even_with_zero_shares()
    {
        double[][] replicates = [[0, 0.5, 0.98], [0, 0.6, 1.0], [0.01, 0.7, 0.99]];
        var band = ReportStatistics.AggregateShare(replicates);
        var plain = ReportStatistics.Aggregate(replicates);

        Assert.True(plain.Low[0] < 0 && plain.High[2] > 1, "the plain t band leaves [0, 1]: the case the transformation is for");
        for (int t = 0; t < 3; t++)
        {
            Assert.InRange(band.Low[t], 0, band.High[t]);
            Assert.InRange(band.High[t], band.Low[t], 1);
            Assert.Equal(plain.Mean[t], band.Mean[t], 12);
        }
        Assert.Equal(0, band.Low[0]);
        Assert.True(band.High[0] < 0.1, $"one replicate at 1% must not blow the band up: {band.High[0]}");
    }

    [Fact]
    public void Sweep_values_sort_as_numbers_or_in_natural_order_never_as_text()
    {
        Assert.Equal(["p1", "p3", "p10", "p13"], new[] { "p10", "p1", "p13", "p3" }.Order(NaturalOrder.Instance));
        Assert.Equal(["0.5", "3", "10"], new[] { "10", "0.5", "3" }.Order(NaturalOrder.Instance));

        SweepPoint Point(string v) => new(new Dictionary<string, string> { ["pilots"] = v }, new Dictionary<string, double>());
        var points = new[] { "p5", "p1", "p25", "p3" }.Select(Point).ToList();
        Assert.Equal(["p1", "p3", "p5", "p25"], ReportCharts.SweepOrder(new SweepData(["pilots"], points, [], "test"), "pilots"));
        // In the plan's order, the plan's order is kept (a sweep may list values in any order it means).
        Assert.Equal(["p5", "p1", "p25", "p3"], ReportCharts.SweepOrder(new SweepData(["pilots"], points, [], "test") { PlanOrder = true }, "pilots"));
        var numbers = new[] { "10", "2", "1.5" }.Select(Point).ToList();
        Assert.Equal(["1.5", "2", "10"], ReportCharts.SweepOrder(new SweepData(["pilots"], numbers, [], "test") { PlanOrder = true }, "pilots"));
    }

    [Fact]
    public void A_comparisons_signature_table_shows_each_value_in_its_indicators_unit()
    {
        // A comparison written by compare --tables: scenario=NAME/replicate=R/ with signature.parquet beside them.
        string root = _out.File("comparison");
        foreach (var (name, source) in new[] { ("baseline", fixture.PilotRun), ("pilot", Path.Combine(fixture.Replicates, "replicate=0")) })
        {
            string target = Path.Combine(root, $"scenario={name}", "replicate=0");
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        Frame.Query("COPY (SELECT * FROM (VALUES ('S1a', 'baseline strategic utilisation ends below 75%', 'baseline', 'strategic_utilisation_end', 0.725, 0.623, 0.828, true), "
            + "('S2b', '... spells of 4+ quarters', 'baseline', 'longest_falling_price_spell', 68.0, 45.0, 80.0, true)) "
            + "t(id, criterion, scenario, indicator, mean, ci_low, ci_high, holds)) TO " + Frame.Literal(Path.Combine(root, "signature.parquet")) + " (FORMAT parquet)");

        var result = ReportBuilder.Build(new ReportOptions { Inputs = [root], OutputDirectory = _out.File("report") });

        Assert.Equal(ReportKind.Comparison, result.Layout.Kind);
        string html = File.ReadAllText(result.HtmlPath);
        Assert.Contains("<td>72.5% [62.3%, 82.8%]</td>", html);
        Assert.Contains("<td>68 quarters (shortest 45 quarters)</td>", html);
    }

    [Fact]
    public void A_new_report_in_the_same_folder_removes_charts_it_no_longer_has()
    {
        ReportBuilder.Build(new ReportOptions { Inputs = [fixture.PilotRun], OutputDirectory = _out.Path });
        Assert.True(File.Exists(_out.File("pilot-did.png")));
        File.WriteAllText(_out.File("notes.png"), "not ours");

        var noPilots = Path.Combine(fixture.Sweep, $"{ReportFixture.SweepKey}=8", "replicate=0");
        var result = ReportBuilder.Build(new ReportOptions { Inputs = [noPilots], OutputDirectory = _out.Path });

        Assert.DoesNotContain(result.Charts, c => c.Id == "pilot-did");
        Assert.False(File.Exists(_out.File("pilot-did.png")));
        Assert.True(File.Exists(_out.File("notes.png")), "files the report did not write are left alone");
    }

    [Fact]
    public void A_directory_without_runs_is_refused_with_a_clear_message()
    {
        var ex = Assert.Throws<ReportException>(() => ReportBuilder.Build(new ReportOptions { Inputs = [_out.Path] }));
        Assert.Contains("no runs under", ex.Message);
        Assert.Throws<ReportException>(() => ReportBuilder.Build(new ReportOptions { Inputs = [Path.Combine(_out.Path, "missing")] }));
    }

    [Fact]
    public void Welch_and_t_intervals_match_textbook_values()
    {
        // Two samples with known Welch df: t(0.975, df) from tables.
        var (low, high) = ReportStatistics.Welch([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0]);
        // means 2.5 and 4; variances of the means 1.6667/4 and 4/3; df = 3.08...
        double se = Math.Sqrt(1.6666666666666667 / 4 + 4.0 / 3);
        double df = Math.Pow(1.6666666666666667 / 4 + 4.0 / 3, 2) / (Math.Pow(1.6666666666666667 / 4, 2) / 3 + Math.Pow(4.0 / 3, 2) / 2);
        double t = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, df, 0.975);
        Assert.Equal(-1.5 - t * se, low, 10);
        Assert.Equal(-1.5 + t * se, high, 10);
        var mean = ReportStatistics.Mean([1.0, 2.0, 3.0]);
        Assert.Equal(2.0, mean.Value, 12);
        Assert.Equal(2.0 - 4.302652729911275 / Math.Sqrt(3), mean.Low, 9); // t(0.975, 2) = 4.3027
    }

    [GeneratedRegex("<img ")]
    private static partial Regex ImgTag();
}

/// <summary>Checks on report files shared by the report and browser tests.</summary>
internal static partial class ReportAssert
{
    /// <summary>No script, no external resource: every src and href is a data URI or a fragment.</summary>
    public static void SelfContained(string html)
    {
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        foreach (Match m in Reference().Matches(html))
        {
            string value = m.Groups[2].Value;
            Assert.True(value.StartsWith("data:", StringComparison.Ordinal) || value.StartsWith('#'), $"external reference {m.Value[..Math.Min(80, m.Value.Length)]}");
        }
        Assert.DoesNotContain("url(", html, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
    }

    public static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.Length > 24 && png[0] == 0x89 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', "not a PNG");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    [GeneratedRegex("""\b(src|href)\s*=\s*"([^"]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex Reference();

}
