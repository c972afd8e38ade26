using System.Text.Json.Nodes;
using AgentSim.Report;
using AgentSim.Tests.Output;
using Xunit.Abstractions;

namespace AgentSim.Tests.Report;

/// <summary>
/// A fact that needs a headless browser. Without chromium it is skipped with the reason, except under CI
/// (CI=true), where .ci/run installs chromium and a missing browser must fail rather than pass silently.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (HeadlessChromium.Find() is null && !IsCi)
            Skip = "chromium is not installed: .ci/run installs it (as root: apt-get install chromium), or set AGENTSIM_CHROMIUM to a Chrome binary";
    }

    public static bool IsCi => Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");
}

/// <summary>Opens report.html in a real headless browser: it loads, has no console errors, and shows every chart.</summary>
[Collection(ReportCollection.Name)]
public sealed class BrowserReportTests(ReportFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Where the screenshot is kept after the test (the temp directory is removed): printed in the test output.</summary>
    public static string ScreenshotDirectory => Path.Combine(Path.GetTempPath(), "agentsim-report-screenshots");

    [BrowserFact]
    public async Task Report_loads_in_headless_chromium_without_console_errors_and_shows_every_chart()
    {
        string? chromium = HeadlessChromium.Find();
        Assert.True(chromium is not null, "CI=true but chromium is not installed (.ci/run installs it with apt-get as root)");
        var report = ReportBuilder.Build(new ReportOptions { Inputs = [fixture.PilotRun], OutputDirectory = _dir.File("report") });
        Assert.Equal(ReportTests.RunCharts, report.Charts.Select(c => c.Id));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = timeout.Token;
        await using var browser = await HeadlessChromium.StartAsync(chromium!, _dir.File("profile"), ct);
        try
        {
            await browser.NavigateAsync(new Uri(report.HtmlPath).AbsoluteUri, ct);
            // Wait until every image has decoded (or failed to), then describe them.
            var state = (await browser.EvaluateAsync(
                """
                Promise.all([...document.images].map(i => i.decode().then(() => true, () => false))).then(decoded => ({
                  title: document.title,
                  readyState: document.readyState,
                  decoded,
                  images: [...document.images].map(i => {
                    const r = i.getBoundingClientRect();
                    const section = i.closest('section');
                    return { section: section ? section.id : null, complete: i.complete, naturalWidth: i.naturalWidth,
                             naturalHeight: i.naturalHeight, width: r.width, height: r.height,
                             caption: section && section.querySelector('figcaption') ? section.querySelector('figcaption').textContent.length : 0 };
                  }),
                  sections: [...document.querySelectorAll('section')].map(s => s.id),
                  tableRows: document.querySelectorAll('table tbody tr').length,
                  scripts: document.scripts.length,
                  resources: performance.getEntriesByType('resource').map(e => e.name)
                }))
                """, ct))!.AsObject();

            output.WriteLine(state.ToJsonString());
            Assert.Equal("complete", state["readyState"]!.GetValue<string>());
            Assert.StartsWith("AgentSim report", state["title"]!.GetValue<string>());
            Assert.Equal(report.Charts.Select(c => c.Id), state["sections"]!.AsArray().Select(s => s!.GetValue<string>()));
            Assert.Equal(0, state["scripts"]!.GetValue<int>());
            Assert.Empty(state["resources"]!.AsArray()); // nothing fetched: the page is self-contained
            Assert.True(state["tableRows"]!.GetValue<int>() >= 9, "the headline table has a row per indicator");
            var images = state["images"]!.AsArray();
            Assert.Equal(report.Charts.Count, images.Count);
            Assert.All(state["decoded"]!.AsArray(), d => Assert.True(d!.GetValue<bool>(), "an image failed to decode"));
            for (int i = 0; i < images.Count; i++)
            {
                var img = images[i]!;
                var chart = report.Charts[i];
                Assert.Equal(chart.Id, img["section"]!.GetValue<string>());
                Assert.True(img["complete"]!.GetValue<bool>(), $"{chart.Id} not complete");
                Assert.Equal(chart.Width, img["naturalWidth"]!.GetValue<int>());
                Assert.Equal(chart.Height, img["naturalHeight"]!.GetValue<int>());
                Assert.True(img["width"]!.GetValue<double>() > 300 && img["height"]!.GetValue<double>() > 150, $"{chart.Id} is not shown at a readable size: {img.ToJsonString()}");
                Assert.True(img["caption"]!.GetValue<int>() > 100, $"{chart.Id} has no caption");
            }

            var screenshot = await browser.ScreenshotAsync(1280, ct);
            string saved = _dir.File("report-screenshot.png");
            await File.WriteAllBytesAsync(saved, screenshot, ct);
            Directory.CreateDirectory(ScreenshotDirectory);
            string kept = Path.Combine(ScreenshotDirectory, "report.png");
            File.Copy(saved, kept, overwrite: true);
            output.WriteLine($"screenshot: {kept}");
            var (width, height) = ReportAssert.PngSize(screenshot);
            Assert.Equal(1280, width);
            Assert.True(height > 3000, $"screenshot height {height}: the page should be long enough to hold every chart");
            Assert.True(screenshot.Length > 100_000, "the screenshot is nearly blank");

            foreach (var line in browser.ConsoleLines) output.WriteLine(line);
            Assert.Empty(browser.Errors);
        }
        catch
        {
            output.WriteLine("chromium log:\n" + browser.BrowserLog);
            throw;
        }
    }

    /// <summary>A phone held upright and a wide monitor.</summary>
    private static readonly int[] Widths = [480, 1600];

    [BrowserFact]
    public async Task Comparison_and_sweep_reports_fit_a_narrow_and_a_wide_window_without_horizontal_overflow()
    {
        string? chromium = HeadlessChromium.Find();
        Assert.True(chromium is not null, "CI=true but chromium is not installed (.ci/run installs it with apt-get as root)");
        var reports = new[]
        {
            ("comparison", ReportBuilder.Build(new ReportOptions { Inputs = [fixture.PilotRun, fixture.Replicates], OutputDirectory = _dir.File("comparison") })),
            ("sweep", ReportBuilder.Build(new ReportOptions { Inputs = [fixture.Sweep], OutputDirectory = _dir.File("sweep") })),
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var ct = timeout.Token;
        await using var browser = await HeadlessChromium.StartAsync(chromium!, _dir.File("profile"), ct);
        try
        {
            foreach (var (kind, report) in reports)
            {
                foreach (int width in Widths)
                {
                    await browser.SetViewportAsync(width, 900, ct);
                    await browser.NavigateAsync(new Uri(report.HtmlPath).AbsoluteUri, ct);
                    var state = (await browser.EvaluateAsync(
                        """
                        Promise.all([...document.images].map(i => i.decode().then(() => true, () => false))).then(decoded => ({
                          innerWidth: window.innerWidth,
                          scrollWidth: document.documentElement.scrollWidth,
                          decoded,
                          images: [...document.images].map(i => i.getBoundingClientRect().width),
                          tables: [...document.querySelectorAll('.table-wrap')].map(w => ({ wrap: w.clientWidth, table: w.scrollWidth }))
                        }))
                        """, ct))!.AsObject();
                    output.WriteLine($"{kind} at {width}px: {state.ToJsonString()}");
                    int inner = state["innerWidth"]!.GetValue<int>();
                    Assert.Equal(width, inner);
                    Assert.True(state["scrollWidth"]!.GetValue<int>() <= inner, $"{kind} at {width}px scrolls sideways: {state["scrollWidth"]} > {inner}");
                    Assert.All(state["decoded"]!.AsArray(), d => Assert.True(d!.GetValue<bool>(), "an image failed to decode"));
                    Assert.Equal(report.Charts.Count, state["images"]!.AsArray().Count);
                    Assert.All(state["images"]!.AsArray(), w => Assert.InRange(w!.GetValue<double>(), 100, inner));
                    var tables = state["tables"]!.AsArray();
                    Assert.NotEmpty(tables);
                    // On a wide screen every table fits without its own scroll bar.
                    if (width >= 1200)
                        Assert.All(tables, t => Assert.True(t!["table"]!.GetValue<int>() <= t["wrap"]!.GetValue<int>(), $"{kind}: a table is wider than the page: {t.ToJsonString()}"));

                    var screenshot = await browser.ScreenshotAsync(width, ct);
                    var (shotWidth, shotHeight) = ReportAssert.PngSize(screenshot);
                    Assert.Equal(width, shotWidth);
                    Assert.True(shotHeight > 2000, $"{kind} at {width}px: screenshot height {shotHeight}, too short to hold the charts");
                    Directory.CreateDirectory(ScreenshotDirectory);
                    string kept = Path.Combine(ScreenshotDirectory, $"{kind}-{width}.png");
                    await File.WriteAllBytesAsync(kept, screenshot, ct);
                    output.WriteLine($"screenshot: {kept} ({shotWidth} x {shotHeight})");
                }
            }
            Assert.Empty(browser.Errors);
        }
        catch
        {
            output.WriteLine("chromium log:\n" + browser.BrowserLog);
            throw;
        }
    }
}
