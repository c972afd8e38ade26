namespace AgentSim.Config;

/// <summary>Helpers for code outside the loader (the engine, data readers) that reports configuration problems.</summary>
public static class ConfigErrors
{
    /// <summary>
    /// A name that refers to nothing, e.g. <c>UnknownName("configs/x.yaml", "incentives.pilot_provinces[1]",
    /// "Guangdon", provinceNames, "province")</c> gives
    /// "configs/x.yaml: incentives.pilot_provinces[1]: unknown province 'Guangdon'; did you mean 'Guangdong'?".
    /// Prefer <see cref="LoadedConfig.UnknownName"/> when the loaded config is at hand: it adds the line number.
    /// </summary>
    public static ConfigException UnknownName(string? file, string keyPath, string name, IEnumerable<string> validNames,
        string kind = "name", int? line = null, int? column = null)
    {
        var valid = validNames.ToList();
        return new ConfigException($"{keyPath}: {UnknownNameProblem(kind, name, valid)}", file, keyPath, line, column,
            suggestion: Naming.Nearest(name, valid));
    }

    /// <summary>The nearest of <paramref name="candidates"/> to <paramref name="input"/>, or null when none is a plausible typo.</summary>
    public static string? Nearest(string input, IEnumerable<string> candidates) => Naming.Nearest(input, candidates);

    internal static string UnknownNameProblem(string kind, string name, IReadOnlyList<string> valid)
    {
        // Long lists (31 provinces) are not spelled out; the suggestion does the work.
        var listing = valid.Count is > 0 and <= 12 ? $" (valid: {string.Join(", ", valid)})" : "";
        return $"unknown {kind} '{name}'{listing}";
    }
}
