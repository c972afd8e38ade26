using AgentSim.Config;

namespace AgentSim.Output.Tables;

/// <summary>
/// Unit strings shared by the run tables, so the same quantity is described the same way in every table and in
/// docs/outputs.md.
/// </summary>
public static class Units
{
    public const string Flow = "CNY bn per quarter";
    public const string Stock = "CNY bn, end of quarter";
    public const string StockStart = "CNY bn, start of quarter";
    public const string RealFlow = "CNY bn per quarter at start-of-run prices";
    public const string Price = "CNY bn per unit";
    public const string Quantity = "units per quarter";
    public const string QuantityStock = "units, end of quarter";
    public const string Fraction = "fraction";
    public const string LogGrowth = "log change per quarter";
    public const string Index = "index, 1 at the start";
    public const string Persons = "persons";
    public const string Workers = "workers";
    public const string Firms = "firms";
    public const string FirmsPerQuarter = "firms per quarter";
    public const string Count = "count";
    public const string Quarters = "quarters";
    public const string Step = "quarter (0 = first after burn-in)";
    public const string None = "";
}

/// <summary>Names as they appear in the tables: snake_case, stable across releases.</summary>
public static class TableNames
{
    public const string Provinces = "provinces";
    public const string Industries = "industries";
    public const string Nation = "nation";
    public const string Officials = "officials";
    public const string Firms = "firms";

    /// <summary>Every run table, in the order they are documented.</summary>
    public static IReadOnlyList<string> All { get; } = [Provinces, Industries, Nation, Officials, Firms];

    /// <summary>File name of a table inside a run directory.</summary>
    public static string FileName(string table) => table + ".parquet";

    private static readonly string[] RuleNames = BuildRuleNames();

    /// <summary>The rule as written in configs and outputs (gdp, household_income, mixed); no allocation per call.</summary>
    public static string Rule(IncentiveRule rule)
    {
        var index = (int)rule;
        return (uint)index < (uint)RuleNames.Length ? RuleNames[index] : SnakeCase(rule.ToString());
    }

    /// <summary>Column name of a lever: <c>lever_</c> followed by the model's lever name.</summary>
    public static string LeverColumn(int lever, IReadOnlyList<string> industryNames) =>
        "lever_" + Model.State.LeverLayout.Name(lever, industryNames);

    /// <summary>Unit of a lever column: rates are fractions; propensity and easing are unitless intensities.</summary>
    public static string LeverUnit(int lever, IReadOnlyList<string> industryNames) =>
        lever < industryNames.Count || lever - industryNames.Count is 0 or 2 ? Units.Fraction : "index";

    /// <summary>Meaning of a lever column, for the documentation.</summary>
    public static string LeverMeaning(int lever, IReadOnlyList<string> industryNames)
    {
        if (lever < industryNames.Count)
        {
            return $"Capex subsidy rate the province pays on firms' capacity investment in {industryNames[lever]} (share of capex).";
        }
        return (lever - industryNames.Count) switch
        {
            0 => "Production subsidy rate paid on local firms' revenue; a positive value puts firms under employment pressure.",
            1 => "Bailout propensity: willingness to rescue a failing firm, weighted by its employment.",
            2 => "Welfare share of the province's programme spending (transfers to households).",
            _ => "Credit easing: pressure on local banks to lend, raising investment and firms' leverage limit.",
        };
    }

    /// <summary>PascalCase to snake_case (HouseholdIncome to household_income).</summary>
    public static string SnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static string[] BuildRuleNames()
    {
        var values = Enum.GetValues<IncentiveRule>();
        var names = new string[values.Max(v => (int)v) + 1];
        foreach (var value in values)
        {
            names[(int)value] = SnakeCase(value.ToString());
        }
        return names;
    }
}
