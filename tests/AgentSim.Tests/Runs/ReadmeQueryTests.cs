using System.Text.RegularExpressions;
using AgentSim.Tests.Output;
using DuckDB.NET.Data;

namespace AgentSim.Tests.Runs;

/// <summary>The README's DuckDB example must keep working against a real run's output.</summary>
public sealed partial class ReadmeQueryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Readme_duckdb_query_runs_on_a_real_run()
    {
        string readme = File.ReadAllText(Path.Combine(RunFixtures.RepositoryRoot, "README.md"));
        var match = SqlBlock().Match(readme);
        Assert.True(match.Success, "README.md has no ```sql block");
        string output = _dir.File("baseline");
        RunFixtures.Run(RunFixtures.SmallConfig(firms: 3000, steps: 8, burnIn: 2), output);
        string sql = match.Groups[1].Value.Replace("runs/baseline/", output.Replace('\\', '/') + "/");

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        int rows = 0;
        while (reader.Read())
        {
            double utilisation = reader.GetDouble(reader.GetOrdinal("utilisation"));
            Assert.InRange(utilisation, 0.3, 1.0);
            rows++;
        }
        Assert.Equal(2 * 2, rows); // 8 quarters = 2 years, strategic and not
    }

    [GeneratedRegex("```sql\\s*\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}
