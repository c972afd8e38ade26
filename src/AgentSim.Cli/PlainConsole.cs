using Spectre.Console;

namespace AgentSim.Cli;

/// <summary>A Spectre console for tables in logs and captured output: no colours, no escape codes, a fixed width.</summary>
internal static class PlainConsole
{
    public static IAnsiConsole Create(TextWriter stdout, int width)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        return console;
    }
}
