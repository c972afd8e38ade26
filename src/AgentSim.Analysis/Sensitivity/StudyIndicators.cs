using System.Reflection;
using AgentSim.Analysis.Sweeps;

namespace AgentSim.Analysis.Sensitivity;

/// <summary>The indicator names a study can name as an output or a moment: every column of summary.parquet's indicators.</summary>
public static class StudyIndicators
{
    /// <summary>The signature indicators of <see cref="Indicators"/> and the headline figures of <see cref="SweepIndicators"/>.</summary>
    public static IReadOnlyList<string> Known { get; } =
        typeof(Indicators).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Concat(typeof(SweepIndicators).GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Distinct()
            .ToList();
}
