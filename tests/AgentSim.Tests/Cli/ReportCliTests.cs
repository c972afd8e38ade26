using AgentSim.Cli;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Cli;

/// <summary><c>agentsim report</c> through the real entry point, and --help for every command.</summary>
[Collection(CliCollection.Name)]
public sealed class ReportCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("run")]
    [InlineData("compare")]
    [InlineData("ablate")]
    [InlineData("report")]
    [InlineData("validate")]
    [InlineData("explain")]
    [InlineData("scenarios")]
    [InlineData("sensitivity")]
    [InlineData("calibrate")]
    [InlineData("replicates")]
    public void Every_command_has_help_with_an_example(string command)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            var (code, stdout, stderr) = Cli(command, flag);
            Assert.True(code == ExitCodes.Success, stderr);
            Assert.Equal("", stderr);
            Assert.StartsWith($"Usage: agentsim {command}", stdout);
            Assert.Contains("Example", stdout);
            Assert.Contains($"agentsim {command} ", stdout[stdout.IndexOf("Example", StringComparison.Ordinal)..]);
        }
        var general = Cli("--help").Stdout;
        Assert.Contains($"agentsim {command} ", general);
    }

    [Fact]
    public void Report_writes_report_html_and_prints_its_path()
    {
        string run = _dir.File("run");
        RunFixtures.Run(RunFixtures.SmallConfig(firms: 1_500, steps: 6, burnIn: 2), run);
        string output = _dir.File("out");

        var (code, stdout, stderr) = Cli("report", run, "--out", output);

        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Equal("", stderr);
        Assert.Contains("chart 1/", stdout);
        Assert.Equal($"report: {Path.Combine(Path.GetFullPath(output), "report.html")}", stdout.TrimEnd().Split('\n')[^1].TrimEnd());
        Assert.True(File.Exists(Path.Combine(output, "levers.png")));
        Assert.False(File.Exists(Path.Combine(output, "pilot-did.png")), "no pilots, no pilot chart");
    }

    [Theory]
    [InlineData("report")]
    [InlineData("report", "MISSING")]
    [InlineData("report", "EMPTY")]
    [InlineData("report", "EMPTY", "--bogus")]
    [InlineData("report", "EMPTY", "--out")]
    public void Bad_report_input_exits_2_with_one_error_line(params string[] args)
    {
        Directory.CreateDirectory(_dir.File("empty"));
        var (code, stdout, stderr) = Cli(args.Select(a => a switch { "MISSING" => _dir.File("missing"), "EMPTY" => _dir.File("empty"), _ => a }).ToArray());
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", stderr);
    }

    private static (int Code, string Stdout, string Stderr) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
