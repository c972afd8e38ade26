using AgentSim.Report;

namespace AgentSim.Cli;

/// <summary><c>agentsim report DIR... [--out DIR]</c>: charts and one self-contained report.html.</summary>
internal static class ReportCommand
{
    public static int Execute(string[] args, TextWriter stdout, CancellationToken ct)
    {
        var inputs = new List<string>();
        string? output = null;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a is "-h" or "--help")
            {
                stdout.Write(Usage.Report);
                return ExitCodes.Success;
            }
            if (a == "--out")
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)) throw new UsageException("--out needs a value (see 'agentsim report --help')");
                output = args[++i];
            }
            else if (a.StartsWith("--out=", StringComparison.Ordinal)) output = a["--out=".Length..];
            else if (a == "--debug") { }
            else if (a.StartsWith('-') && a.Length > 1) throw new UsageException($"unknown option '{a}' (see 'agentsim report --help')");
            else inputs.Add(a);
        }
        if (inputs.Count == 0) throw new UsageException("report needs a run, replicates, comparison or sweep directory: agentsim report DIR... [--out DIR]");
        var result = Write(inputs, output, stdout, ct);
        stdout.WriteLine($"report: {result.HtmlPath}");
        return ExitCodes.Success;
    }

    /// <summary>
    /// The end of a run (or replicates, or a comparison with tables): writes the report with --report, else prints the
    /// command that would.
    /// </summary>
    public static void AfterRun(RunOptions options, string output, TextWriter stdout, CancellationToken ct)
    {
        if (options.Report)
        {
            var result = Write([output], null, stdout, ct);
            stdout.WriteLine($"report: {result.HtmlPath}");
        }
        else
        {
            string quoted = output.Contains(' ', StringComparison.Ordinal) ? $"\"{output}\"" : output;
            stdout.WriteLine($"report: agentsim report {quoted}   (charts and report.html; or rerun with --report)");
        }
    }

    /// <summary>Builds the report, reporting progress on <paramref name="stdout"/>; bad input becomes a usage error.</summary>
    public static ReportResult Write(IReadOnlyList<string> inputs, string? output, TextWriter stdout, CancellationToken ct)
    {
        try
        {
            return ReportBuilder.Build(new ReportOptions { Inputs = inputs, OutputDirectory = output }, line => stdout.WriteLine(line), ct);
        }
        catch (ReportException ex)
        {
            throw new UsageException(ex.Message);
        }
    }
}
