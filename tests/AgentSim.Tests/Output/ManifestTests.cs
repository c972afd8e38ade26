using System.Text.Json;
using AgentSim.Output;

namespace AgentSim.Tests.Output;

public sealed class ManifestTests : IDisposable
{
    private const string CommitA = "0123456789abcdef0123456789abcdef01234567";
    private const string CommitB = "89abcdef0123456789abcdef0123456789abcdef";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RoundTrip_WritesSnakeCaseJson_AndReadsBackEveryField()
    {
        var path = _dir.File(RunManifest.FileName);
        var manifest = new Manifest
        {
            Status = Manifest.StatusComplete,
            Version = "0.1.0",
            GitCommit = CommitA,
            ConfigPath = "configs/base.yaml",
            ResolvedConfigYaml = "seed: 42\nfirms: 1000\nnote: \"内蒙古\"\n",
            Seed = 42,
            Threads = 2,
            Firms = 1000,
            Steps = 80,
            StartedUtc = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
            FinishedUtc = new DateTimeOffset(2025, 1, 2, 3, 5, 6, TimeSpan.Zero),
            TimingsSeconds = { ["simulate"] = 12.5, ["write"] = 0.25 },
            RowCounts = { ["provinces"] = 2480, ["firm_steps"] = 80_000 },
            Files = { ["provinces"] = "provinces.parquet", ["firm_steps"] = "firm_steps.parquet" },
        };

        await RunManifest.WriteAsync(path, manifest);
        Assert.Equal([RunManifest.FileName], _dir.Entries());

        var text = await File.ReadAllTextAsync(path);
        Assert.Contains("\n  \"status\": \"complete\"", text);
        using (var json = JsonDocument.Parse(text))
        {
            var root = json.RootElement;
            string[] names =
            [
                "status", "version", "git_commit", "config_path", "resolved_config_yaml", "seed", "threads", "firms", "steps",
                "started_utc", "finished_utc", "timings_seconds", "row_counts", "files", "error", "resumed_from_step",
            ];
            Assert.Equal(names, root.EnumerateObject().Select(p => p.Name));
            Assert.Equal("complete", root.GetProperty("status").GetString());
            Assert.Equal(42, root.GetProperty("seed").GetInt64());
            Assert.Equal(80_000, root.GetProperty("row_counts").GetProperty("firm_steps").GetInt64());
            Assert.Equal("provinces.parquet", root.GetProperty("files").GetProperty("provinces").GetString());
            Assert.Equal(12.5, root.GetProperty("timings_seconds").GetProperty("simulate").GetDouble());
        }

        var back = await RunManifest.ReadAsync(path);
        Assert.Equal(manifest.Status, back.Status);
        Assert.Equal(manifest.Version, back.Version);
        Assert.Equal(manifest.GitCommit, back.GitCommit);
        Assert.Equal(manifest.ConfigPath, back.ConfigPath);
        Assert.Equal(manifest.ResolvedConfigYaml, back.ResolvedConfigYaml);
        Assert.Equal(manifest.Seed, back.Seed);
        Assert.Equal(manifest.Threads, back.Threads);
        Assert.Equal(manifest.Firms, back.Firms);
        Assert.Equal(manifest.Steps, back.Steps);
        Assert.Equal(manifest.StartedUtc, back.StartedUtc);
        Assert.Equal(manifest.FinishedUtc, back.FinishedUtc);
        Assert.Equal(manifest.TimingsSeconds, back.TimingsSeconds);
        Assert.Equal(manifest.RowCounts, back.RowCounts);
        Assert.Equal(manifest.Files, back.Files);
    }

