using AgentSim.Cli;
using AgentSim.Output;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Cli;

/// <summary>Every shipped config loads and runs a few quarters through the real CLI.</summary>
[Collection(CliCollection.Name)]
public sealed class ShippedConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Configs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RunFixtures.RepositoryRoot, "configs"), "*.yaml").OrderBy(f => f))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Shipped_config_runs_a_few_quarters(string file)
    {
        string config = Path.Combine(RunFixtures.RepositoryRoot, "configs", file);
        string output = _dir.File(Path.GetFileNameWithoutExtension(file));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        // 26 quarters: just past the latest event of a shipped scenario (tariff and trade-in start at 24), since an
        // event after the horizon is refused.
        int code = CliApp.Run(["run", config, "--out", output, "--firms", "3000", "--steps", "26", "--set", "burn_in=2"], stdout, stderr);
        Assert.True(code == ExitCodes.Success, $"{file}: {stderr}");
        var manifest = RunFixtures.Manifest(output);
        Assert.Equal(Manifest.StatusComplete, manifest.Status);
        Assert.Equal(26 * 31, manifest.RowCounts["provinces"]);
        Assert.Equal(26 * 8, manifest.RowCounts["industries"]);
    }
}
