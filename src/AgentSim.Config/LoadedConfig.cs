namespace AgentSim.Config;

/// <summary>A loaded, validated scenario and where it came from.</summary>
public sealed class LoadedConfig
{
    private readonly IReadOnlyDictionary<string, Origin> locations;
    private readonly string displayPath;

    internal LoadedConfig(SimulationConfig config, string sourcePath, string resolvedYaml, IReadOnlyList<string> files,
        IReadOnlyDictionary<string, Origin> locations, string displayPath)
    {
        Config = config;
        SourcePath = sourcePath;
        ConfigDirectory = Path.GetDirectoryName(sourcePath)!;
        ResolvedYaml = resolvedYaml;
        Files = files;
        this.locations = locations;
        this.displayPath = displayPath;
    }

    public SimulationConfig Config { get; }

    /// <summary>
    /// The <c>sweep:</c> section, or null when the files have none. It is not part of <see cref="Config"/> or
    /// <see cref="ResolvedYaml"/>: a plain run of a sweep config runs the base scenario.
    /// </summary>
    public LoadedSweep? Sweep { get; init; }

    /// <summary>The <c>sensitivity:</c> section (a study for <c>agentsim sensitivity</c>), or null; like the sweep, never part of <see cref="Config"/>.</summary>
    public SensitivityConfig? Sensitivity { get; init; }

    /// <summary>The <c>calibration:</c> section (for <c>agentsim calibrate</c>), or null; never part of <see cref="Config"/>.</summary>
    public CalibrationConfig? Calibration { get; init; }

    /// <summary>Whether a file or override set <paramref name="keyPath"/> (as opposed to leaving its default).</summary>
    public bool IsGiven(string keyPath) => locations.TryGetValue(keyPath, out var origin) && !origin.IsDefault;

    /// <summary>Full path of the top-level file.</summary>
    public string SourcePath { get; }

    /// <summary>Directory of the top-level file; relative paths in the config (provinces.data_file) are resolved against it.</summary>
    public string ConfigDirectory { get; }

    /// <summary>
    /// The resolved configuration as YAML with snake_case keys: every parameter, defaults included, after
    /// <c>extends</c> and overrides. Written to the run manifest; loading it again reproduces <see cref="Config"/>.
    /// </summary>
    public string ResolvedYaml { get; }

    /// <summary>Full paths of the files read: the top-level file first, then each file it extends, in chain order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>A path from the config, made absolute against <see cref="ConfigDirectory"/> (absolute paths are kept).</summary>
    public string ResolvePath(string path) => Path.GetFullPath(Path.Combine(ConfigDirectory, path));

    /// <summary>
    /// An error about a value of this configuration found after loading (e.g. by the engine), located at the file
    /// and line where <paramref name="keyPath"/> was set, or at its nearest ancestor when it was left at its default.
    /// </summary>
    /// <param name="keyPath">snake_case path, e.g. "incentives.pilot_provinces[1]" or "provinces.data_file".</param>
    /// <param name="problem">What is wrong; the key path is put in front of it.</param>
    public ConfigException Error(string keyPath, string problem, string? suggestion = null) =>
        ConfigLoader.Locate(locations, keyPath).Error($"{keyPath}: {problem}", keyPath, displayPath, suggestion: suggestion);

    /// <summary>
    /// An error for a name that refers to nothing, e.g. a pilot province missing from the provinces file, with
    /// the nearest valid name as suggestion.
    /// </summary>
    /// <param name="kind">What the name names, for the message: "province".</param>
    public ConfigException UnknownName(string keyPath, string name, IEnumerable<string> validNames, string kind = "name")
    {
        var valid = validNames.ToList();
        return Error(keyPath, ConfigErrors.UnknownNameProblem(kind, name, valid), Naming.Nearest(name, valid));
    }
}
