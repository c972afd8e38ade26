namespace AgentSim.Config;

/// <summary>
/// Loads a scenario: reads the YAML file and the chain of files it <c>extends</c>, lays them over the defaults,
/// applies <c>--set</c> overrides, binds and validates. Every problem is raised as a <see cref="ConfigException"/>
/// naming the file, line and key path.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Top-level key naming a base file, relative to the file that contains it.</summary>
    public const string ExtendsKey = "extends";

    /// <summary>Longest <c>extends</c> chain accepted; real chains are two or three files deep.</summary>
    public const int MaxExtendsDepth = 16;

    /// <param name="path">The scenario file.</param>
    /// <param name="overrides">Overrides as "path.to.key=value", applied in order after the files are merged.</param>
    /// <exception cref="ConfigException">Any problem with the files, the overrides or the values.</exception>
    public static LoadedConfig Load(string path, IReadOnlyList<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = Path.GetFullPath(path);
        var display = DisplayPath(fullPath);
        var text = ReadFile(fullPath, display, null);
        return LoadText(text, fullPath, display, overrides);
    }

    /// <summary>
    /// Loads YAML text as if it were the file <paramref name="pseudoPath"/>: errors name that path and an
    /// <c>extends</c> is resolved relative to its directory. The file itself need not exist.
    /// </summary>
    public static LoadedConfig LoadFromString(string yaml, string pseudoPath, IReadOnlyList<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(pseudoPath);
        return LoadText(yaml, Path.GetFullPath(pseudoPath), pseudoPath, overrides);
    }

    private static LoadedConfig LoadText(string text, string fullPath, string display, IReadOnlyList<string>? overrides)
    {
        var files = new List<(string Full, string Display)>();
        var fileTree = ReadChain(text, fullPath, display, [fullPath], files);
        var sweepNode = SweepSection.Extract(fileTree);
        var sensitivityNode = StudySections.Extract(fileTree, SensitivityConfig.Key);
        var calibrationNode = StudySections.Extract(fileTree, CalibrationConfig.Key);
        var root = (MappingNode)ConfigTree.Merge(ConfigTree.FromObject(new SimulationConfig(), Origin.Defaults), fileTree);
        foreach (var item in overrides ?? [])
            ConfigOverrides.Apply(root, item, display);

        var binder = new ConfigBinder(display);
        var config = binder.Bind(root);
        ThrowFirst(binder.Problems, files, inFileOrder: true);

        var ruleProblems = ConfigRules.Check(config)
            .Select(p => Locate(binder.Locations, p.KeyPath)
                .Error($"{p.KeyPath}: {p.Message}", p.KeyPath, display, suggestion: p.Suggestion))
            .ToList();
        ThrowFirst(ruleProblems, files, inFileOrder: false);

        var sweep = sweepNode is null ? null : SweepSection.Bind(sweepNode, display, binder.Locations);
        var sensitivity = sensitivityNode is null ? null : StudySections.Bind<SensitivityConfig>(sensitivityNode, SensitivityConfig.Key, display, binder.Locations);
        var calibration = calibrationNode is null ? null : StudySections.Bind<CalibrationConfig>(calibrationNode, CalibrationConfig.Key, display, binder.Locations);
        return new LoadedConfig(config, fullPath, ConfigYaml.Write(config), files.Select(f => f.Full).ToList(), binder.Locations, display)
        {
            Sweep = sweep,
            Sensitivity = sensitivity,
            Calibration = calibration,
        };
    }

    /// <summary>
    /// Reads one file of the chain and, recursively, the file it extends; returns the merged tree with
    /// <c>extends</c> removed. <paramref name="chain"/> holds the full paths on the way here, for cycle detection.
    /// </summary>
    private static MappingNode ReadChain(string text, string fullPath, string display, List<string> chain,
        List<(string Full, string Display)> files)
    {
        files.Add((fullPath, display));
        var node = YamlReader.Read(text, display, null)
            ?? throw new ConfigException("file is empty (no keys; only comments or blank lines)", display);
        if (node is not MappingNode mapping)
            // The kind only, never the text: a wrong path (an 'extends' naming a secrets file) must not be echoed.
            throw node.Origin.Error($"the top level must be a mapping of keys (e.g. 'steps: 80'), got {(node is ScalarNode ? "plain text" : node.Describe())}",
                null, display);

        if (chain.Count > 1)
            RebaseRelativePaths(mapping, Path.GetDirectoryName(fullPath)!, Path.GetDirectoryName(chain[0])!);
        var extends = mapping.Find(ExtendsKey);
        if (extends is null)
            return mapping;
        mapping.Entries.Remove(extends);
        if (extends.Value is not ScalarNode { IsNull: false } target)
            throw extends.Value.Origin.Error($"{ExtendsKey}: expected the path of a base config file, got {extends.Value.Describe()}",
                ExtendsKey, display, "a file path");

        var basePath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(fullPath)!, target.Value.Trim()));
        if (chain.Contains(basePath, PathComparer))
        {
            var cycle = string.Join(" -> ", chain.Append(basePath).Select(DisplayPath));
            throw target.Origin.Error($"{ExtendsKey}: cycle in extends chain: {cycle}", ExtendsKey, display);
        }
        if (chain.Count >= MaxExtendsDepth)
            throw target.Origin.Error($"{ExtendsKey}: extends chain longer than {MaxExtendsDepth} files", ExtendsKey, display);

        var baseDisplay = DisplayPath(basePath);
        var baseText = ReadFile(basePath, baseDisplay, target);
        var baseTree = ReadChain(baseText, basePath, baseDisplay, [.. chain, basePath], files);
        return (MappingNode)ConfigTree.Merge(baseTree, mapping);
    }

    /// <summary>Keys whose value is a file path, relative to the file that sets it.</summary>
    private static readonly (string Section, string Key)[] PathKeys = [("provinces", "data_file")];

    /// <summary>
    /// A base file's relative paths are relative to the base file, but the loaded config resolves them against the
    /// top-level file (<see cref="LoadedConfig.ResolvePath"/>): rewrite them relative to the top-level file's directory,
    /// so a config kept anywhere can extend a shipped one. Files in the same directory are left as written.
    /// </summary>
    private static void RebaseRelativePaths(MappingNode mapping, string baseDirectory, string topDirectory)
    {
        if (string.Equals(Path.GetFullPath(baseDirectory), Path.GetFullPath(topDirectory), StringComparison.Ordinal))
            return;
        foreach (var (section, key) in PathKeys)
        {
            if (mapping.Find(section)?.Value is not MappingNode inner || inner.Find(key) is not { Value: ScalarNode { IsNull: false } value } entry)
                continue;
            string path = value.Value.Trim();
            if (path.Length == 0 || Path.IsPathRooted(path))
                continue;
            string rebased = Path.GetRelativePath(topDirectory, Path.GetFullPath(Path.Combine(baseDirectory, path))).Replace('\\', '/');
            entry.Value = new ScalarNode(rebased, value.IsPlain, value.Origin);
        }
    }

    /// <summary>
    /// Reads a config or base file: a regular file only, capped while reading, strict UTF-8 (<see cref="UserFile"/>).
    /// <paramref name="extendsValue"/> locates the error when it is a base file.
    /// </summary>
    private static string ReadFile(string fullPath, string display, ScalarNode? extendsValue)
    {
        ConfigException Fail(string problem) => extendsValue is null
            ? new ConfigException(problem, display)
            : extendsValue.Origin.Error($"{ExtendsKey}: base file '{extendsValue.Value}' {problem} (looked for {fullPath})",
                ExtendsKey, display);

        try
        {
            return UserFile.ReadUtf8(fullPath, YamlReader.MaxBytes);
        }
        catch (UserFileException ex)
        {
            throw Fail(ex.Message == "not found" && extendsValue is null ? $"config file not found (looked for {fullPath})"
                : ex.Message.StartsWith("is larger", StringComparison.Ordinal) ? $"{ex.Message} for a config file" : ex.Message);
        }
    }

    /// <summary>
    /// Throws the first problem with the rest attached. Binding problems are ordered as read (files in load order,
    /// then line) so the user sees the top-most first; cross-field problems keep the order of the rules, which
    /// check basic facts (industry names) before those that depend on them (tariffs naming industries).
    /// </summary>
    private static void ThrowFirst(IReadOnlyList<ConfigException> problems, List<(string Full, string Display)> files,
        bool inFileOrder)
    {
        if (problems.Count == 0)
            return;
        var displays = files.Select(f => f.Display).ToList();
        var ordered = !inFileOrder ? problems.ToList() : problems
            .Select((p, i) => (p, i))
            .OrderBy(x => x.p.File is null ? int.MaxValue : Math.Max(0, displays.IndexOf(x.p.File)))
            .ThenBy(x => x.p.Line ?? int.MaxValue)
            .ThenBy(x => x.p.Column ?? int.MaxValue)
            .ThenBy(x => x.i)
            .Select(x => x.p)
            .ToList();
        var first = ordered[0];
        throw new ConfigException(first.Problem, first.File, first.KeyPath, first.Line, first.Column, first.Expected,
            first.Suggestion)
        {
            OtherProblems = ordered.Skip(1).ToList(),
        };
    }

    /// <summary>
    /// The origin of the value at <paramref name="keyPath"/> or, when it was left at its default, of its nearest
    /// ancestor set in a file or override (the mapping the user wrote around it).
    /// </summary>
    internal static Origin Locate(IReadOnlyDictionary<string, Origin> locations, string keyPath)
    {
        var path = keyPath;
        while (path.Length > 0)
        {
            if (locations.TryGetValue(path, out var origin) && !origin.IsDefault)
                return origin;
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            path = cut < 0 ? "" : path[..cut];
        }
        return Origin.Defaults;
    }

    /// <summary>Paths under the working directory are shown relative to it ("configs/bad.yaml"), others in full.</summary>
    internal static string DisplayPath(string fullPath)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? fullPath : relative;
    }

    private static readonly StringComparer PathComparer =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
}
