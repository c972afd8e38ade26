using AgentSim.Config;

namespace AgentSim.Model;

/// <summary>
/// Per-industry parameters flattened into arrays for the hot loops (no config objects or virtual calls
/// inside a firm loop). Built once from the config.
/// </summary>
public sealed class IndustryParameters
{
    public IndustryParameters(IReadOnlyList<IndustryConfig> industries, bool strategicList = true)
    {
        int n = industries.Count;
        Names = industries.Select(i => i.Name).ToArray();
        Strategic = industries.Select(i => i.Strategic).ToArray();
        OnPolicyList = industries.Select(i => i.Strategic && strategicList).ToArray();
        UnitCost = industries.Select(i => i.UnitCost).ToArray();
        CapitalPerUnit = industries.Select(i => i.CapitalPerUnit).ToArray();
        Depreciation = industries.Select(i => i.Depreciation).ToArray();
        BuildLag = industries.Select(i => i.BuildLag).ToArray();
        Substitution = industries.Select(i => i.Substitution).ToArray();
        LabourPerUnit = industries.Select(i => i.LabourPerUnit).ToArray();
        Wage = industries.Select(i => i.Wage).ToArray();
        LearningExponent = industries.Select(i => Math.Log2(1 - i.LearningRate)).ToArray();
        Count = n;
    }

    public int Count { get; }
    public string[] Names { get; }
    /// <summary>Flagged strategic in the config: the group the indicators report on.</summary>
    public bool[] Strategic { get; }
    /// <summary>On the centre's priority list for policy (initial subsidies, the cap, co-funding, officials' sector
    /// moves): the strategic industries, or none with mechanisms.strategic_list off.</summary>
    public bool[] OnPolicyList { get; }
    public double[] UnitCost { get; }
    public double[] CapitalPerUnit { get; }
    public double[] Depreciation { get; }
    public int[] BuildLag { get; }
    public double[] Substitution { get; }
    public double[] LabourPerUnit { get; }
    public double[] Wage { get; }
    /// <summary>log2(1 - learning rate): cost index = (cumulative output ratio) ^ exponent.</summary>
    public double[] LearningExponent { get; }
}

/// <summary>Constants of the model that are not user parameters, with the reason for each value.</summary>
public static class ModelConstants
{
    /// <summary>Gain of the burn-in controller that calibrates state investment to the provinces' data GDP.</summary>
    public const double CalibrationGain = 0.8;
}
