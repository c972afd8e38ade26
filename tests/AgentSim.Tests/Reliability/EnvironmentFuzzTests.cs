using AgentSim.Cli;
using AgentSim.Output.Runs;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;
using AgentSim.Tests.Sweeps;
using Xunit.Abstractions;
using static AgentSim.Tests.Reliability.EnvironmentHelpers;

namespace AgentSim.Tests.Reliability;

/// <summary>
/// A generated fuzz over the environment rather than the config: every kind of non-regular file in every slot that
/// takes a user's path, every command against a full and a read-only disk, and every command that writes a folder
/// while another holds it. Each case must end in exit 2 with one line (or the documented success), never hang (a
/// hang detector per case), never leave a partial Parquet or PNG under a final name, and never say "bug". Bounded:
/// about 90 cases of 1,500-firm, 10-quarter runs, well under two minutes on the 2-core development machine.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class EnvironmentFuzzTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<string> _mounts = [];
    private readonly ITestOutputHelper _log;

    public EnvironmentFuzzTests(ITestOutputHelper log)
    {
        _log = log;
        CliApp.ConfigSource = CliApp.LoadYaml;
    }

    public void Dispose()
    {
        CliApp.StepHook = null;
        foreach (var mount in _mounts)
            Unmount(mount);
        _dir.Dispose();
    }

    private string Config(string name, string extra = "", int steps = 10)
    {
        var path = _dir.File(name);
        File.WriteAllText(path, $"name: fuzz\nfirms: 1500\nsteps: {steps}\nburn_in: 2\nthreads: 1\nprovinces:\n  data_file: \"{RunFixtures.ProvincesFile}\"\n" + extra);
        return path;
    }

    /// <summary>The hostile objects: a name and a function that creates one at a path (or returns an existing one).</summary>
    private IEnumerable<(string Kind, Func<string, string> Make)> NonRegularKinds()
    {
        yield return ("fifo", path => { MakeFifo(path); return path; });
        yield return ("/dev/zero", _ => "/dev/zero");
        yield return ("/dev/urandom", _ => "/dev/urandom");
        yield return ("/dev/null", _ => "/dev/null");
        yield return ("directory", path => { Directory.CreateDirectory(path); return path; });
        yield return ("socket", path => { MakeSocket(path).Dispose(); return path; });
        yield return ("symlink to fifo", path => { MakeFifo(path + ".target"); File.CreateSymbolicLink(path, path + ".target"); return path; });
        yield return ("dangling symlink", path => { File.CreateSymbolicLink(path, path + ".nowhere"); return path; });
        yield return ("missing", path => path);
    }

    [Fact]
    public void Every_non_regular_file_in_every_input_slot_is_refused_without_hanging()
    {
        var cases = 0;
        foreach (var (kind, make) in NonRegularKinds())
        {
            var slots = new (string Slot, Func<string, string[]> Args)[]
            {
                ("config", target => ["validate", target]),
                ("run config", target => ["run", target, "--out", _dir.File($"out-{cases}")]),
                ("extends base", target => ["validate", WriteAndReturn(_dir.File($"extends-{cases}.yaml"), $"extends: \"{target}\"\n")]),
                ("data file", target => ["validate", Config($"data-{cases}.yaml"), "--set", $"provinces.data_file={target}"]),
                ("data file of a run", target => ["run", Config($"rundata-{cases}.yaml"), "--set", $"provinces.data_file={target}", "--out", _dir.File($"rd-{cases}")]),
                ("sweep value", target => ["sweep", SweepFixtures.Write(_dir.Path, SweepFixtures.Yaml($"""
                    parameters:
                      - key: provinces.data_file
                        values: ["{RunFixtures.ProvincesFile}", "{target}"]
                        labels: [good, bad]
                    """), $"sweep-{cases}.yaml"), "--out", _dir.File($"sw-{cases}")]),
            };
            foreach (var (slot, args) in slots)
            {
                var target = make(_dir.File($"target-{cases}"));
                var argv = args(target);
                var result = RunCli(argv, 60, Directory.GetFiles(_dir.Path, "target-*"));
                AssertUserError(result, $"{kind} as {slot}");
                if (kind != "missing")
                    Assert.Matches("(named pipe|character device|directory|socket|not found|is empty)", result.Stderr);
                Assert.DoesNotContain(Directory.GetDirectories(_dir.Path, "sw-*"), d => Directory.Exists(Path.Combine(d, "bad")));
                cases++;
            }
            // The scenarios listing skips what it must not read and lists the rest.
            var folder = _dir.File($"scenarios-{cases}");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "a.yaml"), "# Readable\nsteps: 8\n");
            if (kind is "fifo" or "socket" or "symlink to fifo" or "dangling symlink" or "directory")
                make(Path.Combine(folder, "b.yaml"));
            var listing = RunCli(["scenarios", folder], 60, Path.Combine(folder, "b.yaml"), Path.Combine(folder, "b.yaml.target"));
            Assert.True(listing.Code == ExitCodes.Success, $"{kind} in scenarios: {listing.Stderr}");
            Assert.Contains("Readable", listing.Stdout);
            cases++;
        }
        _log.WriteLine($"{cases} cases");
        Assert.True(cases >= 60, $"only {cases} cases were generated");
    }

    private static string WriteAndReturn(string path, string text)
    {
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The commands that write, each as arguments after the output folder is chosen.</summary>
    private IEnumerable<(string Name, Func<string, string[]> Args)> WritingCommands()
    {
        var config = Config("disk.yaml");
        var sweep = SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints(1), "disk-sweep.yaml");
        var run = _dir.File("disk-source-run");
        if (!Directory.Exists(run))
            Assert.Equal(ExitCodes.Success, RunCli(["run", config, "--out", run]).Code);
        yield return ("run", output => ["run", config, "--out", output]);
        yield return ("run --checkpoint-every", output => ["run", config, "--out", output, "--checkpoint-every", "3"]);
        yield return ("run --replicates", output => ["run", config, "--out", output, "--replicates", "2"]);
        yield return ("compare --tables", output => ["compare", config, "--replicates", "2", "--tables", "--out", output]);
        yield return ("sweep", output => ["sweep", sweep, "--out", output]);
        yield return ("report", output => ["report", run, "--out", output]);
        yield return ("run --report", output => ["run", config, "--out", output, "--report"]);
    }

    [SkippableFact]
    public void Every_writing_command_on_a_full_or_read_only_disk_exits_2_and_leaves_no_partial_file()
    {
        var disks = new List<(string Kind, Func<int, string> Folder)>();
        var readOnly = ReadOnlyFolder(_dir.File("ro"));
        if (readOnly is not null)
        {
            _mounts.Add(readOnly);
            disks.Add(("read-only", i => Path.Combine(readOnly, $"out-{i}")));
        }
        // Full: a fresh small tmpfs per case, sized so that the manifest fits but the tables do not (the first
        // table part needs tens of KB); and one so small that nothing but the folder fits.
        foreach (var kb in new[] { 12, 48, 160 })
        {
            var probe = TryMountTmpfs(_dir.File($"probe-{kb}"), kb, readOnly: false);
            if (probe is null)
                break;
            _mounts.Add(probe);
            var size = kb;
            disks.Add(($"full ({kb} KB)", i =>
            {
                var mount = TryMountTmpfs(_dir.File($"full-{size}-{i}"), size, readOnly: false)!;
                _mounts.Add(mount);
                return Path.Combine(mount, "out");
            }
            ));
        }
        Skip.If(disks.Count == 0, "this process can neither mount a tmpfs nor make a read-only folder (root without mount rights)");

        int cases = 0, refused = 0;
        foreach (var (disk, folder) in disks)
        {
            foreach (var (name, args) in WritingCommands())
            {
                var output = folder(cases);
                var result = RunCli(args(output));
                var what = $"{name} on a {disk} disk";
                // A disk just large enough may let a small command finish: then it must have succeeded properly.
                if (result.Code != ExitCodes.Success)
                {
                    refused++;
                    AssertUserError(result, what);
                    Assert.Matches("(disk is full|read-only|permission denied|cannot)", result.Stderr);
                }
                foreach (var file in Directory.Exists(output) ? Directory.GetFiles(output, "*", SearchOption.AllDirectories) : [])
                {
                    if (Path.GetFileName(file).StartsWith('.'))
                        continue;
                    if (file.EndsWith(".parquet", StringComparison.Ordinal))
                        Assert.True(IsWholeParquet(file), $"{what}: partial table {file}");
                    if (file.EndsWith(".png", StringComparison.Ordinal))
                        Assert.True(IsWholePng(file), $"{what}: partial chart {file}");
                }
                if (name.StartsWith("run", StringComparison.Ordinal) && result.Code == ExitCodes.BadInput && File.Exists(Path.Combine(output, "manifest.json"))
                    && !name.Contains("replicates", StringComparison.Ordinal))
                {
                    var manifest = RunFixtures.Manifest(output);
                    Assert.NotEqual(AgentSim.Output.Manifest.StatusComplete, manifest.Status);
                }
                cases++;
            }
        }
        _log.WriteLine($"{cases} cases on {disks.Count} disks, {refused} refused");
        // Most commands cannot finish on these disks: if they all did, the disks were not what this test needs.
        Assert.True(refused >= cases / 2, $"only {refused} of {cases} cases met a disk error");
    }

    [Fact]
    public async Task Every_command_that_writes_a_folder_is_refused_while_another_holds_it()
    {
        var config = Config("busy.yaml");
        var sweep = SweepFixtures.Write(_dir.Path, SweepFixtures.TwoPoints(1), "busy-sweep.yaml");
        var holders = new (string Name, Func<string, string[]> Args)[]
        {
            ("run", output => ["run", config, "--out", output]),
            ("run --checkpoint-every", output => ["run", config, "--out", output, "--checkpoint-every", "3"]),
        };
        var contenders = new (string Name, Func<string, string[]> Args)[]
        {
            ("run", output => ["run", config, "--out", output]),
            ("run --force", output => ["run", config, "--out", output, "--force"]),
            ("run --resume", output => ["run", config, "--out", output, "--resume"]),
            ("resume", output => ["resume", output]),
            ("run --replicates", output => ["run", config, "--out", output, "--replicates", "2", "--force"]),
            ("sweep", output => ["sweep", sweep, "--out", output]),
        };
        var cases = 0;
        foreach (var (holderName, holderArgs) in holders)
        {
            var output = _dir.File($"busy-{cases}");
            using var inside = new ManualResetEventSlim();
            using var release = new ManualResetEventSlim();
            CliApp.StepHook = sim =>
            {
                if (sim.Step == 4)
                {
                    inside.Set();
                    release.Wait(TimeSpan.FromMinutes(2));
                }
            };
            var holder = Task.Factory.StartNew(() => RunCli(holderArgs(output), 180), TaskCreationOptions.LongRunning);
            Assert.True(inside.Wait(TimeSpan.FromMinutes(2)), $"{holderName} did not start");
            try
            {
                foreach (var (name, args) in contenders)
                {
                    var result = RunCli(args(output));
                    AssertUserError(result, $"{name} while {holderName} runs");
                    Assert.Contains($"(pid {Environment.ProcessId} on", result.Stderr);
                    cases++;
                }
            }
            finally
            {
                release.Set();
            }
            var (code, _, stderr) = await holder;
            CliApp.StepHook = null;
            Assert.True(code == ExitCodes.Success, $"{holderName}: {stderr}");
            foreach (var table in Directory.GetFiles(output, "*.parquet"))
                Assert.True(IsWholeParquet(table), table);
            Assert.Equal(AgentSim.Output.Manifest.StatusComplete, RunFixtures.Manifest(output).Status);
            Assert.False(File.Exists(Path.Combine(output, FolderLock.FileName)));
        }
        _log.WriteLine($"{cases} cases");
        Assert.Equal(holders.Length * contenders.Length, cases);
    }
}
