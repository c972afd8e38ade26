using System.Globalization;

namespace AgentSim.Report;

/// <summary>What a report covers.</summary>
public enum ReportKind
{
    /// <summary>One run directory.</summary>
    Run,
    /// <summary>Replicates of one scenario (<c>run --replicates</c>: DIR/replicate=R/).</summary>
    Replicates,
    /// <summary>Several scenarios: several directories, or a comparison (DIR/scenario=NAME/replicate=R/).</summary>
    Comparison,
    /// <summary>A parameter sweep: Hive partitions DIR/KEY=VALUE/.../replicate=R/ and DIR/summary.parquet.</summary>
    Sweep,
}

/// <summary>One run directory: its tables and where it sits in a partitioned layout.</summary>
public sealed record RunDirectory(string Path, int Replicate, IReadOnlyDictionary<string, string> Partitions);

/// <summary>Runs that belong together (one scenario, or one point of a sweep): charts show their mean across replicates.</summary>
public sealed record RunGroup(string Name, IReadOnlyList<RunDirectory> Runs)
{
    /// <summary>The swept parameters' values of this group (empty outside a sweep).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The runs found under the report's input directories. A run directory holds <c>provinces.parquet</c>,
/// <c>industries.parquet</c> and <c>nation.parquet</c>. Partition folders named <c>replicate=R</c> are replicates,
/// <c>scenario=NAME</c> scenarios, and any other <c>KEY=VALUE</c> a swept parameter.
/// </summary>
public sealed class ReportLayout
{
    public const string ReplicateKey = "replicate";
    public const string ScenarioKey = "scenario";
    private static readonly string[] RequiredTables = ["provinces.parquet", "industries.parquet", "nation.parquet"];

    public required ReportKind Kind { get; init; }
    public required IReadOnlyList<RunGroup> Groups { get; init; }
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>Swept parameter keys, in partition order (sweeps only).</summary>
    public IReadOnlyList<string> SweepParameters { get; init; } = [];

    /// <summary>The sweep's (or comparison's) summary.parquet, when there is one.</summary>
    public string? SummaryFile { get; init; }

    /// <summary>A comparison's signature.parquet (the checks of MODEL.md section 6), when there is one.</summary>
    public string? SignatureFile { get; init; }

    public int RunCount => Groups.Sum(g => g.Runs.Count);

    public static bool IsRunDirectory(string path) => RequiredTables.All(t => File.Exists(System.IO.Path.Combine(path, t)));

    /// <summary>Finds the runs under each input directory and decides what kind of report they make.</summary>
    public static ReportLayout Discover(IReadOnlyList<string> inputs)
    {
        if (inputs.Count == 0) throw new ReportException("no input directory");
        var perInput = new List<(string Input, List<RunDirectory> Runs)>();
        foreach (var input in inputs)
        {
            if (!Directory.Exists(input)) throw new ReportException($"'{input}' is not a directory");
            var runs = FindRuns(input);
            if (runs.Count == 0)
                throw new ReportException($"no runs under '{input}': a run directory holds {string.Join(", ", RequiredTables)} (write one with 'agentsim run CONFIG')");
            perInput.Add((input, runs));
        }

        if (inputs.Count > 1)
        {
            // Several directories: each is a scenario (split further when it is itself a comparison).
            var groups = new List<RunGroup>();
            foreach (var (input, runs) in perInput)
            {
                string name = DisplayName(input);
                foreach (var g in runs.GroupBy(r => Key(r.Partitions, exceptReplicate: true)))
                    groups.Add(new RunGroup(g.Key.Length == 0 ? name : $"{name} {g.Key}", Order(g)));
            }
            return new ReportLayout { Kind = ReportKind.Comparison, Groups = Unique(groups), Inputs = inputs };
        }

        var (single, all) = perInput[0];
        var sweepKeys = all.SelectMany(r => r.Partitions.Keys).Where(k => k is not ReplicateKey and not ScenarioKey).Distinct().ToList();
        string? summary = File.Exists(System.IO.Path.Combine(single, "summary.parquet")) ? System.IO.Path.Combine(single, "summary.parquet") : null;
        if (sweepKeys.Count > 0)
        {
            var groups = all.GroupBy(r => Key(r.Partitions, exceptReplicate: true))
                .Select(g => new RunGroup(g.Key, Order(g))
                {
                    Parameters = sweepKeys.ToDictionary(k => k, k => g.First().Partitions.TryGetValue(k, out var v) ? v : ""),
                })
                .OrderBy(g => g.Name, ParameterOrder.Instance)
                .ToList();
            return new ReportLayout { Kind = ReportKind.Sweep, Groups = groups, Inputs = inputs, SweepParameters = sweepKeys, SummaryFile = summary };
        }
        if (all.Any(r => r.Partitions.ContainsKey(ScenarioKey)))
        {
            var groups = all.GroupBy(r => r.Partitions.TryGetValue(ScenarioKey, out var s) ? s : DisplayName(single))
                .Select(g => new RunGroup(g.Key, Order(g)))
                .ToList();
            // Scenario order as in the comparison's summary (the reference first) when it is readable; else by name.
            groups = OrderScenarios(groups, summary);
            string signature = System.IO.Path.Combine(single, "signature.parquet");
            return new ReportLayout
            {
                Kind = ReportKind.Comparison,
                Groups = groups,
                Inputs = inputs,
                SummaryFile = summary,
                SignatureFile = File.Exists(signature) ? signature : null,
            };
        }
        var group = new RunGroup(DisplayName(single), Order(all));
        return new ReportLayout
        {
            Kind = all.Count == 1 && all[0].Partitions.Count == 0 ? ReportKind.Run : ReportKind.Replicates,
            Groups = [group],
            Inputs = inputs,
            SummaryFile = summary,
        };
    }

