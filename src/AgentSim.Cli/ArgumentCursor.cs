namespace AgentSim.Cli;

/// <summary>
/// Walks a command's arguments for the hand-written option parsers: splits <c>--key=value</c> into the option and
/// its inline value, and hands out an option's value (inline or the next argument) with one clear error.
/// </summary>
internal sealed class ArgumentCursor(string[] args, int start, string command)
{
    private int _index = start - 1;

    /// <summary>The current argument, without an inline <c>=value</c>.</summary>
    public string Current { get; private set; } = "";

    /// <summary>The value written as <c>--key=value</c>, or null.</summary>
    public string? Inline { get; private set; }

    public bool MoveNext()
    {
        if (++_index >= args.Length) return false;
        string arg = args[_index];
        Inline = null;
        if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 2)
        {
            Inline = arg[(eq + 1)..];
            arg = arg[..eq];
        }
        Current = arg;
        return true;
    }

    /// <summary>The current option's value: inline, or the next argument unless that is another option.</summary>
    public string Value()
    {
        if (Inline is not null) return Inline;
        if (_index + 1 >= args.Length || args[_index + 1].StartsWith("--", StringComparison.Ordinal))
            throw new UsageException($"{Current} needs a value (see 'agentsim {command} --help')");
        return args[++_index];
    }
}
