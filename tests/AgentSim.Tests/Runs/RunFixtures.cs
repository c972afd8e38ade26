using AgentSim.Config;
using AgentSim.Model.State;
using AgentSim.Output;
using AgentSim.Output.Runs;
using AgentSim.Output.Tables;
using AgentSim.Tests.Output;

namespace AgentSim.Tests.Runs;

/// <summary>Small configs, the repository's provinces data and read-back helpers shared by the run tests.</summary>
internal static class RunFixtures
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);
    private static readonly Lazy<IReadOnlyList<ProvinceRow>> ProvinceRows = new(() => ProvinceData.Load(ProvincesFile));

    /// <summary>The repository root (the directory holding AgentSim.sln).</summary>
    public static string RepositoryRoot => Root.Value;

    public static string ProvincesFile => Path.Combine(RepositoryRoot, "configs", "data", "provinces.csv");

    public static IReadOnlyList<ProvinceRow> Provinces => ProvinceRows.Value;

    /// <summary>A default config made small enough for the test suite.</summary>
    public static SimulationConfig SmallConfig(int firms, int steps, int burnIn, long seed = 7)
    {
        var config = new SimulationConfig { Firms = firms, Steps = steps, BurnIn = burnIn, Seed = seed };
        config.Provinces.DataFile = ProvincesFile;
        return config;
    }

    public static RunResult Run(SimulationConfig config, string directory, int threads = 0, bool force = false, IProgress<RunProgress>? progress = null, CancellationToken ct = default) =>
        RunWriter.RunAsync(new RunRequest
        {
            Config = config,
            Provinces = Provinces,
            OutputDirectory = directory,
            ConfigPath = "test.yaml",
            ResolvedConfigYaml = "# test\n",
            Threads = threads,
            Force = force,
        }, progress, ct).GetAwaiter().GetResult();

    public static Dictionary<string, object?[]> Read(string directory, string table) =>
        ParquetReadBack.ReadWithParquetSharp(Path.Combine(directory, TableNames.FileName(table)));

    public static double[] Doubles(Dictionary<string, object?[]> table, string column) =>
        table[column].Select(v => (double)v!).ToArray();

    public static Manifest Manifest(string directory) =>
        RunManifest.ReadAsync(Path.Combine(directory, RunManifest.FileName)).GetAwaiter().GetResult();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AgentSim.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No AgentSim.sln above {AppContext.BaseDirectory}.");
    }
}