    /// <summary>Run directories at or below <paramref name="root"/> (not below a run directory), in path order.</summary>
    public static List<RunDirectory> FindRuns(string root)
    {
        var found = new List<RunDirectory>();
        void Visit(string dir, Dictionary<string, string> partitions, int depth)
        {
            if (IsRunDirectory(dir))
            {
                int replicate = partitions.TryGetValue(ReplicateKey, out var r) && int.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
                found.Add(new RunDirectory(dir, replicate, new Dictionary<string, string>(partitions)));
                return;
            }
            if (depth > 8) return;
            foreach (var child in Directory.GetDirectories(dir).OrderBy(d => d, StringComparer.Ordinal))
            {
                string name = System.IO.Path.GetFileName(child);
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                var next = new Dictionary<string, string>(partitions);
                if (eq <= 0) continue; // only partition folders (KEY=VALUE) hold runs below the root
                next[name[..eq]] = Uri.UnescapeDataString(name[(eq + 1)..]);
                Visit(child, next, depth + 1);
            }
        }
        Visit(System.IO.Path.GetFullPath(root), new Dictionary<string, string>(), 0);
        return found;
    }

    private static List<RunDirectory> Order(IEnumerable<RunDirectory> runs) => runs.OrderBy(r => r.Replicate).ThenBy(r => r.Path, StringComparer.Ordinal).ToList();

    private static string Key(IReadOnlyDictionary<string, string> partitions, bool exceptReplicate) =>
        string.Join(" ", partitions.Where(kv => !exceptReplicate || kv.Key != ReplicateKey).Select(kv => $"{kv.Key}={kv.Value}"));

    private static string DisplayName(string path) =>
        System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path)));

    private static List<RunGroup> Unique(List<RunGroup> groups)
    {
        var seen = new Dictionary<string, int>();
        return groups.Select(g =>
        {
            int n = seen[g.Name] = seen.TryGetValue(g.Name, out var c) ? c + 1 : 1;
            return n == 1 ? g : g with { Name = $"{g.Name} ({n})" };
        }).ToList();
    }

    private static List<RunGroup> OrderScenarios(List<RunGroup> groups, string? summary)
    {
        if (summary is null) return groups.OrderBy(g => g.Name, StringComparer.Ordinal).ToList();
        try
        {
            var frame = Frame.Query($"SELECT scenario, min(file_row_number) AS first FROM read_parquet({Frame.Literal(summary)}, file_row_number = true) GROUP BY scenario ORDER BY first");
            var order = frame.Strings("scenario").ToList();
            return groups.OrderBy(g => order.IndexOf(g.Name) is var i and >= 0 ? i : int.MaxValue).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return groups.OrderBy(g => g.Name, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Orders "k=1 j=10" after "k=1 j=2": numbers compare as numbers.</summary>
    private sealed class ParameterOrder : IComparer<string>
    {
        public static readonly ParameterOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = (x ?? "").Split(' ');
            var b = (y ?? "").Split(' ');
            for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                string va = a[i][(a[i].IndexOf('=') + 1)..], vb = b[i][(b[i].IndexOf('=') + 1)..];
                int c = double.TryParse(va, NumberStyles.Float, CultureInfo.InvariantCulture, out var da)
                    && double.TryParse(vb, NumberStyles.Float, CultureInfo.InvariantCulture, out var db)
                    ? da.CompareTo(db) : NaturalOrder.Instance.Compare(a[i], b[i]);
                if (c != 0) return c;
            }
            return a.Length.CompareTo(b.Length);
        }
    }
}
