using AgentSim.Analysis;
using AgentSim.Config;
using AgentSim.Model.State;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Scenarios;

/// <summary>
/// Runs the five shipped scenarios once for all signature tests, through the same code path as
/// <c>agentsim compare</c> (<see cref="Experiments.Compare"/>): 30 replicates each on common seeds, at a firm
/// count small enough for CI. The scenario files are the shipped ones; only the firm count is overridden.
/// MODEL.md asks for at least 10 replicates; 30 (about 20 s on 2 cores) narrow the intervals by about 1.8x, so that
/// a mean near a threshold (S2c's margin) is not decided by the draw of ten seeds.
/// </summary>
public sealed class SignatureFixture
{
    public const int Replicates = 30;
    public const int Firms = 20_000;

    public SignatureFixture()
    {
        string configs = Path.Combine(RunFixtures.RepositoryRoot, "configs");
        var specs = new List<ScenarioSpec>();
        foreach (var name in new[] { "baseline", "household-income", "pilot", "eu-ev-tariff", "trade-in" })
        {
            var loaded = ConfigLoader.Load(Path.Combine(configs, name + ".yaml"), [$"firms={Firms}"]);
            var provinces = ProvinceData.Load(loaded.ResolvePath(loaded.Config.Provinces.DataFile));
            specs.Add(new ScenarioSpec(loaded.Config.Name, name + ".yaml", loaded.Config, provinces));
        }
        Result = Experiments.Compare(specs, Replicates, new ExperimentOptions());
        Checks = SignatureChecks.Evaluate(Result, specs);
    }

    public CompareResult Result { get; }

    /// <summary>The criteria as <c>compare</c> evaluates, prints and writes them (signature.parquet).</summary>
    public IReadOnlyList<SignatureCheck> Checks { get; }

    public SignatureCheck Check(string id) => Checks.Single(c => c.Id == id);

    public ScenarioSummary Scenario(string name) => Result.Scenarios.Single(s => s.Scenario == name);

    public ReplicateStatistic Stat(string scenario, string indicator) =>
        Scenario(scenario).Statistics.Single(s => s.Name == indicator);

    public ReplicateStatistic Paired(string scenario, string indicator) =>
        Scenario(scenario).VersusReference.Single(s => s.Name == indicator);

    /// <summary>The indicator in each replicate of a scenario, in replicate order.</summary>
    public double[] Values(string scenario, string indicator) =>
        Result.Runs.Where(r => r.Scenario == scenario).OrderBy(r => r.Replicate)
            .Select(r => r.Indicators.Single(i => i.Name == indicator).Value).ToArray();
}

[CollectionDefinition(Name)]
public sealed class SignatureCollection : ICollectionFixture<SignatureFixture>
{
    public const string Name = "Signature results";
}