    [Fact]
    public async Task IncompleteManifest_HasNullFinishTime_AndIsReplacedAtomically()
    {
        var path = _dir.File(RunManifest.FileName);
        await RunManifest.WriteAsync(path, new Manifest { Seed = 7, StartedUtc = DateTimeOffset.UtcNow });

        var first = await RunManifest.ReadAsync(path);
        Assert.Equal(Manifest.StatusIncomplete, first.Status);
        Assert.Null(first.FinishedUtc);
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(path)))
        {
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("finished_utc").ValueKind);
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("git_commit").ValueKind);
        }

        first.Status = Manifest.StatusComplete;
        first.FinishedUtc = DateTimeOffset.UtcNow;
        await RunManifest.WriteAsync(path, first);
        Assert.Equal(Manifest.StatusComplete, (await RunManifest.ReadAsync(path)).Status);
        Assert.Equal([RunManifest.FileName], _dir.Entries());
    }

    [Fact]
    public async Task AtomicFile_WritesUtf8WithoutBom_AndCreatesDirectories()
    {
        var path = Path.Combine(_dir.Path, "nested", "note.txt");
        await AtomicFile.WriteAllTextAsync(path, "内蒙古");
        Assert.Equal("内蒙古"u8.ToArray(), await File.ReadAllBytesAsync(path));
        Assert.Equal(["note.txt"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void GitCommit_FromLooseBranchRef()
    {
        var gitDir = MakeGitDir(_dir.Path);
        File.WriteAllText(Path.Combine(gitDir, "HEAD"), "ref: refs/heads/main\n");
        WriteRef(gitDir, "refs/heads/main", CommitA);
        var nested = Directory.CreateDirectory(Path.Combine(_dir.Path, "src", "deep")).FullName;

        Assert.Equal(CommitA, Manifest.TryGetGitCommit(nested));
    }

    [Fact]
    public void GitCommit_FromPackedRefs_SkippingCommentsAndPeeledLines()
    {
        var gitDir = MakeGitDir(_dir.Path);
        File.WriteAllText(Path.Combine(gitDir, "HEAD"), "ref: refs/heads/output\n");
        File.WriteAllText(Path.Combine(gitDir, "packed-refs"),
            "# pack-refs with: peeled fully-peeled sorted \n" +
            $"{CommitA} refs/heads/main\n" +
            $"{CommitB} refs/heads/output\n" +
            $"^{CommitA}\n");

        Assert.Equal(CommitB, Manifest.TryGetGitCommit(_dir.Path));
    }

    [Fact]
    public void GitCommit_FromDetachedHead()
    {
        var gitDir = MakeGitDir(_dir.Path);
        File.WriteAllText(Path.Combine(gitDir, "HEAD"), CommitB.ToUpperInvariant() + "\n");
        Assert.Equal(CommitB, Manifest.TryGetGitCommit(_dir.Path));
    }

    [Fact]
    public void GitCommit_FromWorktree_ResolvesBranchInCommonDirectory()
    {
        var mainGit = MakeGitDir(Path.Combine(_dir.Path, "main"));
        WriteRef(mainGit, "refs/heads/output", CommitB);
        var worktreeGit = Directory.CreateDirectory(Path.Combine(mainGit, "worktrees", "output")).FullName;
        File.WriteAllText(Path.Combine(worktreeGit, "HEAD"), "ref: refs/heads/output\n");
        File.WriteAllText(Path.Combine(worktreeGit, "commondir"), "../..\n");
        var worktree = Directory.CreateDirectory(Path.Combine(_dir.Path, "wt-output")).FullName;
        File.WriteAllText(Path.Combine(worktree, ".git"), $"gitdir: {worktreeGit}\n");

        Assert.Equal(CommitB, Manifest.TryGetGitCommit(worktree));
    }

    [Fact]
    public void GitCommit_IsNullWithoutRepositoryOrWithUnresolvableHead()
    {
        var noRepo = Directory.CreateDirectory(Path.Combine(_dir.Path, "plain")).FullName;
        if (Manifest.TryGetGitCommit(Path.GetTempPath()) is null)
        {
            Assert.Null(Manifest.TryGetGitCommit(noRepo));
        }

        var repo = Directory.CreateDirectory(Path.Combine(_dir.Path, "repo")).FullName;
        var gitDir = MakeGitDir(repo);
        File.WriteAllText(Path.Combine(gitDir, "HEAD"), "ref: refs/heads/unborn\n");
        Assert.Null(Manifest.TryGetGitCommit(repo));
    }

    private static string MakeGitDir(string workTree) => Directory.CreateDirectory(Path.Combine(workTree, ".git")).FullName;

    private static void WriteRef(string gitDir, string refName, string commit)
    {
        var path = Path.Combine(gitDir, refName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, commit + "\n");
    }
}
