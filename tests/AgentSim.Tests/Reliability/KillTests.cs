using System.Diagnostics;
using AgentSim.Output;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;
using Xunit.Abstractions;

namespace AgentSim.Tests.Reliability;

/// <summary>
/// A running <c>agentsim run</c> killed with SIGKILL at random moments never leaves a partial table under its final
/// name: every table either reads completely (and then the manifest says complete only if all of them do) or is
/// absent, with the manifest (if any) saying incomplete. Rerunning with --force then completes cleanly.
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
        for (int trial = 0; trial < Trials; trial++)
        {
            string output = _dir.File($"kill{trial}");
            string[] args = [cli, "run", config, "--out", output, "--firms", "4000", "--steps", "24", "--set", "burn_in=2",
                "--set", "output.firms_every=4", "--set", "output.firms_sample=0", "--threads", "1"];
            // Spread kills over start-up, the burn-in, the quarters and the final writes (about 1-3 s in all).
            int delayMs = rng.Next(50, 2500);
            using (var process = Start(args))
            {
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
            }
            log.WriteLine($"trial {trial}: killed after {delayMs} ms: manifest {manifest?.Status ?? "none"}, tables [{string.Join(", ", present)}]");
        }
        log.WriteLine($"complete {complete}, incomplete {incomplete}, no manifest {noManifest}");
        Assert.True(incomplete > 0, "no trial was killed mid-run: the kill window does not cover the run");

        // Restarting cleanly on an interrupted folder, by the user's choice (--force), completes the run.
        string last = _dir.File("kill0");
        using var rerun = Start([cli, "run", config, "--out", last, "--firms", "2000", "--steps", "4", "--set", "burn_in=1", "--force"]);
        Assert.True(rerun.WaitForExit(120_000), "rerun did not finish");
        Assert.Equal(0, rerun.ExitCode);
        Assert.Equal(Manifest.StatusComplete, RunFixtures.Manifest(last).Status);
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
