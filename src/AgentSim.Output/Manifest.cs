using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentSim.Output;

/// <summary>
/// The run manifest (<c>manifest.json</c>): everything needed to know what produced a run directory and whether it
/// finished. It is written with <see cref="Status"/> = <see cref="StatusIncomplete"/> when a run starts and rewritten
/// with <see cref="StatusComplete"/> at the end, so a crashed run is recognisable. Serialised by
/// <see cref="RunManifest"/> with snake_case names.
/// </summary>
public sealed class Manifest
{
    /// <summary>Status of a run that started and has not (yet) finished successfully.</summary>
    public const string StatusIncomplete = "incomplete";

    /// <summary>Status of a run whose outputs are all written.</summary>
    public const string StatusComplete = "complete";

    /// <summary><see cref="StatusIncomplete"/> or <see cref="StatusComplete"/>.</summary>
    public string Status { get; set; } = StatusIncomplete;

    /// <summary>Version of the simulator that produced the run.</summary>
    public string Version { get; set; } = "";

    /// <summary>Commit of the source tree, when run from a git checkout; null otherwise.</summary>
    public string? GitCommit { get; set; }

    /// <summary>Config file as given on the command line.</summary>
    public string ConfigPath { get; set; } = "";

    /// <summary>The configuration after defaults and overrides, so the run can be repeated without the original file.</summary>
    public string ResolvedConfigYaml { get; set; } = "";

    /// <summary>Master random seed; with the resolved config it reproduces the run exactly.</summary>
    public long Seed { get; set; }

    /// <summary>Worker threads used. Recorded because timings depend on it (results must not).</summary>
    public int Threads { get; set; }

    /// <summary>Number of firm agents simulated.</summary>
    public int Firms { get; set; }

    /// <summary>Number of simulation steps (quarters) run.</summary>
    public int Steps { get; set; }

    /// <summary>When the run started, in UTC.</summary>
    public DateTimeOffset StartedUtc { get; set; }

    /// <summary>Null until the run completes.</summary>
    public DateTimeOffset? FinishedUtc { get; set; }

    /// <summary>Wall-clock seconds per phase (e.g. "init", "simulate", "write").</summary>
    public Dictionary<string, double> TimingsSeconds { get; set; } = new();

    /// <summary>Rows per output table.</summary>
    public Dictionary<string, long> RowCounts { get; set; } = new();

    /// <summary>Output table name to file name relative to the run directory.</summary>
    public Dictionary<string, string> Files { get; set; } = new();

    /// <summary>
    /// Why the run stopped, when it stopped on an error it could describe (a broken invariant); null otherwise. Such a
    /// run keeps status <see cref="StatusIncomplete"/>; its tables hold the quarters before the failure.
    /// </summary>
    public string? Error { get; set; }

    /// <summary>The step a resumed run continued from (its last checkpoint); null for a run that was never resumed.</summary>
    public int? ResumedFromStep { get; set; }

    /// <summary>
    /// The commit checked out at or above <paramref name="startDirectory"/>, read from the git metadata files
    /// rather than by running git (which may be absent, and spawning it would slow every run). Handles ordinary
    /// repositories, worktrees and submodules (<c>.git</c> file), loose and packed refs, and detached HEAD.
    /// Returns null when there is no repository or anything is unreadable: the commit is informative, never required.
    /// </summary>
    public static string? TryGetGitCommit(string startDirectory) => GitHead.TryRead(startDirectory);
}

/// <summary>Reading and writing <see cref="Manifest"/> JSON with the project's conventions (snake_case, indented).</summary>
public static class RunManifest
{
    /// <summary>Conventional file name inside a run directory.</summary>
    public const string FileName = "manifest.json";

    /// <summary>
    /// Serializer settings. Dictionary keys (table and phase names) are written as given; only property names are
    /// converted to snake_case. Nulls are written, so every key is present in every manifest and readers need no defaults.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The manifest as indented JSON text with a trailing newline.</summary>
    public static string Serialize(Manifest manifest) => JsonSerializer.Serialize(manifest, JsonOptions) + "\n";

    /// <summary>Parses manifest JSON; throws <see cref="JsonException"/> if it is not a manifest.</summary>
    public static Manifest Deserialize(string json) =>
        JsonSerializer.Deserialize<Manifest>(json, JsonOptions) ?? throw new JsonException("Manifest JSON is null.");

    /// <summary>Atomically writes the manifest to <paramref name="path"/>.</summary>
    public static Task WriteAsync(string path, Manifest manifest, CancellationToken ct = default) =>
        AtomicFile.WriteAllTextAsync(path, Serialize(manifest), ct);

    /// <summary>Reads a manifest written by <see cref="WriteAsync"/>.</summary>
    public static async Task<Manifest> ReadAsync(string path, CancellationToken ct = default) =>
        Deserialize(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false));
}
