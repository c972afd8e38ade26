using AgentSim.Model;
using AgentSim.Output.Tables;

namespace AgentSim.Output.Runs;

/// <summary>
/// The tables of one run and their background writers. Per-quarter tables are handed over whenever a buffer holds
/// <see cref="RunWriter.RowGroupRows"/> rows (and at the end); each firms snapshot goes out in row groups of at most
/// <see cref="RunWriter.FirmRowGroupRows"/>. Disposing without <see cref="CompleteAsync"/> deletes every unfinished file.
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
    private readonly List<(string Table, TableBuffer Buffer, BackgroundTableWriter Writer)> _outputs = new();

    public RunTableSet(Simulation simulation, string directory)
    {
        _sim = simulation;
        _directory = directory;
        _provinces = new ProvincesTable(simulation);
        _industries = new IndustriesTable(simulation);
        _nation = new NationTable(simulation);
        _officials = new OfficialsTable(simulation);
        _firms = simulation.Config.Output.FirmsEvery > 0 ? new FirmsTable(simulation) : null;
    }

    public async Task OpenAsync(CancellationToken ct)
    {
        await OpenAsync(TableNames.Provinces, _provinces.Buffer, ct).ConfigureAwait(false);
        await OpenAsync(TableNames.Industries, _industries.Buffer, ct).ConfigureAwait(false);
        await OpenAsync(TableNames.Nation, _nation.Buffer, ct).ConfigureAwait(false);
        await OpenAsync(TableNames.Officials, _officials.Buffer, ct).ConfigureAwait(false);
        if (_firms is not null)
        {
            await OpenAsync(TableNames.Firms, _firms.Buffer, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Appends the rows of the quarter just simulated and hands over full buffers.</summary>
    public async ValueTask AppendStepAsync(int step, int lastStep, CancellationToken ct)
    {
        _provinces.Append();
        _industries.Append();
        _nation.Append();
        _officials.Append();
        for (var i = 0; i < _outputs.Count; i++)
        {
            var (_, buffer, writer) = _outputs[i];
            if (!ReferenceEquals(buffer, _firms?.Buffer) && buffer.Columns[0].Count >= RunWriter.RowGroupRows)
            {
                await writer.SubmitAsync(buffer, ct).ConfigureAwait(false);
            }
        }
        if (_firms is not null && FirmsTable.IsSnapshotStep(step, lastStep, _sim.Config.Output.FirmsEvery))
        {
            var writer = Writer(TableNames.Firms);
            _firms.BeginSnapshot();
            for (var slot = 0; slot < _sim.Firms.Count;)
            {
                slot = _firms.AppendFrom(slot, RunWriter.FirmRowGroupRows);
                await writer.SubmitAsync(_firms.Buffer, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Hands over what is left and completes every table (each is renamed to its final name once whole).</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        foreach (var (_, buffer, writer) in _outputs)
        {
            await writer.SubmitAsync(buffer, ct).ConfigureAwait(false);
        }
        foreach (var (_, _, writer) in _outputs)
        {
            await writer.CompleteAsync(ct).ConfigureAwait(false);
        }
    }

    public Dictionary<string, long> RowCounts()
    {
        var counts = new Dictionary<string, long>();
        foreach (var (table, _, writer) in _outputs)
        {
            counts[table] = writer.RowsSubmitted;
        }
        return counts;
    }

    public Dictionary<string, string> Files()
    {
        var files = new Dictionary<string, string>();
        foreach (var (table, _, _) in _outputs)
        {
            files[table] = TableNames.FileName(table);
        }
        return files;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, _, writer) in _outputs)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task OpenAsync(string table, TableBuffer buffer, CancellationToken ct)
    {
        var path = Path.Combine(_directory, TableNames.FileName(table));
        try
        {
            var writer = await BackgroundTableWriter.CreateAsync(path, buffer.Schema, ct: ct).ConfigureAwait(false);
            _outputs.Add((table, buffer, writer));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"cannot create '{path}': {ex.Message}", ex);
        }
    }

    private BackgroundTableWriter Writer(string table)
    {
        foreach (var (name, _, writer) in _outputs)
        {
            if (name == table)
            {
                return writer;
            }
        }
        throw new InvalidOperationException($"Table '{table}' is not open.");
    }
}
