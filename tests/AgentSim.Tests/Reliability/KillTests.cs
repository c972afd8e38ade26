using System.Diagnostics;
using AgentSim.Output;
using AgentSim.Output.Runs;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;
using Xunit.Abstractions;

namespace AgentSim.Tests.Reliability;

/// <summary>
/// A running <c>agentsim run</c> killed with SIGKILL at random moments never leaves a partial table under its final
/// name: every table either reads completely (and then the manifest says complete only if all of them do) or is
/// absent, with the manifest (if any) saying incomplete. Half of the runs write checkpoints; killed ones that have a
/// checkpoint are resumed and end with exactly the tables of an uninterrupted run. Rerunning with --force restarts
/// cleanly.
/// </summary>
public sealed class KillTests(ITestOutputHelper log) : IDisposable
{
    private const int Trials = 20;
    private static readonly string[] Tables = ["provinces", "industries", "nation", "officials", "firms"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Sigkill_at_random_moments_leaves_no_partial_table()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "agentsim.dll");
        Assert.True(File.Exists(cli), $"{cli} not found next to the tests");
        string config = Path.Combine(RunFixtures.RepositoryRoot, "configs", "baseline.yaml");
        var rng = new Random(7);
        int complete = 0, incomplete = 0, noManifest = 0;
        var resumable = new List<string>();
        for (int trial = 0; trial < Trials; trial++)
        {
            string output = _dir.File($"kill{trial}");
            string[] args = [cli, "run", config, "--out", output, .. RunArgs, .. trial % 2 == 1 ? CheckpointArgs : []];
            // Spread kills over start-up, the burn-in, the quarters and the final writes (about 1-3 s in all).
            int delayMs = rng.Next(50, 2500);
            using (var process = Start(args))
            {
                // Even trials count from the process start (start-up included); checkpointing trials count from the
                // run's first write, so that on a loaded machine they still land in the quarters and the checkpoints.
                if (trial % 2 == 1)
                {
                    var clock = Stopwatch.StartNew();
                    while (!File.Exists(Path.Combine(output, RunManifest.FileName)) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
                    {
                        Thread.Sleep(5);
                    }
                }
                bool exited = process.WaitForExit(delayMs);
                if (!exited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                }
            }
            string manifestPath = Path.Combine(output, RunManifest.FileName);
            Manifest? manifest = File.Exists(manifestPath) ? RunFixtures.Manifest(output) : null;
            var present = Tables.Where(t => File.Exists(Path.Combine(output, t + ".parquet"))).ToList();
            foreach (var table in present)
            {
                // A file under its final name must read completely in an independent reader.
                var data = ParquetReadBack.ReadWithParquetSharp(Path.Combine(output, table + ".parquet"));
                Assert.True(data.Count > 0, $"trial {trial}: {table}.parquet has no columns");
            }
            if (manifest is null)
            {
                noManifest++;
                Assert.Empty(present);
            }
            else if (manifest.Status == Manifest.StatusComplete)
            {
                complete++;
                foreach (var (table, rows) in manifest.RowCounts)
                {
                    var data = ParquetReadBack.ReadWithParquetSharp(Path.Combine(output, table + ".parquet"));
                    Assert.Equal(rows, data.First().Value.Length);
                }
            }
            else
            {
                incomplete++;
                Assert.Equal(Manifest.StatusIncomplete, manifest.Status);
                if (RunCheckpoint.List(output).Count > 0)
                {
                    resumable.Add(output);
                }
            }
            log.WriteLine($"trial {trial}: killed after {delayMs} ms: manifest {manifest?.Status ?? "none"}, tables [{string.Join(", ", present)}]");
        }
        log.WriteLine($"complete {complete}, incomplete {incomplete}, no manifest {noManifest}, resumable {resumable.Count}");
        Assert.True(incomplete > 0, "no trial was killed mid-run: the kill window does not cover the run");

        // Resuming a killed checkpointed run (the user's other choice) gives the uninterrupted run's tables. (Whether a
        // random kill found a checkpoint depends on the machine's speed; the next test always kills after one.)
        string reference = _dir.File("reference");
        Exec([cli, "run", config, "--out", reference, .. RunArgs]);
        foreach (var output in resumable.Take(3))
        {
            Exec([cli, "resume", output]);
            ResumeTests.AssertSameTables(reference, output);
            Assert.Equal(Manifest.StatusComplete, RunFixtures.Manifest(output).Status);
        }

        // Restarting cleanly on an interrupted folder, by the user's choice (--force), completes the run.
        string last = _dir.File("kill0");
        using var rerun = Start([cli, "run", config, "--out", last, "--firms", "2000", "--steps", "4", "--set", "burn_in=1", "--force"]);
        Assert.True(rerun.WaitForExit(120_000), "rerun did not finish");
        Assert.Equal(0, rerun.ExitCode);
        Assert.Equal(Manifest.StatusComplete, RunFixtures.Manifest(last).Status);
    }

    [Fact]
    public void Sigkill_after_a_checkpoint_then_resume_gives_the_uninterrupted_tables()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "agentsim.dll");
        string config = Path.Combine(RunFixtures.RepositoryRoot, "configs", "baseline.yaml");
        string reference = _dir.File("reference");
        Exec([cli, "run", config, "--out", reference, .. RunArgs]);
        var rng = new Random(11);
        for (int trial = 0; trial < 3; trial++)
        {
            string output = _dir.File($"resume{trial}");
            // Killed at a random moment once the checkpoint at step 4 or 8 exists (possibly mid-way through the next one).
            string waitFor = Path.Combine(output, RunCheckpoint.DirectoryName, RunCheckpoint.FileName(trial == 0 ? 4 : 8));
            using (var process = Start([cli, "run", config, "--out", output, .. RunArgs, .. CheckpointArgs]))
            {
                var clock = Stopwatch.StartNew();
                while (!File.Exists(waitFor) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    Thread.Sleep(5);
                }
                Thread.Sleep(rng.Next(0, 150));
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
                process.WaitForExit();
            }
            var manifest = RunFixtures.Manifest(output);
            log.WriteLine($"trial {trial}: manifest {manifest.Status}, checkpoints [{string.Join(", ", RunCheckpoint.List(output).Select(c => c.Step))}]");
            if (manifest.Status == Manifest.StatusIncomplete)
            {
                Exec([cli, "resume", output]);
            }
            ResumeTests.AssertSameTables(reference, output);
            Assert.Equal(Manifest.StatusComplete, RunFixtures.Manifest(output).Status);
        }
    }

    private static readonly string[] RunArgs =
        ["--firms", "4000", "--steps", "24", "--set", "burn_in=2", "--set", "output.firms_every=4", "--set", "output.firms_sample=0", "--threads", "1"];

    private static readonly string[] CheckpointArgs = ["--checkpoint-every", "4"];

    private static void Exec(string[] args)
    {
        using var process = Start(args);
        Assert.True(process.WaitForExit(120_000), $"{string.Join(' ', args)} did not finish");
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{string.Join(' ', args)}: exit {process.ExitCode}");
    }

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
