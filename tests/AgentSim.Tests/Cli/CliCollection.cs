namespace AgentSim.Tests;

/// <summary>
/// Tests that go through <c>CliApp.Run</c> share process-wide state (the config source hook, the console
/// cancel handler), so they run one class at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CliCollection
{
    public const string Name = "CLI";
}
