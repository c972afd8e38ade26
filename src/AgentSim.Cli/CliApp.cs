namespace AgentSim.Cli;

/// <summary>Process exit codes; distinct so scripts and schedulers can tell failures apart.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
}

/// <summary>The command-line application. Tests call <see cref="Run"/> directly: it is the real entry point.</summary>
public static class CliApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine("error: not implemented yet");
        return ExitCodes.Failure;
    }
}
