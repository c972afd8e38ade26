using AgentSim.Config;
using AgentSim.Model.Checkpoints;
using AgentSim.Output;
using AgentSim.Output.Runs;
using AgentSim.Output.Tables;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Reliability;

/// <summary>
/// Checkpoints through <see cref="RunWriter"/>: a run interrupted after a checkpoint and resumed writes exactly the
/// tables of an uninterrupted run (every column of every table, read back with ParquetSharp), and a checkpoint that
/// is damaged, of another format version or config, or missing is refused with a clear message.
/// </summary>
public sealed class ResumeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A small run with a firms table whose snapshots fall on both sides of checkpoints.</summary>
    private static SimulationConfig Config(long seed = 5)
    {
        var config = RunFixtures.SmallConfig(firms: 1_800, steps: 14, burnIn: 2, seed: seed);
        config.Output.FirmsEvery = 3;
        config.Output.FirmsSample = 700;
        return config;
    }

    private static RunRequest Request(SimulationConfig config, string directory, int checkpointEvery, Action<AgentSim.Model.Simulation>? onStep = null) => new()
    {
        Config = config,
        Provinces = RunFixtures.Provinces,
        OutputDirectory = directory,
        ConfigPath = "test.yaml",
        ResolvedConfigYaml = ConfigYaml.Write(config),
        Threads = 1,
        CheckpointEvery = checkpointEvery,
        OnStep = onStep,
    };

    /// <summary>Runs with checkpoints and stops it (as a crash would) once <paramref name="stopAfter"/> quarters are recorded.</summary>
    private string Interrupted(string name, int checkpointEvery, int stopAfter, SimulationConfig? config = null)
    {
        var directory = _dir.File(name);
        var recorded = 0;
        var ex = Assert.Throws<SimulatedCrash>(() => RunWriter.RunAsync(Request(config ?? Config(), directory, checkpointEvery, _ =>
        {
            if (++recorded == stopAfter)
            {
                throw new SimulatedCrash();
            }
        })).GetAwaiter().GetResult());
        Assert.Equal(Manifest.StatusIncomplete, RunFixtures.Manifest(directory).Status);
        return directory;
    }

    [Fact]
    public async Task Resumed_run_writes_the_tables_of_an_uninterrupted_run()
    {
        var reference = _dir.File("reference");
        await RunWriter.RunAsync(Request(Config(), reference, checkpointEvery: 0));

        // Stopped in the middle of the third interval: checkpoints at 4 and 8, parts for 8-12 being written.
        var directory = Interrupted("resumed", checkpointEvery: 4, stopAfter: 10);
        Assert.Equal([8, 4], RunCheckpoint.List(directory).Select(c => c.Step));
        foreach (var table in TableNames.All)
        {
            Assert.False(File.Exists(Path.Combine(directory, TableNames.FileName(table))), $"{table} appeared before the run completed");
        }

        var result = await RunWriter.ResumeAsync(new ResumeRequest { OutputDirectory = directory });

        AssertSameTables(reference, directory);
        var manifest = RunFixtures.Manifest(directory);
        Assert.Equal(Manifest.StatusComplete, manifest.Status);
        Assert.Equal(8, manifest.ResumedFromStep);
        Assert.Null(manifest.Error);
        Assert.Equal(RunFixtures.Manifest(reference).RowCounts, manifest.RowCounts);
        Assert.False(Directory.Exists(Path.Combine(directory, RunCheckpoint.DirectoryName)), "checkpoints are removed once the run is complete");
        Assert.Equal(14, result.Headlines.Steps);
        Assert.Equal((await RunWriter.RunAsync(Request(Config(), _dir.File("again"), 0))).Headlines, result.Headlines);
    }

    [Fact]
    public async Task Checkpointed_run_and_a_resume_at_another_interval_match_the_plain_run()
    {
        var reference = _dir.File("reference");
        await RunWriter.RunAsync(Request(Config(), reference, checkpointEvery: 0));
        var checkpointed = _dir.File("checkpointed");
        await RunWriter.RunAsync(Request(Config(), checkpointed, checkpointEvery: 3));
        AssertSameTables(reference, checkpointed);

        // Interrupted right after its first checkpoint, resumed twice: once more interrupted, then to the end.
        var directory = Interrupted("twice", checkpointEvery: 5, stopAfter: 6);
        var recorded = 0;
        await Assert.ThrowsAsync<SimulatedCrash>(() => RunWriter.ResumeAsync(new ResumeRequest
        {
            OutputDirectory = directory,
            CheckpointEvery = 2,
            Threads = 2,
            OnStep = _ =>
            {
                if (++recorded == 4)
                {
                    throw new SimulatedCrash();
                }
            },
        }));
        Assert.Equal(8, RunCheckpoint.List(directory)[0].Step);
        await RunWriter.ResumeAsync(new ResumeRequest { OutputDirectory = directory, Config = Config(), Provinces = RunFixtures.Provinces });
        AssertSameTables(reference, directory);
        Assert.Equal(8, RunFixtures.Manifest(directory).ResumedFromStep);
    }

    [Fact]
    public void Corrupted_checkpoint_is_refused_naming_the_file()
    {
        var directory = Interrupted("corrupt", checkpointEvery: 4, stopAfter: 6);
        var path = RunCheckpoint.List(directory)[0].Path;
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<CheckpointException>(() => Resume(directory));
        Assert.Contains("step-000004.ckpt", ex.Message);
        Assert.Contains("corrupted (checksum mismatch)", ex.Message);
        Assert.Contains("--force", ex.Message);
        Assert.Equal(Manifest.StatusIncomplete, RunFixtures.Manifest(directory).Status);
    }

    [Fact]
    public void Truncated_checkpoint_is_refused()
    {
        var directory = Interrupted("truncated", checkpointEvery: 4, stopAfter: 6);
        var path = RunCheckpoint.List(directory)[0].Path;
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);
        var ex = Assert.Throws<CheckpointException>(() => Resume(directory));
        Assert.Contains("step-000004.ckpt", ex.Message);
        Assert.Contains("checksum mismatch", ex.Message);

        File.WriteAllBytes(path, bytes[..20]);
        Assert.Contains("truncated", Assert.Throws<CheckpointException>(() => Resume(directory)).Message);
        File.WriteAllBytes(path, "not a checkpoint at all, just some text that is long enough"u8.ToArray());
        Assert.Contains("not an AgentSim checkpoint", Assert.Throws<CheckpointException>(() => Resume(directory)).Message);
    }

    [Fact]
    public void Checkpoint_of_another_format_version_is_refused()
    {
        var directory = Interrupted("version", checkpointEvery: 4, stopAfter: 6);
        var path = RunCheckpoint.List(directory)[0].Path;
        var bytes = File.ReadAllBytes(path);
        BitConverter.GetBytes(RunCheckpoint.FormatVersion + 1).CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<CheckpointException>(() => Resume(directory));
        Assert.Contains($"format version {RunCheckpoint.FormatVersion + 1}", ex.Message);
        Assert.Contains($"reads format version {RunCheckpoint.FormatVersion}", ex.Message);
    }

    [Fact]
    public async Task Checkpoint_of_another_config_is_refused()
    {
        var directory = Interrupted("config", checkpointEvery: 4, stopAfter: 6);
        var other = Config(seed: 6);
        var ex = Assert.Throws<CheckpointException>(() =>
            RunWriter.ResumeAsync(new ResumeRequest { OutputDirectory = directory, Config = other }).GetAwaiter().GetResult());
        Assert.Contains("different configuration", ex.Message);

        // The thread count is not part of the identity: results do not depend on it.
        var threads = Config();
        threads.Threads = 2;
        Assert.Equal(RunCheckpoint.ConfigHash(Config()), RunCheckpoint.ConfigHash(threads));

        // The manifest's recorded config, edited after the fact, no longer matches the checkpoint either.
        var manifest = RunFixtures.Manifest(directory);
        manifest.ResolvedConfigYaml = ConfigYaml.Write(other);
        await RunManifest.WriteAsync(Path.Combine(directory, RunManifest.FileName), manifest);
        Assert.Contains("different configuration", Assert.Throws<CheckpointException>(() => Resume(directory)).Message);
    }

    [Fact]
    public void Missing_or_altered_table_part_is_refused()
    {
        var directory = Interrupted("parts", checkpointEvery: 4, stopAfter: 10);
        var parts = Path.Combine(directory, RunCheckpoint.DirectoryName, RunCheckpoint.PartsDirectoryName);
        var part = Path.Combine(parts, "nation.000004-000008.parquet");
        File.AppendAllText(part, "x");
        Assert.Contains("altered", Assert.Throws<CheckpointException>(() => Resume(directory)).Message);
        File.Delete(part);
        var ex = Assert.Throws<CheckpointException>(() => Resume(directory));
        Assert.Contains("nation.000004-000008.parquet", ex.Message);
        Assert.Contains("missing", ex.Message);
    }

    [Fact]
    public async Task Without_a_checkpoint_or_an_interrupted_run_there_is_nothing_to_resume()
    {
        var directory = Interrupted("none", checkpointEvery: 0, stopAfter: 3);
        var ex = Assert.Throws<CheckpointException>(() => Resume(directory));
        Assert.Contains("no checkpoint", ex.Message);
        Assert.Contains("--force", ex.Message);

        var complete = _dir.File("complete");
        await RunWriter.RunAsync(Request(Config(), complete, 4));
        Assert.Contains("already complete", Assert.Throws<OutputException>(() => Resume(complete)).Message);
        Assert.Contains("not a run directory", Assert.Throws<OutputException>(() => Resume(_dir.Path)).Message);
    }

    [Fact]
    public async Task Interrupted_run_is_not_overwritten_without_force_and_force_restarts_cleanly()
    {
        var directory = Interrupted("restart", checkpointEvery: 4, stopAfter: 6);
        var ex = await Assert.ThrowsAsync<OutputException>(() => RunWriter.RunAsync(Request(Config(), directory, 4)));
        Assert.Contains("interrupted run", ex.Message);
        Assert.Contains("agentsim resume", ex.Message);
        Assert.Contains("--force", ex.Message);

        await RunWriter.RunAsync(Request(Config(), directory, 0) with { Force = true });
        Assert.Equal(Manifest.StatusComplete, RunFixtures.Manifest(directory).Status);
        Assert.False(Directory.Exists(Path.Combine(directory, RunCheckpoint.DirectoryName)), "--force removes the old checkpoints");
        var reference = _dir.File("reference");
        await RunWriter.RunAsync(Request(Config(), reference, 0));
        AssertSameTables(reference, directory);
    }

    private static RunResult Resume(string directory) =>
        RunWriter.ResumeAsync(new ResumeRequest { OutputDirectory = directory }).GetAwaiter().GetResult();

    /// <summary>Every table present in both, with the same columns and the same values in the same order.</summary>
    internal static void AssertSameTables(string expectedDirectory, string actualDirectory)
    {
        var tables = TableNames.All.Where(t => File.Exists(Path.Combine(expectedDirectory, TableNames.FileName(t)))).ToList();
        Assert.Contains(TableNames.Provinces, tables);
        foreach (var table in TableNames.All)
        {
            Assert.Equal(File.Exists(Path.Combine(expectedDirectory, TableNames.FileName(table))),
                File.Exists(Path.Combine(actualDirectory, TableNames.FileName(table))));
        }
        foreach (var table in tables)
        {
            var expected = RunFixtures.Read(expectedDirectory, table);
            var actual = RunFixtures.Read(actualDirectory, table);
            Assert.Equal(expected.Keys, actual.Keys);
            foreach (var (column, values) in expected)
            {
                Assert.True(values.Length == actual[column].Length, $"{table}.{column}: {values.Length} vs {actual[column].Length} rows");
                for (var i = 0; i < values.Length; i++)
                {
                    Assert.True(Equals(values[i], actual[column][i]), $"{table}.{column}[{i}]: {values[i]} vs {actual[column][i]}");
                }
            }
        }
    }

    private sealed class SimulatedCrash : Exception;
}
