using System.Diagnostics;
using System.Text.RegularExpressions;
using AgentSim.Cli;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;
using AgentSim.Tests.Sweeps;

namespace AgentSim.Tests.Cli;

/// <summary>What a newcomer meets: the root script, the README's two commands, replicate progress, Ctrl+C advice.</summary>
[Collection(CliCollection.Name)]
public sealed class ErgonomicsCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Root => RunFixtures.RepositoryRoot;

    [Fact]
    public void The_readme_starts_with_the_root_script_then_the_whole_test_suite_and_ci_runs_exactly_that()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var block = Regex.Match(readme, @"## Two commands.*?```bash\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "README.md has no bash block under 'Two commands'");
        var lines = block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["./agentsim run configs/baseline.yaml", "dotnet test AgentSim.sln -c Release"], lines);
        string ci = File.ReadAllText(Path.Combine(Root, ".ci", "run"));
        Assert.Matches(@"(?m)^dotnet test AgentSim\.sln -c Release( |$)", ci);
    }

    [Fact]
    public void The_root_script_runs_the_built_cli_with_the_arguments_it_is_given()
    {
        string script = Path.Combine(Root, "agentsim");
        Assert.True(File.Exists(script));
        if (!OperatingSystem.IsWindows())
            Assert.True((File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0, "./agentsim is not executable");
        string text = File.ReadAllText(script);
        // It builds the CLI project, and runs the assembly that project names.
        Assert.Contains("src/AgentSim.Cli/AgentSim.Cli.csproj", text);
        string csproj = File.ReadAllText(Path.Combine(Root, "src", "AgentSim.Cli", "AgentSim.Cli.csproj"));
        Assert.Contains("<AssemblyName>agentsim</AssemblyName>", csproj);
        Assert.Contains("bin/Release/net10.0/agentsim.dll", text);

        string dll = Path.Combine(Root, "src", "AgentSim.Cli", "bin", "Release", "net10.0", "agentsim.dll");
        var start = new ProcessStartInfo("bash", [script, "scenarios", Path.Combine(Root, "configs")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir.Path, // from any folder
        };
        // The README's test command has just built the Release CLI: run that binary rather than build inside the test
        // run. (Under another configuration the script builds it first, as on a fresh machine.)
        if (File.Exists(dll)) start.Environment["AGENTSIM_NO_BUILD"] = "1";
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr);
        Assert.Contains("baseline.yaml", stdout);
    }

    [Fact]
    public void Replicates_report_progress_by_quarters_while_the_runs_are_under_way()
    {
        string config = SweepFixtures.Write(_dir.Path, SweepFixtures.Yaml("replicates: 1\nparameters:\n  - key: officials.tenure\n    values: [8]\n", steps: 20).Split("sweep:")[0], "plain.yaml");
        var (code, stdout, stderr) = SweepFixtures.Cli("run", config, "--replicates", "2", "--out", _dir.File("r"));
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        var percents = Regex.Matches(stdout, @"runs (\d)/2 done · (\d+)% of quarters").Select(m => int.Parse(m.Groups[2].Value)).ToList();
        Assert.True(percents.Count >= 5, stdout);
        Assert.True(percents.Take(percents.Count - 1).Any(p => p < 100), "progress shows only the end");
        Assert.Equal(percents.Order(), percents);
        Assert.Equal(100, percents[^1]);
    }

    [Theory]
    [InlineData(new[] { "run", "c.yaml", "--replicates", "3" }, false)]
    [InlineData(new[] { "compare", "a.yaml", "b.yaml" }, false)]
    [InlineData(new[] { "run", "c.yaml" }, true)]
    [InlineData(new[] { "run", "c.yaml", "--replicates", "1" }, true)]
    public void Ctrl_c_suggests_resume_only_where_it_applies(string[] args, bool resumable)
    {
        string message = CliApp.CancelledMessage(args);
        Assert.StartsWith("error: cancelled", message);
        Assert.Equal(resumable, message.Contains("agentsim resume", StringComparison.Ordinal));
        if (!resumable) Assert.Contains("--force", message);
    }
}
