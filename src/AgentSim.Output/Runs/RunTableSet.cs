using AgentSim.Model;
using AgentSim.Output.Tables;

namespace AgentSim.Output.Runs;

/// <summary>
/// The tables of one run and their background writers. Per-quarter tables are handed over whenever a buffer holds
/// <see cref="RunWriter.RowGroupRows"/> rows (and at the end); each firms snapshot goes out in row groups of at most
/// <see cref="RunWriter.FirmRowGroupRows"/>. Disposing without <see cref="CompleteAsync"/> deletes every unfinished file.
/// <para>
/// Without checkpoints each table streams straight to its final file (<see cref="OpenAsync"/>). With checkpoints the
/// rows between two checkpoints go to a part file per table under <c>checkpoint/parts/</c>
/// (<see cref="OpenSegmentAsync"/>), completed before the checkpoint is written (<see cref="CompleteSegmentAsync"/>),
/// and <see cref="CompleteAsync"/> joins the parts into the final tables.
/// </para>
/// </summary>
internal sealed class RunTableSet : IAsyncDisposable
{
    private readonly Simulation _sim;
    private readonly string _directory;
    private readonly ProvincesTable _provinces;
    private readonly IndustriesTable _industries;
    private readonly NationTable _nation;
    private readonly OfficialsTable _officials;
    private readonly FirmsTable? _firms;
    private readonly List<(string Table, TableBuffer Buffer, object Source)> _tables = new();
    private readonly List<TableSegment> _segments = new();
    private BackgroundTableWriter[] _writers = [];
    private long[] _rowsDone = [];
    private int _segmentFrom, _segmentTo;
    private readonly int _firmRows;

    public RunTableSet(Simulation simulation, string directory)
    {
        _sim = simulation;
        _directory = directory;
        _provinces = new ProvincesTable(simulation);
        _industries = new IndustriesTable(simulation);
        _nation = new NationTable(simulation);
        _officials = new OfficialsTable(simulation);
        _firms = simulation.Config.Output.FirmsEvery > 0 ? new FirmsTable(simulation) : null;
        _firmRows = _firms is null ? 0 : FirmRowGroupCapacity(simulation);
        _tables.Add((TableNames.Provinces, _provinces.Buffer, _provinces));
        _tables.Add((TableNames.Industries, _industries.Buffer, _industries));
        _tables.Add((TableNames.Nation, _nation.Buffer, _nation));
        _tables.Add((TableNames.Officials, _officials.Buffer, _officials));
        if (_firms is not null)
        {
            _tables.Add((TableNames.Firms, _firms.Buffer, _firms));
        }
        _rowsDone = new long[_tables.Count];
    }

    /// <summary>True when rows go to part files for checkpoints.</summary>
    public bool Segmented { get; private set; }

    /// <summary>Completed parts, in order (segmented mode).</summary>
    public IReadOnlyList<TableSegment> Segments => _segments;

    /// <summary>The table objects, by table name: their cross-quarter memories (e.g. last quarter's GDP) go into checkpoints.</summary>
    public IEnumerable<(string Table, object Source)> Sources => _tables.Select(t => (t.Table, t.Source));

    /// <summary>Directory of the part files.</summary>
    public string PartsDirectory => Path.Combine(_directory, RunCheckpoint.DirectoryName, RunCheckpoint.PartsDirectoryName);

    /// <summary>Opens every table at its final path.</summary>
    public async Task OpenAsync(CancellationToken ct)
    {
        Segmented = false;
        _writers = await OpenWritersAsync(t => Path.Combine(_directory, TableNames.FileName(t)), ct).ConfigureAwait(false);
    }

    /// <summary>Continues after the parts a checkpoint lists (segmented mode).</summary>
    public void RestoreSegments(IEnumerable<TableSegment> segments)
    {
        Segmented = true;
        _segments.Clear();
        _segments.AddRange(segments);
        for (var i = 0; i < _tables.Count; i++)
        {
            _rowsDone[i] = _segments.Where(s => s.Table == _tables[i].Table).Sum(s => s.Rows);
        }
    }

    /// <summary>Opens part files for the rows of steps [from, to).</summary>
    public async Task OpenSegmentAsync(int from, int to, CancellationToken ct)
    {
        Segmented = true;
        _segmentFrom = from;
        _segmentTo = to;
        _writers = await OpenWritersAsync(t => Path.Combine(PartsDirectory, PartName(t, from, to)), ct).ConfigureAwait(false);
    }

    /// <summary>Rows of the largest firms row group the run can write: every slot (or the sample), capped at <see cref="RunWriter.FirmRowGroupRows"/>.</summary>
    private static int FirmRowGroupCapacity(Simulation sim)
    {
        var config = sim.Config;
        long slots = Math.Max(sim.Firms.Count, (long)config.Firms + config.Firms / 5 + 64);
        var rows = config.Output.FirmsSample > 0 ? Math.Min(slots, config.Output.FirmsSample) : slots;
        return (int)Math.Min(rows, RunWriter.FirmRowGroupRows);
    }

