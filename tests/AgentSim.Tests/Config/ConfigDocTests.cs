using AgentSim.Config;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Config;

/// <summary>docs/config.md is generated from the [Param] schema; this keeps the committed file in step with the code.</summary>
public sealed class ConfigDocTests
{
    [Fact]
    public void Docs_config_md_matches_the_schema()
    {
        var path = Path.Combine(RunFixtures.RepositoryRoot, "docs", "config.md");
        var generated = ConfigSchema.ToMarkdown();
        if (Environment.GetEnvironmentVariable("AGENTSIM_UPDATE_DOCS") == "1")
            File.WriteAllText(path, generated);
        Assert.True(File.ReadAllText(path) == generated,
            "docs/config.md differs from the parameter schema; regenerate with AGENTSIM_UPDATE_DOCS=1 dotnet test tests/AgentSim.Tests --filter ConfigDoc");
    }
}
