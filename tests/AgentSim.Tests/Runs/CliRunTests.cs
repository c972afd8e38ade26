using AgentSim.Cli;
using AgentSim.Config;
using AgentSim.Output;
using AgentSim.Tests.Output;

namespace AgentSim.Tests.Runs;

/// <summary>
/// <c>agentsim run</c> through <see cref="CliApp.Run"/>. The config source is swapped for one returning a tiny config
/// (the YAML loader is not part of this layer); it is process-wide, so every test touching it lives in this class,
/// whose tests xunit runs one at a time.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CliRunTests : IDisposable
{
    private readonly Func<string, IReadOnlyList<string>, (SimulationConfig, string, string)> _original = CliApp.ConfigSource;
    private readonly TempDirectory _dir = new();
    private readonly string _configPath;
    private readonly List<IReadOnlyList<string>> _overridesSeen = new();

    public CliRunTests()
    {
        _configPath = _dir.File("tiny.yaml");
        File.WriteAllText(_configPath, "# tiny\n");
        CliApp.ConfigSource = (path, overrides) =>
        {
            _overridesSeen.Add(overrides);
            var config = new SimulationConfig { Firms = 1_500, Steps = 4, BurnIn = 2 };
            config.Provinces.DataFile = RunFixtures.ProvincesFile;
            return (config, Path.GetDirectoryName(path)!, "firms: 1500\n");
        };
    }

    public void Dispose()
    {
        CliApp.ConfigSource = _original;
        _dir.Dispose();
    }

    [Fact]
    public void Run_writes_the_tables_and_a_summary_and_exits_0()
    {
        var output = _dir.File("out");
        var (code, stdout, stderr) = Cli("run", _configPath, "--out", output, "--seed", "11", "--steps", "5", "--threads", "2");

        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Equal("", stderr);
        foreach (var file in new[] { "provinces.parquet", "industries.parquet", "nation.parquet", "officials.parquet", "manifest.json" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        }
        var manifest = RunFixtures.Manifest(output);
        Assert.Equal(Manifest.StatusComplete, manifest.Status);
        Assert.Equal(11, manifest.Seed);
        Assert.Equal(5, manifest.Steps);
        Assert.Equal(2, manifest.Threads);
        Assert.Equal(_configPath, manifest.ConfigPath);
        Assert.Equal("firms: 1500\n", manifest.ResolvedConfigYaml);
        Assert.Equal(["seed=11", "steps=5", "threads=2"], _overridesSeen.Single());
        Assert.Contains("quarter 5/5", stdout);
        Assert.Contains("Headline indicators", stdout);
        Assert.Contains($"output: {Path.GetFullPath(output)}", stdout);
        Assert.Contains($"report: agentsim report {output}", stdout);
        Assert.False(Directory.Exists(Path.Combine(output, "report")), "the report is written only with --report");
        Assert.DoesNotContain("\u001b[", stdout);
    }

    [Fact]
    public void Run_with_report_ends_with_the_path_of_report_html()
    {
        var output = _dir.File("reported");
        var (code, stdout, stderr) = Cli("run", _configPath, "--out", output, "--steps", "5", "--report");

        Assert.True(code == ExitCodes.Success, stderr);
        string html = Path.Combine(Path.GetFullPath(output), "report", "report.html");
        Assert.True(File.Exists(html), stdout);
        Assert.Contains("Headline indicators", stdout);
        Assert.Equal($"report: {html}", stdout.TrimEnd().Split('\n')[^1].TrimEnd());
        Assert.True(File.Exists(Path.Combine(output, "report", "headline.png")));
    }

    [Fact]
    public void Default_output_directory_is_runs_slash_config_name()
    {
        // Checked on the parsed options: running it would write under the working directory, which tests share.
        Assert.Equal(Path.Combine("runs", "tiny"), RunOptions.Parse([_configPath]).OutputDirectory);
        Assert.Equal("elsewhere", RunOptions.Parse([_configPath, "--out", "elsewhere"]).OutputDirectory);
    }

    [Fact]
    public void Set_entries_reach_the_config_source_before_the_shorthands()
    {
        var (code, _, stderr) = Cli("run", _configPath, "--out", _dir.File("o"), "--set", "officials.tenure=16", "--firms=1200", "--set=seed=3");
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Equal(["officials.tenure=16", "seed=3", "firms=1200"], _overridesSeen.Single());
        Assert.Equal(1200, RunFixtures.Manifest(_dir.File("o")).Firms);
    }

    [Fact]
    public void Non_empty_output_directory_without_force_exits_2_and_with_force_succeeds()
    {
        var output = _dir.File("busy");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "old.txt"), "x");

        var (code, _, stderr) = Cli("run", _configPath, "--out", output);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("--force", stderr);
        Assert.DoesNotContain("   at ", stderr);

        (code, _, stderr) = Cli("run", _configPath, "--out", output, "--force");
        Assert.True(code == ExitCodes.Success, stderr);
    }

    [Theory]
    [InlineData("run", "CONFIG", "--bogus")]
    [InlineData("run", "CONFIG", "--seed", "abc")]
    [InlineData("run", "CONFIG", "--steps", "0")]
    [InlineData("run", "CONFIG", "--out")]
    [InlineData("run", "CONFIG", "--set", "novalue")]
    [InlineData("run")]
    [InlineData("run", "CONFIG", "extra.yaml")]
    [InlineData("frobnicate")]
    public void Bad_arguments_exit_2_with_one_error_line_and_no_stack_trace(params string[] args)
    {
        var (code, stdout, stderr) = Cli(args.Select(a => a == "CONFIG" ? _configPath : a).ToArray());
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void A_one_quarter_run_completes_and_says_it_has_no_indicators()
    {
        var (code, stdout, stderr) = Cli("run", _configPath, "--out", _dir.File("one"), "--steps", "1");

        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("no headline indicators: they need at least 2 recorded quarters", stdout);
        Assert.Contains("output: ", stdout);
    }

    [Fact]
    public void Missing_provinces_file_is_bad_input()
    {
        CliApp.ConfigSource = (path, _) =>
        {
            var config = new SimulationConfig { Firms = 1_000, Steps = 1, BurnIn = 0 };
            config.Provinces.DataFile = "data/missing.csv";
            return (config, Path.GetDirectoryName(path)!, "");
        };
        var (code, _, stderr) = Cli("run", _configPath, "--out", _dir.File("o"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("missing.csv", stderr);
    }

    [Fact]
    public void Unexpected_failure_exits_1_with_a_report_hint_and_a_stack_trace_only_with_debug()
    {
        CliApp.ConfigSource = (_, _) => throw new InvalidOperationException("boom");

        var (code, _, stderr) = Cli("run", _configPath);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("boom", stderr);
        Assert.Contains("please report", stderr);
        Assert.DoesNotContain("   at ", stderr);

        (code, _, stderr) = Cli("run", _configPath, "--debug");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("   at ", stderr);
    }

    [Fact]
    public void Help_prints_the_run_options_and_exits_0()
    {
        var (code, stdout, stderr) = Cli("run", "--help");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal("", stderr);
        foreach (var option in new[] { "--out", "--seed", "--threads", "--firms", "--steps", "--set", "--force" })
        {
            Assert.Contains(option, stdout);
        }
        Assert.Equal(ExitCodes.Success, Cli("--help").Code);
        Assert.Equal(ExitCodes.BadInput, Cli().Code);
    }

    [Fact]
    public void The_yaml_loader_is_the_default_source_and_its_errors_are_bad_input()
    {
        CliApp.ConfigSource = _original;
        var scenario = Path.Combine(RunFixtures.RepositoryRoot, "configs", "baseline.yaml");
        var output = _dir.File("baseline");
        var (code, _, stderr) = Cli("run", scenario, "--out", output, "--firms", "1000", "--steps", "2", "--set", "burn_in=1", "--set", "output.firms_sample=100");
        Assert.True(code == ExitCodes.Success, stderr);
        var manifest = RunFixtures.Manifest(output);
        Assert.Equal(1000, manifest.Firms);
        Assert.Contains("firms: 1000", manifest.ResolvedConfigYaml);
        Assert.True(File.Exists(Path.Combine(output, "firms.parquet")), "baseline.yaml asks for firm snapshots");

        (code, _, stderr) = Cli("run", scenario, "--out", _dir.File("typo"), "--set", "officals.tenure=16");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: ", stderr);
        Assert.DoesNotContain("   at ", stderr);

        (code, _, stderr) = Cli("run", _dir.File("absent.yaml"), "--out", _dir.File("absent"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("absent.yaml", stderr);
    }

    private static (int Code, string Stdout, string Stderr) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