    /// <summary>Part file name of a table for steps [from, to).</summary>
    public static string PartName(string table, int from, int to) =>
        FormattableString.Invariant($"{table}.{from:D6}-{to:D6}.parquet");

    /// <summary>Appends the rows of the quarter just simulated and hands over full buffers.</summary>
    public async ValueTask AppendStepAsync(int step, int lastStep, CancellationToken ct)
    {
        _provinces.Append();
        _industries.Append();
        _nation.Append();
        _officials.Append();
        for (var i = 0; i < _tables.Count; i++)
        {
            var buffer = _tables[i].Buffer;
            if (!ReferenceEquals(buffer, _firms?.Buffer) && buffer.Columns[0].Count >= RunWriter.RowGroupRows)
            {
                await _writers[i].SubmitAsync(buffer, ct).ConfigureAwait(false);
            }
        }
        if (_firms is not null && FirmsTable.IsSnapshotStep(step, lastStep, _sim.Config.Output.FirmsEvery))
        {
            var writer = _writers[_tables.FindIndex(t => t.Table == TableNames.Firms)];
            _firms.BeginSnapshot();
            for (var slot = 0; slot < _sim.Firms.Count;)
            {
                slot = _firms.AppendFrom(slot, RunWriter.FirmRowGroupRows);
                await writer.SubmitAsync(_firms.Buffer, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Hands over what is left and completes the current part of every table (segmented mode), recording each part.</summary>
    public async Task CompleteSegmentAsync(CancellationToken ct)
    {
        var writers = await CompleteWritersAsync(ct).ConfigureAwait(false);
        for (var i = 0; i < _tables.Count; i++)
        {
            var file = PartName(_tables[i].Table, _segmentFrom, _segmentTo);
            var hash = RunCheckpoint.FileHash(Path.Combine(PartsDirectory, file));
            _segments.Add(new TableSegment(_tables[i].Table, file, _segmentFrom, _segmentTo, writers[i].RowsSubmitted, hash));
        }
    }

    /// <summary>
    /// Hands over what is left and completes every table under its final name (each renamed once whole). In segmented
    /// mode the current part is completed first and the parts of each table are joined into the final file.
    /// </summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        if (!Segmented)
        {
            await CompleteWritersAsync(ct).ConfigureAwait(false);
            return;
        }
        if (_writers.Length > 0)
        {
            await CompleteSegmentAsync(ct).ConfigureAwait(false);
        }
        foreach (var (table, buffer, _) in _tables)
        {
            var parts = _segments.Where(s => s.Table == table).OrderBy(s => s.FromStep)
                .Select(s => Path.Combine(PartsDirectory, s.File)).ToList();
            var coalesce = table != TableNames.Firms;
            var final = Path.Combine(_directory, TableNames.FileName(table));
            try
            {
                await TableParts.JoinAsync(parts, buffer.Schema, final, coalesce ? RunWriter.RowGroupRows : 0, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OutputException($"cannot write '{final}': {ex.Message}", ex);
            }
        }
    }

    public Dictionary<string, long> RowCounts()
    {
        var counts = new Dictionary<string, long>();
        for (var i = 0; i < _tables.Count; i++)
        {
            counts[_tables[i].Table] = _rowsDone[i] + (i < _writers.Length ? _writers[i].RowsSubmitted : 0);
        }
        return counts;
    }

    public Dictionary<string, string> Files()
    {
        var files = new Dictionary<string, string>();
        foreach (var (table, _, _) in _tables)
        {
            files[table] = TableNames.FileName(table);
        }
        return files;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
        _writers = [];
    }

    private async Task<BackgroundTableWriter[]> CompleteWritersAsync(CancellationToken ct)
    {
        var writers = _writers;
        for (var i = 0; i < _tables.Count; i++)
        {
            await writers[i].SubmitAsync(_tables[i].Buffer, ct).ConfigureAwait(false);
        }
        foreach (var writer in writers)
        {
            await writer.CompleteAsync(ct).ConfigureAwait(false);
        }
        for (var i = 0; i < writers.Length; i++)
        {
            _rowsDone[i] += writers[i].RowsSubmitted;
            await writers[i].DisposeAsync().ConfigureAwait(false);
        }
        _writers = [];
        return writers;
    }

    private async Task<BackgroundTableWriter[]> OpenWritersAsync(Func<string, string> pathOf, CancellationToken ct)
    {
        // The firms buffer and the writer's spares are sized (and their pages touched) here for a whole snapshot row
        // group, once, rather than grown by doubling during the first snapshots (~0.5 s at 1 M firms).
        _firms?.Buffer.EnsureCapacity(_firmRows);
        var writers = new List<BackgroundTableWriter>();
        try
        {
            foreach (var (table, buffer, _) in _tables)
            {
                var path = pathOf(table);
                try
                {
                    var spareRows = table == TableNames.Firms ? _firmRows : 1024;
                    writers.Add(await BackgroundTableWriter.CreateAsync(path, buffer.Schema, initialCapacity: spareRows, ct: ct).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new OutputException($"cannot create '{path}': {ex.Message}", ex);
                }
            }
        }
        catch
        {
            foreach (var writer in writers)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
        return writers.ToArray();
    }
}
