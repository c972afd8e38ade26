using System.Text;

namespace AgentSim.Config;

/// <summary>
/// A problem with a configuration: a file that cannot be read, a key that does not exist, a value of the
/// wrong type or out of range, or a cross-field rule that fails. <see cref="Exception.Message"/> is meant for
/// people (one line, no stack trace), e.g.
/// <c>configs/bad.yaml:12:5: firm_behaviour.markup_down: expected a number between 0 and 0.5, got 'fast'</c>;
/// the properties carry the same facts for tools.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <param name="problem">What is wrong, without the location prefix or the suggestion, e.g. "firm_behaviour.markup_down: expected a number, got 'fast'".</param>
    /// <param name="file">The file as shown to the user, or null when the problem is not in a file (e.g. a --set override).</param>
    /// <param name="keyPath">snake_case dotted key path, e.g. "industries[2].learning_rate".</param>
    /// <param name="line">1-based line in <paramref name="file"/>.</param>
    /// <param name="column">1-based column in <paramref name="file"/>.</param>
    /// <param name="expected">What a valid value looks like, e.g. "a number between 0 and 0.5".</param>
    /// <param name="suggestion">A likely intended key or name; rendered as "did you mean '...'?".</param>
    public ConfigException(string problem, string? file = null, string? keyPath = null, int? line = null,
        int? column = null, string? expected = null, string? suggestion = null, Exception? innerException = null)
        : base(Format(problem, file, line, column, suggestion), innerException)
    {
        Problem = problem;
        File = file;
        KeyPath = keyPath;
        Line = line;
        Column = column;
        Expected = expected;
        Suggestion = suggestion;
    }

    /// <summary>The problem without location or suggestion.</summary>
    public string Problem { get; }

    /// <summary>The file as shown to the user (relative to the working directory when under it), or null.</summary>
    public string? File { get; }

    /// <summary>snake_case key path such as "firm_behaviour.markup_down" or "industries[2].name", or null.</summary>
    public string? KeyPath { get; }

    /// <summary>1-based line, when known.</summary>
    public int? Line { get; }

    /// <summary>1-based column, when known.</summary>
    public int? Column { get; }

    /// <summary>Description of a valid value, for type and range errors.</summary>
    public string? Expected { get; }

    /// <summary>The nearest valid key or name, for typos.</summary>
    public string? Suggestion { get; }

    /// <summary>
    /// Further problems found in the same pass (binding or cross-field checks), in file order. The message
    /// describes only this one, so that a user fixes the first problem first; a <c>validate</c> command may list them all.
    /// </summary>
    public IReadOnlyList<ConfigException> OtherProblems { get; init; } = [];

    /// <summary>The location prefix ("file:line:col"), or "" when there is none.</summary>
    public string Location => FormatLocation(File, Line, Column);

    private static string Format(string problem, string? file, int? line, int? column, string? suggestion)
    {
        var text = new StringBuilder();
        var location = FormatLocation(file, line, column);
        if (location.Length > 0)
            text.Append(location).Append(": ");
        text.Append(problem);
        if (suggestion is not null)
            text.Append("; did you mean '").Append(suggestion).Append("'?");
        return text.ToString();
    }

    private static string FormatLocation(string? file, int? line, int? column)
    {
        if (file is null)
            return "";
        if (line is null)
            return file;
        return column is null ? $"{file}:{line}" : $"{file}:{line}:{column}";
    }
}
