using AgentSim.Config;
using AgentSim.Output;
using AgentSim.Output.Runs;
using AgentSim.Output.Tables;
using AgentSim.Tests.Output;

namespace AgentSim.Tests.Runs;

/// <summary>The run directory: every table readable by two independent readers, the manifest, and failure behaviour.</summary>
public sealed class RunWriterTests
{
    private const int Steps = 12;
    private const int BurnIn = 4;

    [Fact]
    public void Chosen_firm_columns_are_the_only_ones_in_the_file_and_read_back_in_DuckDB_as_in_a_full_snapshot()
    {
        var config = RunFixtures.SmallConfig(firms: 2_000, steps: 6, burnIn: BurnIn);
        config.Output.FirmsEvery = 3;
        using var all = new TempDirectory();
        RunFixtures.Run(config, all.Path);
        config.Output.FirmsColumns = ["profit", "province"];
        using var chosen = new TempDirectory();
        RunFixtures.Run(config, chosen.Path);

        var full = ParquetReadBack.ReadWithDuckDb(all.File(TableNames.FileName(TableNames.Firms)));
        var some = ParquetReadBack.ReadWithDuckDb(chosen.File(TableNames.FileName(TableNames.Firms)));
        Assert.Equal(["step", "firm_id", "province", "profit"], some.Keys);
        Assert.True(some["step"].Length > 1_000, "three snapshots of the firms");
        foreach (var column in some.Keys)
        {
            Assert.Equal(full[column], some[column]);
        }
    }

    [Fact]
    public void Every_table_reads_back_the_same_in_ParquetSharp_and_DuckDB_with_the_expected_rows()
    {
        var config = RunFixtures.SmallConfig(firms: 3_000, steps: Steps, burnIn: BurnIn);
        config.Output.FirmsEvery = 5;
        config.Output.FirmsSample = 400;
        using var dir = new TempDirectory();
        var result = RunFixtures.Run(config, dir.Path);

        var provinces = RunFixtures.Provinces.Count;
        var industries = config.Industries.Count;
        var yearEnds = Enumerable.Range(0, Steps).Count(s => (s + 1) % 4 == 0 && s + BurnIn + 1 >= 2 * config.Officials.EvaluationWindow);
        var expectedRows = new Dictionary<string, long>
        {
            [TableNames.Provinces] = Steps * provinces,
            [TableNames.Industries] = Steps * industries,
            [TableNames.Nation] = Steps,
            [TableNames.Officials] = yearEnds * provinces,
        };
        var tables = new Dictionary<string, Dictionary<string, object?[]>>();
        foreach (var table in TableNames.All)
        {
            var path = dir.File(TableNames.FileName(table));
            var parquetSharp = ParquetReadBack.ReadWithParquetSharp(path);
            var duckDb = ParquetReadBack.ReadWithDuckDb(path);
            TestTables.AssertSameTable(parquetSharp, duckDb);
            Assert.Equal(Schema(table, config).Columns.Select(c => c.Name), parquetSharp.Keys);
            Assert.Equal(result.RowCounts[table], parquetSharp["step"].LongLength);
            tables[table] = parquetSharp;
        }
        foreach (var (table, rows) in expectedRows)
        {
            Assert.Equal(rows, tables[table]["step"].LongLength);
        }

        // Firms: snapshots at steps 4 and 9 (every 5th quarter) and the last step, at most 400 sampled firms each.
        var snapshots = tables[TableNames.Firms]["step"].Cast<int>().GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal([4, 9, Steps - 1], snapshots.Keys.Order());
        Assert.All(snapshots.Values, count => Assert.InRange(count, 300, 400));
        var ids = tables[TableNames.Firms]["firm_id"].Cast<int>().ToArray();
        var steps = tables[TableNames.Firms]["step"].Cast<int>().ToArray();
        Assert.Equal(ids.Length, ids.Zip(steps).Distinct().Count());

        // Keys and derived columns hold what they say.
        var provinceSteps = tables[TableNames.Provinces]["step"].Cast<int>().ToArray();
        Assert.Equal(Enumerable.Range(0, Steps).SelectMany(s => Enumerable.Repeat(s, provinces)), provinceSteps);
        Assert.Equal(RunFixtures.Provinces.Select(p => p.Name), tables[TableNames.Provinces]["province"].Take(provinces).Cast<string>());
        Assert.All(tables[TableNames.Provinces]["incentive_rule"].Cast<string>(), r => Assert.Equal("gdp", r));
        Assert.All(RunFixtures.Doubles(tables[TableNames.Provinces], "gdp_growth").Take(provinces), g => Assert.Equal(0.0, g));
        var utilisation = RunFixtures.Doubles(tables[TableNames.Industries], "utilisation");
        Assert.All(utilisation, u => Assert.InRange(u, 0.0, 1.0 + 1e-12));
        Assert.Equal(config.Industries.Select(i => i.Name), tables[TableNames.Industries]["industry"].Take(industries).Cast<string>());

        var manifest = RunFixtures.Manifest(dir.Path);
        Assert.Equal(Manifest.StatusComplete, manifest.Status);
        Assert.Equal(result.RowCounts.OrderBy(kv => kv.Key), manifest.RowCounts.OrderBy(kv => kv.Key));
        Assert.Equal(TableNames.All.Order(), manifest.Files.Keys.Order());
        Assert.Equal(config.Seed, manifest.Seed);
        Assert.Equal(Steps, manifest.Steps);
        Assert.Equal(3_000, manifest.Firms);
        Assert.Equal("# test\n", manifest.ResolvedConfigYaml);
        Assert.NotNull(manifest.FinishedUtc);
        Assert.Equal(["burn_in", "init", "steps", "total", "write"], manifest.TimingsSeconds.Keys.Order());
        Assert.Equal(
            TableNames.All.Select(TableNames.FileName).Append(RunManifest.FileName).Order(StringComparer.Ordinal),
            dir.Entries());
    }

