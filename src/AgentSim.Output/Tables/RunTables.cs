namespace AgentSim.Output.Tables;

/// <summary>The schemas of every run table for a given industry list (lever columns depend on it).</summary>
public static class RunTables
{
    /// <summary>Schemas in documentation order: provinces, industries, nation, officials, firms.</summary>
    public static IReadOnlyList<TableSchema> Schemas(IReadOnlyList<string> industryNames) =>
    [
        ProvincesTable.Schema(industryNames),
        IndustriesTable.Schema,
        NationTable.Schema,
        OfficialsTable.Schema(industryNames),
        FirmsTable.Schema,
    ];
}
