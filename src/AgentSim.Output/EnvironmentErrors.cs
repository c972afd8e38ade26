namespace AgentSim.Output;

/// <summary>
/// Failures of the machine rather than of AgentSim: a full or read-only disk, a quota, no permission, a path too long
/// for the file system. They are the user's to fix (exit 2), reported as one plain sentence wherever they surface
/// (tables, manifest, checkpoints, report charts, sweep summaries), never as "a bug".
/// </summary>
public static class EnvironmentErrors
{
    // errno values as .NET reports them in IOException.HResult on Linux and macOS.
    private const int NoSpace = 28, ReadOnlyFileSystem = 30, FileTooLarge = 27, Quota = 122, QuotaMac = 69, NameTooLong = 36, NameTooLongMac = 63;

    /// <summary>The plain sentence for an environment failure anywhere in <paramref name="ex"/>'s chain, or null for anything else.</summary>
    public static string? Describe(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            var reason = e switch
            {
                PathTooLongException => "the path is too long for the file system; use a shorter --out or scenario name",
                UnauthorizedAccessException => "permission denied; choose files and folders you may use",
                IOException io => (io.HResult & 0xFFFF) switch
                {
                    NoSpace => "the disk is full; free some space or choose another --out",
                    Quota or QuotaMac => "the disk quota is exhausted; free some space or choose another --out",
                    ReadOnlyFileSystem => "the file system is read-only; choose another --out",
                    FileTooLarge => "a file is larger than the file system allows",
                    NameTooLong or NameTooLongMac => "the path is too long for the file system; use a shorter --out or scenario name",
                    _ => null,
                },
                _ => null,
            };
            if (reason is not null)
                return $"{reason} ({e.Message.TrimEnd('.')})";
        }
        return null;
    }
}
