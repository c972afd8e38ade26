using AgentSim.Cli;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Cli;

/// <summary>
/// Bad configs through the real entry point (<see cref="CliApp.Run"/>) with the real YAML loader: each gives one
/// clear message naming the file, the key (and line) and what was expected, exit code 2, and no stack trace.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class BadConfigCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string, string[], string[]> Cases => new()
    {
        // name, YAML ("" = do not create the file), extra args, fragments the message must contain
        { "wrong type", "firm_behaviour:\n  markup_down: fast\n", [], ["bad.yaml:2", "firm_behaviour.markup_down", "expected a number", "'fast'"] },
        { "out of range", "officials:\n  tenure: 2\n", [], ["bad.yaml:2", "officials.tenure", "4"] },
        { "typo in nested key", "firm_behaviour:\n  markup_dwn: 0.1\n", [], ["bad.yaml:2", "markup_dwn", "did you mean 'markup_down'"] },
        { "typo in top-level key", "stpes: 10\n", [], ["bad.yaml:1", "stpes", "did you mean 'steps'"] },
        { "missing file", "", [], ["missing.yaml", "not found"] },
        { "empty file", "# nothing here\n", [], ["bad.yaml", "empty"] },
        { "malformed yaml", "steps: [1, 2\nfirms: 3\n", [], ["bad.yaml", "malformed YAML"] },
        { "NaN", "firm_behaviour:\n  loan_rate: .nan\n", [], ["bad.yaml:2", "firm_behaviour.loan_rate"] },
        { "non-integer for an int", "steps: 10.5\n", [], ["bad.yaml:1", "steps", "integer"] },
        { "bad enum", "incentives:\n  default_rule: gdpp\n", [], ["bad.yaml:2", "incentives.default_rule", "gdp"] },
        { "unknown industry in tariff", "tariffs:\n  - industry: evs\n    rate: 0.2\n    from_step: 4\n", [], ["bad.yaml", "tariffs[0].industry", "did you mean 'ev'"] },
        { "lever min above max", "levers:\n  welfare_share:\n    min: 0.6\n    max: 0.5\n    initial: 0.55\n", [], ["bad.yaml", "levers.welfare_share"] },
        { "bad extends", "extends: nowhere.yaml\nsteps: 4\n", [], ["bad.yaml:1", "extends", "nowhere.yaml"] },
        { "bad --set without =", "steps: 4\n", ["--set", "steps"], ["--set", "steps", "KEY=VALUE"] },
        { "bad --set unknown key", "steps: 4\n", ["--set", "officals.tenure=16"], ["--set", "officals.tenure", "did you mean 'officials"] },
        { "bad --set value", "steps: 4\n", ["--set", "firms=many"], ["--set", "firms", "expected an integer"] },
        { "unknown pilot province", "incentives:\n  pilot_provinces: [Zhejang]\n", [], ["pilot_provinces", "Zhejang", "did you mean 'Zhejiang'"] },
        { "duplicate key", "steps: 4\nsteps: 5\n", [], ["bad.yaml:2", "steps", "duplicate"] },
        { "alias bomb", "a: &a [1, 2]\nb: [*a, *a]\n", [], ["bad.yaml", "alias"] },
        { "top level is a list", "- 1\n- 2\n", [], ["bad.yaml", "mapping"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_config_exits_2_with_a_clear_message(string name, string yaml, string[] extraArgs, string[] fragments)
    {
        string path = yaml.Length == 0 ? _dir.File("missing.yaml") : _dir.File("bad.yaml");
        if (yaml.Length > 0)
        {
            // The default provinces file (data/provinces.csv next to the config) is the repository's,
            // so only the deliberate mistake is wrong.
            Directory.CreateDirectory(_dir.File("data"));
            File.Copy(RunFixtures.ProvincesFile, _dir.File(Path.Combine("data", "provinces.csv")), overwrite: true);
            File.WriteAllText(path, yaml);
        }
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var output = _dir.File("out-" + name.Replace(' ', '-'));

        int code = CliApp.Run(["run", path, "--out", output, .. extraArgs], stdout, stderr);

        string message = stderr.ToString();
        Assert.True(code == ExitCodes.BadInput, $"{name}: exit {code}, stderr: {message}");
        Assert.StartsWith("error: ", message);
        Assert.DoesNotContain("   at ", message);
        Assert.DoesNotContain("Exception", message);
        foreach (var fragment in fragments)
            Assert.True(message.Contains(fragment, StringComparison.OrdinalIgnoreCase), $"{name}: '{fragment}' not in: {message}");
        Assert.False(Directory.Exists(output), $"{name}: bad input must not create the output directory");
    }

    [Fact]
    public void Validate_reports_the_same_errors_and_accepts_good_configs()
    {
        string good = Path.Combine(RunFixtures.RepositoryRoot, "configs", "pilot.yaml");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(ExitCodes.Success, CliApp.Run(["validate", good], stdout, stderr));
        Assert.Contains("ok:", stdout.ToString());
        Assert.Contains("5 pilots", stdout.ToString());

        stderr = new StringWriter();
        Assert.Equal(ExitCodes.BadInput, CliApp.Run(["validate", good, "--set", "officials.tenure=abc"], new StringWriter(), stderr));
        Assert.Contains("officials.tenure", stderr.ToString());
    }

    [Fact]
    public void Explain_prints_meaning_default_and_range_and_suggests_for_typos()
    {
        var stdout = new StringWriter();
        Assert.Equal(ExitCodes.Success, CliApp.Run(["explain", "firm_behaviour.markup_down"], stdout, new StringWriter()));
        string text = stdout.ToString();
        Assert.Contains("meaning:", text);
        Assert.Contains("default: 0.02", text);
        Assert.Contains("range:", text);

        var stderr = new StringWriter();
        Assert.Equal(ExitCodes.BadInput, CliApp.Run(["explain", "firm_behavior.markup_dwn"], new StringWriter(), stderr));
        Assert.Contains("did you mean 'firm_behaviour.markup_down'", stderr.ToString());
    }

    [Fact]
    public void Scenarios_lists_every_shipped_config()
    {
        var stdout = new StringWriter();
        Assert.Equal(ExitCodes.Success, CliApp.Run(["scenarios", Path.Combine(RunFixtures.RepositoryRoot, "configs")], stdout, new StringWriter()));
        foreach (var name in new[] { "baseline.yaml", "household-income.yaml", "pilot.yaml", "eu-ev-tariff.yaml", "trade-in.yaml" })
            Assert.Contains(name, stdout.ToString());
        // Each description is a whole sentence, wrapped onto indented lines rather than cut.
        string text = string.Join(' ', stdout.ToString().Split('\n').Select(l => l.Trim()));
        Assert.Contains("10% standard duty plus a", text);
        Assert.Matches(@"eu-ev-tariff\.yaml\s+Baseline plus a foreign tariff[^\n]*?\.", text);
        Assert.All(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.True(l.TrimEnd().Length <= 110, l));
    }

    [Theory]
    [InlineData("# One line.\n# Not this.\nname: a\n", "One line.")]
    [InlineData("# Runs over\n# two lines, e.g. this one.\n# More.\n", "Runs over two lines, e.g. this one.")]
    [InlineData("# No full stop\n\n# Next paragraph.\n", "No full stop")]
    public void A_scenario_description_is_the_first_whole_sentence_of_the_header(string file, string expected) =>
        Assert.Equal(expected, InfoCommands.FirstSentence(file.Split('\n')));
}
