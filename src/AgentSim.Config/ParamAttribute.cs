namespace AgentSim.Config;

/// <summary>
/// Declares a configuration parameter: its meaning, unit and allowed range. The default is the
/// property's initial value. This attribute is the single source of truth from which validation,
/// <c>explain KEY</c> and the generated parameter docs all follow.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class ParamAttribute : Attribute
{
    public ParamAttribute(string meaning) => Meaning = meaning;

    /// <summary>One sentence saying what the parameter does.</summary>
    public string Meaning { get; }

    /// <summary>Unit, e.g. "CNY bn per quarter", "fraction", "quarters". Empty for unitless labels.</summary>
    public string Unit { get; init; } = "";

    /// <summary>Inclusive lower bound for numbers (and list lengths, for lists).</summary>
    public double Min { get; init; } = double.NegativeInfinity;

    /// <summary>Inclusive upper bound for numbers (and list lengths, for lists).</summary>
    public double Max { get; init; } = double.PositiveInfinity;
}

/// <summary>Marks a class as a config section whose cross-field rules are checked after binding.</summary>
public interface IValidatableSection
{
    /// <summary>Returns problems as (relative key path, message). Paths are snake_case, dot-separated, e.g. "industries[2].name".</summary>
    IEnumerable<(string KeyPath, string Message)> Validate(SimulationConfig root);
}
