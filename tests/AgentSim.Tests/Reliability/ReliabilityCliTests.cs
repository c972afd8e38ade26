using System.Security.Cryptography;
using AgentSim.Cli;
using AgentSim.Config;
using AgentSim.Model.Guards;
using AgentSim.Output;
using AgentSim.Output.Runs;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Reliability;

/// <summary>
/// The reliability guarantees through the real entry point (<see cref="CliApp.Run"/>) with the real YAML loader:
/// resume and run --resume, refused checkpoints (exit 2), a broken invariant (exit 4), the memory refusal (exit 2,
/// nothing written) and output safety (nothing outside --out is written; scenario names cannot escape it).
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ReliabilityCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _config;

    public ReliabilityCliTests()
    {
        CliApp.ConfigSource = CliApp.LoadYaml;
        _config = WriteConfig("reliab.yaml", $"provinces:\n  data_file: {Quote(RunFixtures.ProvincesFile)}\n");
    }

    public void Dispose()
    {
        CliApp.StepHook = null;
        _dir.Dispose();
    }

    private string WriteConfig(string name, string extra)
    {
        var path = _dir.File(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "name: reliab\nfirms: 1500\nsteps: 10\nburn_in: 2\nthreads: 1\noutput:\n  firms_every: 4\n" + extra);
        return path;
    }

    private static string Quote(string path) => "\"" + path.Replace("\\", "\\\\", StringComparison.Ordinal) + "\"";

    private static (int Code, string Stdout, string Stderr) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs with checkpoints every 3 quarters and crashes (an exception from the step hook) at quarter <paramref name="crashAt"/>.</summary>
    private string Crashed(string name, int crashAt, params string[] extra)
    {
        var output = _dir.File(name);
        CliApp.StepHook = sim =>
        {
            if (sim.Step - 1 == crashAt)
            {
                throw new InvalidOperationException("simulated crash");
            }
        };
        var (code, _, stderr) = Cli(["run", _config, "--out", output, "--checkpoint-every", "3", .. extra]);
        CliApp.StepHook = null;
        Assert.True(code == ExitCodes.Failure, stderr);
        return output;
    }

    [Fact]
    public void Resume_and_run_resume_continue_to_the_uninterrupted_tables()
    {
        var reference = _dir.File("reference");
        Assert.Equal(ExitCodes.Success, Cli("run", _config, "--out", reference).Code);

        var output = Crashed("resume", crashAt: 7);
        var (code, stdout, stderr) = Cli("resume", output, "--threads", "2");
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("from its checkpoint at step 6", stdout);
        Assert.Contains("quarter 10/10", stdout);
        ResumeTests.AssertSameTables(reference, output);
        Assert.Contains("already complete", Cli("resume", output).Stdout);

        // The same command line with --resume: checked against the checkpoint's config, then continued.
        var again = Crashed("run-resume", crashAt: 4);
        (code, _, stderr) = Cli("run", _config, "--out", again, "--resume");
        Assert.True(code == ExitCodes.Success, stderr);
        ResumeTests.AssertSameTables(reference, again);
        Assert.Equal(3, RunFixtures.Manifest(again).ResumedFromStep);

        // --resume on a fresh directory simply runs.
        var fresh = _dir.File("fresh");
        Assert.Equal(ExitCodes.Success, Cli("run", _config, "--out", fresh, "--resume").Code);
        ResumeTests.AssertSameTables(reference, fresh);
    }

    [Fact]
    public void Unusable_checkpoints_and_wrong_choices_exit_2_with_one_clear_line()
    {
        var output = Crashed("refused", crashAt: 7);

        var (code, _, stderr) = Cli("run", _config, "--out", output);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("holds an interrupted run (checkpoint at step 6)", stderr);
        Assert.Contains("agentsim resume", stderr);

        (code, _, stderr) = Cli("run", _config, "--out", output, "--resume", "--seed", "99");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("different configuration", stderr);

        Assert.Equal(ExitCodes.BadInput, Cli("run", _config, "--out", output, "--resume", "--force").Code);

        var newest = RunCheckpoint.List(output)[0].Path;
        var bytes = File.ReadAllBytes(newest);
        bytes[^100] ^= 1;
        File.WriteAllBytes(newest, bytes);
        (code, _, stderr) = Cli("resume", output);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: checkpoint 'checkpoint/step-000006.ckpt' is corrupted (checksum mismatch)", stderr.Replace('\\', '/'));
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));

        // As the message says: without the damaged file, the previous checkpoint is used.
        File.Delete(newest);
        (code, var stdout, stderr) = Cli("resume", output);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("from its checkpoint at step 3", stdout);

        (code, _, stderr) = Cli("resume", _dir.File("nowhere"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no run directory", stderr);
        Assert.Equal(ExitCodes.BadInput, Cli("resume").Code);
    }

    [Fact]
    public void A_broken_invariant_exits_4_naming_it_and_keeps_the_tables()
    {
        var output = _dir.File("nan");
        CliApp.StepHook = sim =>
        {
            if (sim.Step - 1 == 5)
            {
                sim.Provinces.LocalDebt[0] = double.NaN;
            }
        };
        var (code, _, stderr) = Cli("run", _config, "--out", output);
        Assert.Equal(ExitCodes.InvariantViolation, code);
        Assert.Contains($"error: invariant violated in quarter 5, phase 'provinces, nation, officials': local_debt of province {RunFixtures.Provinces[0].Name} is NaN", stderr);
        Assert.Contains("tables hold the quarters before", stderr);
        var manifest = RunFixtures.Manifest(output);
        Assert.Equal(Manifest.StatusIncomplete, manifest.Status);
        Assert.Contains("local_debt", manifest.Error);
        Assert.Equal(5 * RunFixtures.Provinces.Count, RunFixtures.Read(output, "provinces")["step"].Length);
    }

    [Fact]
    public void A_run_that_cannot_fit_in_memory_is_refused_before_anything_is_written()
    {
        var huge = WriteConfig("huge.yaml", $"provinces:\n  data_file: {Quote(RunFixtures.ProvincesFile)}\n");
        File.WriteAllText(huge, File.ReadAllText(huge).Replace("firms: 1500", "firms: 50000000"));
        var output = _dir.File("huge");
        using (MemoryEstimate.OverrideLimit(1L << 30))
        {
            foreach (var args in new[]
                     {
                         new[] { "run", huge, "--out", output },
                         ["validate", huge],
                         ["compare", huge, "--replicates", "2", "--out", output],
                         ["run", _config, "--out", output, "--firms", "20000000"],
                     })
            {
                var (code, _, stderr) = Cli(args);
                Assert.True(code == ExitCodes.BadInput, $"{string.Join(' ', args)}: exit {code}, {stderr}");
                Assert.Matches(@"^error: not enough memory for .*firms.*: it needs about [0-9.]+ GB, and 1\.00 GB is available", stderr);
                Assert.False(Directory.Exists(output), "nothing may be written for a refused run");
            }
            // A run that fits goes ahead under the same limit.
            Assert.Equal(ExitCodes.Success, Cli("validate", _config).Code);
        }
        long estimate = RunWriter.EstimateBytes(new SimulationConfig { Firms = 50_000_000 }, 31);
        Assert.InRange(estimate, 10L << 30, 40L << 30);
    }

    [Fact]
    public void Nothing_outside_the_output_folder_is_written_and_the_data_file_is_only_read()
    {
        // The config lives in one folder and points at data in a sibling folder: both are inputs only.
        var data = _dir.File(Path.Combine("inputs", "data", "provinces.csv"));
        Directory.CreateDirectory(Path.GetDirectoryName(data)!);
        File.Copy(RunFixtures.ProvincesFile, data);
        var config = WriteConfig(Path.Combine("inputs", "configs", "outside.yaml"), "provinces:\n  data_file: ../data/provinces.csv\n");
        var absolute = WriteConfig(Path.Combine("inputs", "configs", "absolute.yaml"), $"provinces:\n  data_file: {Quote(data)}\n");
        File.SetLastWriteTimeUtc(data, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var repositoryData = Snapshot(Path.GetDirectoryName(RunFixtures.ProvincesFile)!);
        var before = Snapshot(_dir.Path);

        var output = _dir.File("out");
        Assert.Equal(ExitCodes.Success, Cli("run", config, "--out", output, "--checkpoint-every", "3").Code);
        Assert.Equal(ExitCodes.Success, Cli("run", absolute, "--out", Path.Combine(output, "second")).Code);
        Assert.Equal(ExitCodes.Success, Cli("run", config, "--out", output, "--force").Code);

        var after = Snapshot(_dir.Path);
        var outside = after.Where(f => !f.Key.StartsWith(output + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal(before.Keys.Order(), outside.Keys.Order());
        foreach (var (path, state) in before)
        {
            Assert.True(state == outside[path], $"{path} was modified by a run");
        }
        Assert.Equal(repositoryData, Snapshot(Path.GetDirectoryName(RunFixtures.ProvincesFile)!));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("c:\\\\x")]
    public void A_scenario_name_cannot_lead_outside_the_output_folder(string name)
    {
        var config = WriteConfig($"named{name.Length}.yaml", $"provinces:\n  data_file: {Quote(RunFixtures.ProvincesFile)}\n");
        File.WriteAllText(config, File.ReadAllText(config).Replace("name: reliab", $"name: \"{name}\""));
        var output = _dir.File("compare");
        var (code, _, stderr) = Cli("compare", config, "--replicates", "1", "--tables", "--out", output);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("cannot name an output folder", stderr);
        Assert.False(Directory.Exists(output));
        Assert.Equal(ExitCodes.BadInput, Cli("validate", config).Code);
    }

    [Fact]
    public void No_config_string_names_a_file_to_write()
    {
        // Every string-valued config key, and what it is for. A new one must not name an output path (outputs go
        // only under --out); review it, then add it here.
        var reviewed = new Dictionary<string, string>
        {
            ["name"] = "label; a single folder-name component, checked by the config rules",
            ["provinces.data_file"] = "input, only read",
            ["industries[].name"] = "label (snake_case)",
            ["incentives.pilot_provinces"] = "labels referring to provinces",
            ["tariffs[].industry"] = "label referring to an industry",
            ["trade_in[].industries"] = "labels referring to industries",
            ["output.firms_columns"] = "labels referring to columns of firms.parquet, checked against them",
        };
        var strings = ConfigSchema.Parameters.Where(p => p.TypeName.Contains("string", StringComparison.Ordinal))
            .Select(p => p.KeyPath).Order().ToList();
        Assert.Equal(reviewed.Keys.Order(), strings);
    }

    /// <summary>Every file under <paramref name="root"/>: length, modification time and content hash.</summary>
    private static Dictionary<string, (long Length, DateTime Modified, string Hash)> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(
            f => f,
            f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));
}
