namespace AgentSim.Config;

/// <summary>
/// Reads the study sections (<c>sensitivity:</c>, <c>calibration:</c>) the way <see cref="SweepSection"/> reads
/// <c>sweep:</c>: taken out of the merged tree so the model config never sees them, bound with the same binder
/// (types, ranges, unknown keys with the nearest valid one, lines). Rules that need the model's schema or the
/// analysis module's indicator names are checked by the commands, located through <see cref="LoadedConfig.Error"/>.
/// </summary>
internal static class StudySections
{
    public static Node? Extract(MappingNode fileTree, string key)
    {
        var entry = fileTree.Find(key);
        if (entry is null)
            return null;
        fileTree.Entries.Remove(entry);
        return entry.Value;
    }

    public static T Bind<T>(Node node, string key, string fallbackFile, Dictionary<string, Origin> locations) where T : new()
    {
        if (node is not MappingNode mapping)
            throw node.Origin.Error($"{key}: expected a mapping of keys, got {node.Describe()}", key, fallbackFile, "a mapping of keys");
        var binder = new ConfigBinder(fallbackFile);
        var section = binder.BindSection<T>(mapping, key);
        foreach (var (path, origin) in binder.Locations)
            locations[path] = origin;
        if (binder.Problems.Count > 0)
        {
            var first = binder.Problems[0];
            throw new ConfigException(first.Problem, first.File, first.KeyPath, first.Line, first.Column, first.Expected, first.Suggestion)
            {
                OtherProblems = binder.Problems.Skip(1).ToList(),
            };
        }
        return section;
    }
}
