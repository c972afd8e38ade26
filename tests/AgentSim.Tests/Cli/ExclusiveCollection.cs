namespace AgentSim.Tests;

/// <summary>
/// Tests that measure the process (retained memory, time per case) run alone, after the parallel collections, so
/// other tests' allocations and CPU load cannot make them fail. They may also use <c>CliApp.Run</c>'s process-wide
/// state, since nothing else runs beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExclusiveCollection
{
    public const string Name = "Exclusive";
}
