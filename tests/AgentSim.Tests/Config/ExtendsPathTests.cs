using AgentSim.Config;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Config;

/// <summary>Relative paths in an extends chain resolve against the file that sets them.</summary>
public sealed class ExtendsPathTests : IDisposable
{
    private readonly TempConfigDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Shipped(string name) => Path.Combine(RunFixtures.RepositoryRoot, "configs", name);

    [Fact]
    public void A_config_outside_configs_that_extends_a_shipped_one_finds_the_shipped_provinces_data()
    {
        // Relative extends, the way a researcher writes it in a folder of their own.
        string extends = Path.GetRelativePath(_dir.Path, Shipped("pilot.yaml")).Replace('\\', '/');
        var path = _dir.Write("mine/my-pilot.yaml", $"extends: ../{extends}\nsteps: 24\n");

        var loaded = ConfigLoader.Load(path);

        string resolved = loaded.ResolvePath(loaded.Config.Provinces.DataFile);
        Assert.Equal(Path.GetFullPath(Shipped("data/provinces.csv")), resolved);
        Assert.True(File.Exists(resolved));
        Assert.Equal(24, loaded.Config.Steps);
        // Loading the resolved YAML beside the top file gives the same config (what a manifest replays).
        var again = ConfigLoader.LoadFromString(loaded.ResolvedYaml, path);
        Assert.Equal(resolved, again.ResolvePath(again.Config.Provinces.DataFile));
    }

    [Fact]
    public void A_path_set_by_the_top_file_stays_relative_to_the_top_file()
    {
        _dir.Write("data/own.csv", "x\n");
        string extends = Path.GetRelativePath(_dir.Path, Shipped("baseline.yaml")).Replace('\\', '/');
        var path = _dir.Write("top.yaml", $"extends: {extends}\nprovinces:\n  data_file: data/own.csv\n");

        var loaded = ConfigLoader.Load(path);

        Assert.Equal(Path.Combine(_dir.Path, "data", "own.csv"), loaded.ResolvePath(loaded.Config.Provinces.DataFile));
    }

    [Fact]
    public void Shipped_configs_in_one_folder_keep_their_paths_as_written()
    {
        var loaded = ConfigLoader.Load(Shipped("pilot.yaml"));
        Assert.Equal("data/provinces.csv", loaded.Config.Provinces.DataFile);
    }
}
