using System.Text.RegularExpressions;
using AgentSim.Config;
using AgentSim.Output;
using AgentSim.Output.Tables;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Output;

/// <summary>docs/outputs.md is generated from the schemas; this keeps the committed file in step with the code.</summary>
public sealed partial class OutputsDocTests
{
    [Fact]
    public void Docs_outputs_md_matches_the_schemas()
    {
        var path = Path.Combine(RunFixtures.RepositoryRoot, "docs", "outputs.md");
        var generated = OutputDocs.Markdown();
        if (Environment.GetEnvironmentVariable("AGENTSIM_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, generated);
        }
        Assert.True(File.Exists(path), $"{path} is missing; regenerate with AGENTSIM_UPDATE_DOCS=1 dotnet test --filter OutputsDoc");
        Assert.True(File.ReadAllText(path) == generated,
            "docs/outputs.md differs from the table schemas; regenerate with AGENTSIM_UPDATE_DOCS=1 dotnet test tests/AgentSim.Tests --filter OutputsDoc");
    }

    [Fact]
    public void Every_column_is_snake_case_and_documented()
    {
        var industries = IndustryConfig.Defaults().Select(i => i.Name).ToArray();
        foreach (var schema in RunTables.Schemas(industries))
        {
            foreach (var column in schema.Columns)
            {
                Assert.Matches(SnakeCase(), column.Name);
                Assert.False(string.IsNullOrWhiteSpace(column.Meaning), $"{schema.TableName}.{column.Name} has no meaning");
                Assert.EndsWith(".", column.Meaning);
                if (column.Kind is ColumnKind.Double or ColumnKind.Int32 && column.Name is not ("step" or "firm_id" or "official_id"))
                {
                    Assert.False(string.IsNullOrWhiteSpace(column.Unit), $"{schema.TableName}.{column.Name} has no unit");
                }
            }
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();
}
