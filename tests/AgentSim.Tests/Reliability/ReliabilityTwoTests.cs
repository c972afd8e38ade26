using System.Text;
using AgentSim.Analysis.Sweeps;
using AgentSim.Cli;
using AgentSim.Config;
using AgentSim.Model.Guards;
using AgentSim.Output;
using AgentSim.Output.Runs;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;
using AgentSim.Tests.Sweeps;
using static AgentSim.Tests.Reliability.EnvironmentHelpers;

namespace AgentSim.Tests.Reliability;

/// <summary>
/// Issue 15's five classes through the real entry point: non-regular and oversized inputs, environment errors as exit 2,
/// locked and checked output folders, configs that must not break the model, strict UTF-8. Each test fails on the code
/// before the issue (a hang, exit 1 "This is a bug", a lost result, a deleted file, a silent acceptance).
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ReliabilityTwoTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _config;

    public ReliabilityTwoTests()
    {
        CliApp.ConfigSource = CliApp.LoadYaml;
        _config = WriteConfig("small.yaml", "");
    }

    public void Dispose()
    {
        CliApp.StepHook = null;
        _dir.Dispose();
    }

    private string WriteConfig(string name, string extra, int steps = 10) =>
        WriteText(name, $"name: small\nfirms: 1500\nsteps: {steps}\nburn_in: 2\nthreads: 1\nprovinces:\n  data_file: \"{RunFixtures.ProvincesFile}\"\n" + extra);

    private string WriteText(string name, string text)
    {
        var path = _dir.File(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    // ---- 1. Non-regular inputs, byte cap, no echo ----

    [Fact]
    public void A_fifo_or_device_as_config_base_or_data_file_is_refused_without_hanging()
    {
        var fifo = _dir.File("pipe.yaml");
        MakeFifo(fifo);
        var cases = new (string What, string[] Args)[]
        {
            ("fifo config", ["validate", fifo]),
            ("fifo base", ["validate", WriteText("extends-fifo.yaml", $"extends: {fifo}\n")]),
            ("fifo data file", ["validate", WriteConfig("data-fifo.yaml", ""), "--set", $"provinces.data_file={fifo}"]),
            ("/dev/zero base", ["validate", WriteText("extends-zero.yaml", "extends: /dev/zero\n")]),
            ("/dev/zero data file", ["validate", _config, "--set", "provinces.data_file=/dev/zero"]),
            ("directory config", ["validate", _dir.Path]),
        };
        foreach (var (what, args) in cases)
        {
            var result = RunCli(args, 60, fifo);
            AssertUserError(result, what);
            Assert.Matches("(named pipe|character device|directory)", result.Stderr);
        }
    }

    [Fact]
    public void Scenarios_lists_a_fifo_without_reading_it()
    {
        var folder = _dir.File("scenarios");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.yaml"), "# The first scenario\nsteps: 8\n");
        MakeFifo(Path.Combine(folder, "b.yaml"));
        var (code, stdout, stderr) = RunCli(["scenarios", folder], 60, Path.Combine(folder, "b.yaml"));
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("The first scenario", stdout);
        Assert.Contains("b.yaml  (skipped: is a named pipe (FIFO), not a regular file)", stdout);
    }

    [Fact]
    public void The_byte_cap_is_enforced_while_reading()
    {
        var path = WriteText("cap.txt", new string('x', 101));
        Assert.Equal(100, UserFile.ReadBytes(WriteText("ok.txt", new string('x', 100)), 100).Length);
        var ex = Assert.Throws<UserFileException>(() => UserFile.ReadBytes(path, 100));
        Assert.Contains("larger than the 100-byte limit", ex.Message);
        // /dev/zero reports length 0 and never ends: refused for its kind before a byte is read.
        Assert.Contains("character device", Assert.Throws<UserFileException>(() => UserFile.ReadBytes("/dev/zero", 100)).Message);
        Assert.True(UserFile.IsRegular(path));
        Assert.False(UserFile.IsRegular("/dev/null"));
    }

    [Fact]
    public void A_wrong_file_is_never_echoed_in_an_error()
    {
        var secret = WriteText("secrets.env", "SECRET_TOKEN=abc123xyz\n");
        var result = RunCli(["validate", WriteText("leak.yaml", "extends: secrets.env\n")]);
        AssertUserError(result, "extends a secrets file");
        Assert.DoesNotContain("abc123xyz", result.Stderr);

        var data = WriteText("data.csv", "user,password_hunter2\nx,y\n");
        result = RunCli(["validate", _config, "--set", $"provinces.data_file={data}"]);
        AssertUserError(result, "data file that is not the provinces table");
        Assert.DoesNotContain("hunter2", result.Stderr);
        Assert.True(File.Exists(secret));
    }

    // ---- 5. Strict UTF-8 ----

    [Fact]
    public void Invalid_utf8_is_refused_with_the_byte_offset()
    {
        var path = _dir.File("latin1.yaml");
        File.WriteAllBytes(path, [.. "steps: 8\nname: caf"u8, 0xE9, .. "\n"u8]);
        var result = RunCli(["validate", path]);
        AssertUserError(result, "Latin-1 byte");
        Assert.Contains("is not valid UTF-8: byte 0xE9 at byte offset 18 (line 2)", result.Stderr);

        var data = _dir.File("latin1.csv");
        File.WriteAllBytes(data, [.. Encoding.UTF8.GetBytes(File.ReadAllText(RunFixtures.ProvincesFile)), .. "M"u8, 0xFC, .. "nchen,1,1,1\n"u8]);
        result = RunCli(["validate", _config, "--set", $"provinces.data_file={data}"]);
        AssertUserError(result, "Latin-1 data file");
        Assert.Contains("is not valid UTF-8", result.Stderr);
    }

    // ---- 2. Environment errors are exit 2, validated before the first run ----

    [Fact]
    public void Horizons_too_short_for_the_indicators_are_refused_before_any_run()
    {
        var output = _dir.File("short");
        foreach (var args in new[]
                 {
                     new[] { "compare", _config, "--replicates", "2", "--steps", "4", "--out", output },
                     ["run", _config, "--replicates", "2", "--steps", "4", "--out", output],
                     ["ablate", _config, "--replicates", "2", "--steps", "4", "--out", output],
                 })
        {
            var result = RunCli(args);
            AssertUserError(result, string.Join(' ', args));
            Assert.Contains("needs at least 8 quarters", result.Stderr);
            Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), "nothing may run");
        }
    }

    [Fact]
    public void Report_out_naming_a_file_and_an_overlong_path_are_user_errors()
    {
        var run = _dir.File("run");
        Assert.Equal(ExitCodes.Success, RunCli(["run", _config, "--out", run]).Code);
        var file = WriteText("a-file", "x");
        AssertUserError(RunCli(["report", run, "--out", file]), "report --out FILE");
        Assert.Equal("x", File.ReadAllText(file));

        var tooLong = Path.Combine(_dir.Path, new string('n', 300));
        AssertUserError(RunCli(["run", _config, "--out", tooLong]), "a 300-character folder name");
    }

    [Fact]
    public void A_sweep_larger_than_an_int_and_an_unknown_province_in_a_value_are_refused_before_any_run()
    {
        var huge = SweepFixtures.Write(_dir.Path, SweepFixtures.Yaml("""
            parameters:
              - key: officials.promotion_strength
                from: 0.1
                to: 5
                steps: 10000
              - key: households.base_propensity
                from: 0.5
                to: 0.9
                steps: 10000
              - key: officials.imitation_rate
                from: 0.1
                to: 0.9
                steps: 10000
            """), "huge.yaml");
        var result = RunCli(["sweep", huge, "--out", _dir.File("huge")]);
        AssertUserError(result, "10^12-run sweep");
        Assert.Contains("1,000,000,000,000 runs", result.Stderr);

        var atlantis = SweepFixtures.Write(_dir.Path, SweepFixtures.Yaml("""
            parameters:
              - key: incentives.pilot_provinces
                values: [[Zhejiang], [Atlantis]]
                labels: [zj, atl]
            """), "atlantis.yaml");
        var output = _dir.File("atlantis");
        result = RunCli(["sweep", atlantis, "--out", output]);
        AssertUserError(result, "unknown province in a sweep value");
        Assert.Contains("unknown province 'Atlantis'", result.Stderr);
        Assert.False(Directory.Exists(output), "no run may start");
    }

    // ---- 3. Output folders are locked and checked ----

    [Fact]
    public async Task A_second_run_resume_or_sweep_into_a_folder_in_use_exits_2_naming_the_holder()
    {
        var output = _dir.File("busy");
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        CliApp.StepHook = sim =>
        {
            if (sim.Step == 2)
            {
                inside.Set();
                release.Wait(TimeSpan.FromMinutes(2));
            }
        };
        var first = Task.Factory.StartNew(() => RunCli(["run", _config, "--out", output, "--checkpoint-every", "4"]), TaskCreationOptions.LongRunning);
        Assert.True(inside.Wait(TimeSpan.FromMinutes(2)), "the first run did not start");
        try
        {
            foreach (var args in new[]
                     {
                         new[] { "run", _config, "--out", output },
                         ["run", _config, "--out", output, "--force"],
                         ["resume", output],
                         ["run", _config, "--out", output, "--resume"],
                         ["run", _config, "--out", output, "--replicates", "2"],
                         ["sweep", SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints(1), "two.yaml"), "--out", output],
                     })
            {
                var result = RunCli(args);
                AssertUserError(result, string.Join(' ', args));
                Assert.Contains($"is in use by another AgentSim process (pid {Environment.ProcessId} on", result.Stderr);
            }
        }
        finally
        {
            release.Set();
        }
        var (code, _, stderr) = await first;
        CliApp.StepHook = null;
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Equal(Manifest.StatusComplete, RunFixtures.Manifest(output).Status);
        Assert.False(File.Exists(Path.Combine(output, FolderLock.FileName)), "the lock file is removed at the end");
        Assert.Equal(ExitCodes.Success, RunCli(["run", _config, "--out", output, "--force"]).Code);
    }

    [Fact]
    public void Run_force_never_deletes_through_a_symlink()
    {
        var output = _dir.File("forced");
        Assert.Equal(ExitCodes.Success, RunCli(["run", _config, "--out", output]).Code);
        var victim = _dir.File("victim");
        Directory.CreateDirectory(Path.Combine(victim, "parts"));
        File.WriteAllText(Path.Combine(victim, "step-000004.ckpt"), "precious");
        File.WriteAllText(Path.Combine(victim, "parts", "provinces.0-4.parquet"), "precious");
        File.CreateSymbolicLink(Path.Combine(output, "checkpoint"), victim);

        var result = RunCli(["run", _config, "--out", output, "--force"]);
        AssertUserError(result, "--force with a symlinked checkpoint folder");
        Assert.Contains("symbolic link", result.Stderr);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(victim, "step-000004.ckpt")));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(victim, "parts", "provinces.0-4.parquet")));
        Assert.True(File.Exists(Path.Combine(output, "provinces.parquet")), "a refusal leaves the previous run whole");
    }

    [Fact]
    public void Sweep_collect_does_not_count_a_run_with_a_truncated_table()
    {
        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints(1));
        var output = _dir.File("sweep");
        Assert.Equal(ExitCodes.Success, RunCli(["sweep", config, "--out", output]).Code);
        Assert.Contains("2 of 2 runs complete", RunCli(["sweep", "collect", output]).Stdout);

        var plan = SweepPlan.Read(output);
        var table = Path.Combine(output, plan.Runs[1].Partition, "provinces.parquet");
        var bytes = File.ReadAllBytes(table);
        File.WriteAllBytes(table, bytes[..(bytes.Length / 2)]);
        var (code, stdout, _) = RunCli(["sweep", "collect", output]);
        Assert.Equal(ExitCodes.Incomplete, code);
        Assert.Contains("1 of 2 runs complete, 1 missing", stdout);
        Assert.Contains($"missing: {plan.Runs[1].RunId}", stdout);

        // A table replaced by a whole Parquet file of another size is caught by the size recorded at publish time.
        File.Copy(Path.Combine(output, plan.Runs[0].Partition, "industries.parquet"), table, overwrite: true);
        Assert.True(IsWholeParquet(table));
        Assert.Contains("1 of 2 runs complete", RunCli(["sweep", "collect", output]).Stdout);
    }

    [Fact]
    public void A_moved_sweep_gets_a_resubmit_command_for_its_new_place()
    {
        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints(1));
        var before = _dir.File("made-here");
        Assert.Equal(ExitCodes.Success, RunCli(["sweep", "plan", config, "--out", before]).Code);
        Assert.Equal(ExitCodes.Success, RunCli(["sweep", "slurm", before, "--tasks", "2"]).Code);
        var after = _dir.File("moved-there");
        Directory.Move(before, after);

        var (code, stdout, _) = RunCli(["sweep", "collect", after]);
        Assert.Equal(ExitCodes.Incomplete, code);
        var script = Path.Combine(after, "slurm", "sweep.sbatch");
        Assert.Contains($"resubmit: sbatch --array=0-1 {script}", stdout);
        Assert.Contains($"sweep run '{after}'", File.ReadAllText(script));
        Assert.DoesNotContain(before + "'", File.ReadAllText(script));
    }

    [Fact]
    public void Report_of_a_run_stopped_on_an_invariant_says_so_at_the_top()
    {
        var output = _dir.File("broken");
        CliApp.StepHook = sim =>
        {
            if (sim.Step - 1 == 5)
                sim.Provinces.LocalDebt[0] = double.NaN;
        };
        Assert.Equal(ExitCodes.InvariantViolation, RunCli(["run", _config, "--out", output]).Code);
        CliApp.StepHook = null;
        var (code, _, stderr) = RunCli(["report", output]);
        Assert.True(code == ExitCodes.Success, stderr);
        var html = File.ReadAllText(Path.Combine(output, "report", "report.html"));
        var warning = html.IndexOf("class=\"warning\"", StringComparison.Ordinal);
        Assert.True(warning > 0 && warning < html.IndexOf("<h2", StringComparison.Ordinal), "the warning comes before the first section");
        Assert.Contains("did not finish: invariant violated in quarter 5", html);
    }

    [Fact]
    public void Resume_refuses_a_manifest_whose_seed_was_edited()
    {
        var output = _dir.File("edited");
        CliApp.StepHook = sim =>
        {
            if (sim.Step - 1 == 6)
                throw new InvalidOperationException("simulated crash");
        };
        Assert.Equal(ExitCodes.Failure, RunCli(["run", _config, "--out", output, "--checkpoint-every", "3"]).Code);
        CliApp.StepHook = null;
        var manifestPath = Path.Combine(output, "manifest.json");
        var manifest = RunManifest.Deserialize(File.ReadAllText(manifestPath));
        manifest.Seed += 1;
        File.WriteAllText(manifestPath, RunManifest.Serialize(manifest));

        var result = RunCli(["resume", output]);
        AssertUserError(result, "resume with an edited manifest seed");
        Assert.Contains("the manifest was edited", result.Stderr);
    }

    // ---- 4. Valid configs must not break the model ----

    [Fact]
    public void The_memory_guard_stops_a_run_whose_firms_multiply_and_keeps_its_tables()
    {
        var output = _dir.File("growing");
        var config = WriteConfig("growing.yaml", "entry_exit:\n  base_entry_rate: 1\n", steps: 30);
        // Room for the start and a third more: the firms multiply well past that within the horizon.
        var start = RunWriter.EstimateBytes(ConfigLoader.Load(config).Config, RunFixtures.Provinces.Count);
        int code;
        string stderr;
        using (MemoryEstimate.OverrideLimit(MemoryEstimate.RuntimeBytes + start + (start / 3)))
            (code, _, stderr) = RunCli(["run", config, "--out", output]);
        Assert.True(code == ExitCodes.InvariantViolation, stderr);
        Assert.Contains("error: memory guard in quarter", stderr);
        var manifest = RunFixtures.Manifest(output);
        Assert.Equal(Manifest.StatusIncomplete, manifest.Status);
        Assert.Contains("memory guard", manifest.Error);
        foreach (var file in Directory.GetFiles(output, "*.parquet"))
            Assert.True(IsWholeParquet(file), file);
        Assert.True(manifest.RowCounts["provinces"] > 0, "the quarters before the stop are kept");
    }

    [Theory]
    [InlineData("levers.welfare_share.max=10", "not a share")]
    [InlineData("levers.production_subsidy.min=-0.5", "not a share")]
    [InlineData("levers.capex_subsidy.max=1.5", "not a share")]
    [InlineData("government.central_transfer_rate=1", "between 0 and 0.4")]
    [InlineData("government.initial_local_debt_ratio=5", "between 0 and 1.5")]
    [InlineData("households.safety_net_decay=0", "between 0.001 and 1")]
    [InlineData("government.local_debt_rate=0.2", "between 0 and 0.05")]
    [InlineData("incentives.pilot_provinces=[Zhejiang]", "incentives.switch_step: the pilots switch at step 20, after the horizon")]
    [InlineData("tariffs=[{industry: ev, rate: 0.2, from_step: 12}]", "tariffs[0].from_step: the tariff starts at step 12, after the horizon")]
    [InlineData("trade_in=[{industries: [ev], rebate_rate: 0.1, from_step: 10, to_step: 12}]", "trade_in[0].from_step: the programme starts at step 10")]
    [InlineData("incentives.pilot_provinces=['']", "province name must not be empty")]
    public void Nonsense_inside_the_old_ranges_is_refused(string assignment, string expected)
    {
        var result = RunCli(["validate", _config, "--set", assignment]);
        AssertUserError(result, assignment);
        Assert.Contains(expected, result.Stderr);
    }

    [Fact]
    public void Every_share_in_the_schema_is_within_0_and_1_and_an_empty_province_name_in_the_data_is_refused()
    {
        var shares = ConfigSchema.Parameters.Where(p => p.Unit == "fraction" && p.Meaning.StartsWith("Share", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(shares);
        foreach (var p in shares)
            Assert.True(p.Min >= 0 && p.Max <= 1, $"{p.KeyPath}: {p.RangeText}");

        var data = WriteText("empty-name.csv", File.ReadAllText(RunFixtures.ProvincesFile).Replace("Zhejiang,", " ,", StringComparison.Ordinal));
        var result = RunCli(["validate", _config, "--set", $"provinces.data_file={data}"]);
        AssertUserError(result, "empty province name");
        Assert.Contains("the province name is empty", result.Stderr);
    }

    [Theory]
    [InlineData("government.initial_local_debt_ratio=1.5")]
    [InlineData("government.central_transfer_rate=0.4")]
    [InlineData("firm_behaviour.investment_utilisation=10")]
    [InlineData("entry_exit.entrant_relative_size=5")]
    [InlineData("households.safety_net_decay=0.001")]
    [InlineData("government.min_programme_share=1")]
    [InlineData("government.local_debt_rate=0.05")]
    public void Values_at_the_new_range_ends_run_the_default_horizon(string assignment)
    {
        // 5,000 firms over the default 8 + 80 quarters: the scan of every range end was made at this size.
        var output = _dir.File("end");
        var (code, _, stderr) = RunCli(["run", _config, "--out", output, "--firms", "5000", "--steps", "80", "--set", "burn_in=8", "--set", assignment]);
        Assert.True(code == ExitCodes.Success, $"{assignment}: {stderr}");
    }
}