    [Fact]
    public void Headlines_are_finite_and_plausible()
    {
        using var dir = new TempDirectory();
        var h = RunFixtures.Run(RunFixtures.SmallConfig(firms: 3_000, steps: 8, burnIn: 4), dir.Path).Headlines;
        Assert.Equal(8, h.Steps);
        Assert.InRange(h.ConsumptionShareFinalYear, 0.1, 0.9);
        Assert.InRange(h.StrategicUtilisationFinalYear, 0.0, 1.0);
        Assert.InRange(h.NonStrategicUtilisationFinalYear, 0.0, 1.0);
        Assert.InRange(h.ZombieShareFinal, 0.0, 1.0);
        Assert.True(double.IsFinite(h.GdpGrowthAnnualised));
        Assert.True(double.IsFinite(h.StrategicPriceChange));
        Assert.True(h.FirmsFinal > 0);
    }

    [Fact]
    public void Firms_table_is_not_written_when_snapshots_are_off()
    {
        using var dir = new TempDirectory();
        var result = RunFixtures.Run(RunFixtures.SmallConfig(firms: 1_000, steps: 2, burnIn: 0), dir.Path);
        Assert.False(File.Exists(dir.File("firms.parquet")));
        Assert.DoesNotContain(TableNames.Firms, result.Files.Keys);
        Assert.Equal(2 * RunFixtures.Provinces.Count, ParquetReadBack.ReadWithDuckDb(result.Files[TableNames.Provinces])["step"].Length);
    }

    [Fact]
    public void A_non_empty_directory_is_refused_without_force_and_reused_with_it()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("notes.txt"), "keep me");
        File.WriteAllText(dir.File("firms.parquet"), "stale");
        var config = RunFixtures.SmallConfig(firms: 1_000, steps: 2, burnIn: 0);

        var refused = Assert.Throws<OutputException>(() => RunFixtures.Run(config, dir.Path));
        Assert.Contains("not empty", refused.Message);
        Assert.False(File.Exists(dir.File(RunManifest.FileName)));

        RunFixtures.Run(config, dir.Path, force: true);
        Assert.Equal("keep me", File.ReadAllText(dir.File("notes.txt")));
        Assert.False(File.Exists(dir.File("firms.parquet")), "a previous run's table the new run does not write must not survive --force");
        Assert.Equal(Manifest.StatusComplete, RunFixtures.Manifest(dir.Path).Status);
    }

    [Fact]
    public void A_file_in_place_of_the_directory_is_an_output_error()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("run"), "");
        Assert.Throws<OutputException>(() => RunFixtures.Run(RunFixtures.SmallConfig(1_000, 2, 0), dir.File("run")));
    }

    [Fact]
    public void A_cancelled_run_leaves_no_table_and_an_incomplete_manifest()
    {
        using var dir = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        var config = RunFixtures.SmallConfig(firms: 2_000, steps: 12, burnIn: 2);
        config.Output.FirmsEvery = 1;
        var progress = new CancelAt(RunPhase.Simulating, 5, cancel);

        Assert.ThrowsAny<OperationCanceledException>(() => RunFixtures.Run(config, dir.Path, progress: progress, ct: cancel.Token));

        Assert.Equal([RunManifest.FileName], dir.Entries());
        Assert.Equal(Manifest.StatusIncomplete, RunFixtures.Manifest(dir.Path).Status);
    }

    [Fact]
    public void Bad_input_in_the_config_is_an_input_error_after_the_manifest_is_written()
    {
        using var dir = new TempDirectory();
        var config = RunFixtures.SmallConfig(firms: 1_000, steps: 2, burnIn: 0);
        config.Incentives.PilotProvinces.Add("Atlantis");
        var error = Assert.Throws<AgentSim.Model.State.InputException>(() => RunFixtures.Run(config, dir.Path));
        Assert.Contains("Atlantis", error.Message);
        Assert.Equal(Manifest.StatusIncomplete, RunFixtures.Manifest(dir.Path).Status);
        Assert.Equal([RunManifest.FileName], dir.Entries());
    }

    private static TableSchema Schema(string table, SimulationConfig config)
    {
        var names = config.Industries.Select(i => i.Name).ToArray();
        return RunTables.Schemas(names).Single(s => s.TableName == table);
    }

    private sealed class CancelAt(RunPhase phase, int step, CancellationTokenSource cancel) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            if (value.Phase == phase && value.Step == step)
            {
                cancel.Cancel();
            }
        }
    }
}
