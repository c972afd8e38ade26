using AgentSim.Analysis.Sweeps;
using AgentSim.Cli;
using AgentSim.Config;
using AgentSim.Model.Guards;
using AgentSim.Output;
using AgentSim.Output.Runs;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;
using DuckDB.NET.Data;

namespace AgentSim.Tests.Sweeps;

/// <summary>
/// <c>agentsim sweep</c> through <see cref="CliApp.Run"/>: local sweeps, resume, leftovers of interrupted runs, the
/// Hive layout read back by DuckDB, and the cluster subcommands without a cluster.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class SweepCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (int Code, string Stdout, string Stderr) Cli(params string[] args) => SweepFixtures.Cli(args);

    [Theory]
    [InlineData("sweep")]
    [InlineData("sweep", "CONFIG", "--bogus")]
    [InlineData("sweep", "CONFIG", "--parallel", "x")]
    [InlineData("sweep", "CONFIG", "--task-index", "1")]
    [InlineData("sweep", "CONFIG", "extra.yaml")]
    [InlineData("sweep", "plan", "CONFIG", "--parallel", "2")]
    [InlineData("sweep", "run")]
    [InlineData("sweep", "run", "DIR", "--all", "--task-index", "0")]
    [InlineData("sweep", "run", "DIR", "--task-index", "4", "--tasks", "4")]
    [InlineData("sweep", "slurm", "DIR", "--mem", "4 G")]
    [InlineData("sweep", "collect", "DIR", "--submit")]
    [InlineData("sweep", "CONFIG", "--set", "novalue")]
    public void Bad_arguments_exit_2_with_one_error_line(params string[] args)
    {
        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints());
        var (code, stdout, stderr) = Cli(args.Select(a => a == "CONFIG" ? config : a == "DIR" ? _dir.File("nothing") : a).ToArray());
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Runs_that_fit_one_at_a_time_but_not_together_are_refused_before_any_starts()
    {
        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints().Replace("firms: 1500", "firms: 2000000"));
        long one = RunWriter.EstimateBytes(ConfigLoader.Load(config).Config, RunFixtures.Provinces.Count);
        var output = _dir.File("big");
        // Room for one run and the runtime, not for two.
        using (MemoryEstimate.OverrideLimit(one + MemoryEstimate.RuntimeBytes + one / 2))
        {
            var (code, _, stderr) = Cli("sweep", config, "--out", output, "--parallel", "2");
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Matches(@"^error: not enough memory for 2 sweep runs at once \(--parallel 2\): it needs about [0-9.]+ [GM]B", stderr);
            Assert.Contains("fewer runs at once (--parallel)", stderr);
        }
        Assert.False(Directory.Exists(output) && Directory.EnumerateFiles(output, "manifest.json", SearchOption.AllDirectories).Any(),
            "no run may start");
    }

    [Fact]
    public void Misplaced_option_names_the_subcommand_it_belongs_to()
    {
        var (code, _, stderr) = Cli("sweep", "plan", "x.yaml", "--parallel", "2");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("it belongs to sweep CONFIG and sweep run", stderr);
    }

    [Fact]
    public void Config_without_sweep_section_and_bad_values_are_bad_input()
    {
        var plain = SweepFixtures.Write(_dir.Path, "steps: 8\n", "plain.yaml");
        var (code, _, stderr) = Cli("sweep", plain, "--out", _dir.File("a"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("has no 'sweep:' section", stderr);
        Assert.False(Directory.Exists(_dir.File("a")));

        var bad = SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints().Replace("[0.5, 3]", "[0.5, fast]"), "bad.yaml");
        (code, _, stderr) = Cli("sweep", bad, "--out", _dir.File("b"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("sweep.parameters[0].values[1]: officials.promotion_strength=fast", stderr);
        Assert.False(Directory.Exists(_dir.File("b")));
    }

    [Fact]
    public void Help_is_printed_for_the_command_and_each_subcommand()
    {
        foreach (var args in new[] { new[] { "sweep", "--help" }, ["sweep", "plan", "--help"], ["sweep", "run", "-h"], ["sweep", "slurm", "--help"], ["sweep", "collect", "--help"] })
        {
            var (code, stdout, _) = Cli(args);
            Assert.Equal(ExitCodes.Success, code);
            Assert.Contains("Usage: agentsim sweep", stdout);
        }
        Assert.Contains("agentsim sweep CONFIG", Cli("--help").Stdout);
    }

    [Fact]
    public void Local_sweep_writes_partitions_and_summary_and_resumes_without_rerunning()
    {
        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints());
        var output = _dir.File("out");
        var (code, stdout, stderr) = Cli("sweep", config, "--out", output, "--parallel", "2");
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        Assert.Contains("4 runs (2 points of officials.promotion_strength × 2 replicates), 1,500 firms, 2 burn-in + 8 quarters, common random numbers", stdout);
        Assert.Contains("runs 4/4 · failed 0 · already complete 0", stdout);
        Assert.Contains("complete: 4 of 4 runs (4 run now, 0 already complete, 0 failed)", stdout);

        var plan = SweepPlan.Read(output);
        var directory = new SweepDirectory(output, plan);
        foreach (var run in plan.Runs)
        {
            var final = directory.FinalPath(run);
            Assert.Equal(Manifest.StatusComplete, RunFixtures.Manifest(final).Status);
            Assert.Equal(run.RunId, SweepDirectory.ReadRecord(final)!.RunId);
            Assert.Equal(run.Seed, RunFixtures.Manifest(final).Seed);
        }
        Assert.False(Directory.Exists(directory.TempRoot));
        var stamps = plan.Runs.Select(r => File.GetLastWriteTimeUtc(Path.Combine(directory.FinalPath(r), "provinces.parquet"))).ToList();

        (code, stdout, stderr) = Cli("sweep", config, "--out", output);
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        Assert.Contains("resuming: 4 of 4 runs already complete", stdout);
        Assert.Contains("complete: 4 of 4 runs (0 run now, 4 already complete, 0 failed)", stdout);
        Assert.Equal(stamps, plan.Runs.Select(r => File.GetLastWriteTimeUtc(Path.Combine(directory.FinalPath(r), "provinces.parquet"))));

        var summary = ParquetReadBack.ReadWithParquetSharp(Path.Combine(output, SweepDirectory.SummaryFile));
        Assert.Equal(plan.Runs.Select(r => (object?)r.RunId), summary["run_id"]);
        Assert.Equal(new object?[] { 0.5, 0.5, 3.0, 3.0 }, summary["promotion_strength"]);
        Assert.Equal(plan.Runs.Select(r => (object?)r.Seed), summary["seed"]);
        Assert.Equal(new object?[] { 0, 1, 0, 1 }, summary["replicate"]);
        foreach (var column in new[] { "consumption_share_end", "strategic_utilisation_end", "strategic_price_change", "zombie_share_end", "gdp_growth_annualised", "pilot_income_growth_did" })
            Assert.All(summary[column], v => Assert.True(double.IsFinite((double)v!), column));
        // Replicate r of both points has the same seed: common random numbers.
        Assert.Equal(summary["seed"][0], summary["seed"][2]);

        var runs = ParquetReadBack.ReadWithParquetSharp(Path.Combine(output, SweepDirectory.RunsFile));
        Assert.Equal(plan.Runs.Select(r => (object?)r.Partition), runs["partition"]);
    }

    [Fact]
    public void Different_config_into_the_same_directory_is_refused()
    {
        var output = _dir.File("out");
        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints(replicates: 1));
        Assert.Equal(ExitCodes.Success, Cli("sweep", "plan", config, "--out", output).Code);
        Assert.Equal(ExitCodes.Success, Cli("sweep", "plan", config, "--out", output).Code);
        var (code, _, stderr) = Cli("sweep", config, "--out", output, "--steps", "9");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("holds another sweep", stderr);

        Directory.CreateDirectory(_dir.File("busy"));
        File.WriteAllText(_dir.File("busy/x.txt"), "x");
        (code, _, stderr) = Cli("sweep", config, "--out", _dir.File("busy"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("not empty and holds no sweep plan", stderr);
    }

    [Fact]
    public async Task Leftovers_of_an_interrupted_sweep_are_ignored_and_redone()
    {
        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints());
        var output = _dir.File("out");
        Assert.Equal(ExitCodes.Success, Cli("sweep", "plan", config, "--out", output).Code);
        var directory = SweepDirectory.Open(output);
        var runner = new SweepRunner(directory);
        Assert.Equal(RunOutcome.Completed, (await runner.RunOneAsync(directory.Plan.Runs[0], 1)).Outcome);

        // A run killed mid-write: a temporary directory of a process that no longer exists, with a whole table in it.
        var dead = FindDeadPid();
        var killed = Path.Combine(directory.TempRoot, $"{directory.Plan.Runs[1].RunId}.{SweepDirectory.HostName}.{dead}.abcdefgh");
        Directory.CreateDirectory(killed);
        File.Copy(Path.Combine(directory.FinalPath(directory.Plan.Runs[0]), "provinces.parquet"), Path.Combine(killed, "provinces.parquet"));
        // Something at a run's final name that is not that complete run (e.g. copied by hand, half of it).
        var stray = directory.FinalPath(directory.Plan.Runs[2]);
        Directory.CreateDirectory(stray);
        File.WriteAllText(Path.Combine(stray, "manifest.json"), "{\"status\": \"incomplete\"}");

        var (code, stdout, stderr) = Cli("sweep", "collect", output);
        Assert.Equal(ExitCodes.Incomplete, code);
        Assert.Contains("1 of 4 runs complete, 3 missing", stdout);
        Assert.Contains("removed 1 temporary run directories left by ended processes", stdout);
        Assert.Contains($"warning: {stray} is at a run's final name", stdout);
        Assert.Contains($"missing: {directory.Plan.Runs[1].RunId} (promotion_strength=0.5, replicate 1)", stdout);
        Assert.Contains($"resume: agentsim sweep run {output} --all", stdout);
        Assert.False(Directory.Exists(killed));
        Assert.Equal("", stderr);

        (code, stdout, stderr) = Cli("sweep", config, "--out", output);
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        Assert.Contains("complete: 4 of 4 runs (3 run now, 1 already complete, 0 failed)", stdout);
        Assert.True(directory.IsComplete(directory.Plan.Runs[2]));
        Assert.True(directory.Scan().IsComplete);
    }

    [Fact]
    public async Task Cancelled_sweep_leaves_no_partial_run_and_resumes()
    {
        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.Yaml("""
            replicates: 3
            parameters:
              - key: officials.promotion_strength
                values: [0.5, 3]
            """, steps: 40));
        var output = _dir.File("out");
        Assert.Equal(ExitCodes.Success, Cli("sweep", "plan", config, "--out", output).Code);
        var directory = SweepDirectory.Open(output);
        using var cancel = new CancellationTokenSource();
        var progress = new Progress(p =>
        {
            if (p.Done >= 1)
                cancel.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new SweepRunner(directory).RunAsync(directory.Plan.Runs, 2, progress, cancel.Token));
        var scan = directory.Scan();
        Assert.InRange(scan.Complete.Count, 1, 5);
        Assert.True(scan.Missing.Count >= 1);
        Assert.Empty(scan.Temporaries);
        Assert.Empty(scan.Incomplete);

        var (code, stdout, stderr) = Cli("sweep", config, "--out", output);
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        Assert.Contains($"already complete {scan.Complete.Count}", stdout);
        Assert.True(directory.Scan().IsComplete);
    }

    [Fact]
    public async Task A_run_executed_twice_at_once_is_published_once()
    {
        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints(replicates: 1));
        var output = _dir.File("out");
        Assert.Equal(ExitCodes.Success, Cli("sweep", "plan", config, "--out", output).Code);
        var directory = SweepDirectory.Open(output);
        var run = directory.Plan.Runs[0];
        // Two runners that both find the run missing, as two Slurm executions of one task would.
        var first = new SweepRunner(directory);
        var second = new SweepRunner(directory);
        var both = await Task.WhenAll(Task.Run(() => first.RunOneAsync(run, 1)), Task.Run(() => second.RunOneAsync(run, 1)));
        var outcomes = both.Select(b => b.Outcome).ToList();
        Assert.All(both, b => Assert.Null(b.Error));
        Assert.Equal(1, outcomes.Count(o => o == RunOutcome.Completed));
        Assert.Contains(outcomes, o => o is RunOutcome.Duplicate or RunOutcome.Skipped);
        Assert.True(directory.IsComplete(run));
        Assert.Empty(directory.Scan().Temporaries);
        Assert.Empty(directory.Scan().Duplicates);
    }

    [Fact]
    public void Task_shares_collect_into_the_same_data_as_a_local_sweep_and_read_as_one_hive_dataset()
    {
        var config = SweepFixtures.Write(_dir.Path, SweepFixtures.Yaml("""
            replicates: 2
            parameters:
              - key: officials.promotion_strength
                values: [0.5, 3]
              - key: incentives.pilot_provinces
                values: [[Zhejiang], [Zhejiang, Fujian]]
                labels: [one, two]
            """));
        var local = _dir.File("local");
        var sharded = _dir.File("sharded");
        Assert.Equal(ExitCodes.Success, Cli("sweep", config, "--out", local).Code);
        Assert.Equal(ExitCodes.Success, Cli("sweep", "plan", config, "--out", sharded).Code);
        Assert.Equal(ExitCodes.Success, Cli("sweep", "slurm", sharded, "--tasks", "3").Code);
        var script = File.ReadAllText(Path.Combine(sharded, "slurm", "sweep.sbatch"));
        Assert.Contains("#SBATCH --array=0-2", script);
        Assert.Contains("#SBATCH --requeue", script);
        Assert.Contains($"sweep run '{sharded}' --task-index \"$SLURM_ARRAY_TASK_ID\" --tasks 3", script);

        for (var task = 0; task < 2; task++)
        {
            var (taskCode, taskOut, taskErr) = Cli("sweep", "run", sharded, "--task-index", task.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(taskCode == ExitCodes.Success, taskErr + taskOut);
            Assert.Contains($"task {task} of 3", taskOut);
        }
        var (code, stdout, _) = Cli("sweep", "collect", sharded);
        Assert.Equal(ExitCodes.Incomplete, code);
        Assert.Contains("resubmit: sbatch --array=2 ", stdout);
        Assert.Equal(ExitCodes.Success, Cli("sweep", "run", sharded, "--task-index", "2").Code);
        (code, stdout, _) = Cli("sweep", "collect", sharded);
        Assert.True(code == ExitCodes.Success, stdout);
        Assert.Contains("8 of 8 runs complete, 0 missing", stdout);

        var plan = SweepPlan.Read(sharded);
        foreach (var run in plan.Runs)
            foreach (var table in new[] { "provinces", "industries", "nation", "officials" })
                Assert.Equal(RunFixtures.Read(Path.Combine(local, run.Partition), table), RunFixtures.Read(Path.Combine(sharded, run.Partition), table));

        // A run being written (its tables are complete one by one before the run is) stays out of the glob.
        var writing = Path.Combine(new SweepDirectory(sharded, plan).TempRoot, $"{plan.Runs[0].RunId}.{SweepDirectory.HostName}.{Environment.ProcessId}.abcdefgh");
        Directory.CreateDirectory(writing);
        File.Copy(Path.Combine(sharded, plan.Runs[0].Partition, "provinces.parquet"), Path.Combine(writing, "provinces.parquet"));

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $$"""
            SELECT promotion_strength, pilot_provinces, count(DISTINCT replicate), count(*), typeof(promotion_strength), typeof(replicate)
            FROM read_parquet('{{sharded}}/**/provinces.parquet', hive_partitioning = true,
                              hive_types = {'promotion_strength': DOUBLE})
            GROUP BY ALL ORDER BY ALL
            """;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add(string.Join(' ', Enumerable.Range(0, 6).Select(c => Convert.ToString(reader.GetValue(c), System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(["0.5 one 2 496 DOUBLE BIGINT", "0.5 two 2 496 DOUBLE BIGINT", "3 one 2 496 DOUBLE BIGINT", "3 two 2 496 DOUBLE BIGINT"], rows);

        // The summary joins the partitions on the same columns.
        command.CommandText = $"""
            SELECT count(*) FROM read_parquet('{sharded}/summary.parquet') s
            JOIN (SELECT DISTINCT promotion_strength, pilot_provinces, replicate
                  FROM read_parquet('{sharded}/**/industries.parquet', hive_partitioning = true)) p
            USING (promotion_strength, pilot_provinces, replicate)
            """;
        Assert.Equal(8L, Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A process id that no process has now.</summary>
    private static int FindDeadPid()
    {
        for (var pid = 4_000_000; ; pid--)
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Dispose();
            }
            catch (ArgumentException)
            {
                return pid;
            }
        }
    }

    private sealed class Progress(Action<SweepProgress> report) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => report(value);
    }
}
