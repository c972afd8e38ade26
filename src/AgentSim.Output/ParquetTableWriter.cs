using Parquet;
using Parquet.Schema;

namespace AgentSim.Output;

/// <summary>
/// Streams one table to a Parquet file, one row group per <see cref="WriteRowGroupAsync"/> call, so memory stays
/// bounded by the caller's buffer however long the run. Data goes to a hidden temporary file in the target
/// directory; only <see cref="CompleteAsync"/> fsyncs it and renames it to the final name. Hence a file under its
/// final name is always complete, and a run that fails (or is disposed without completing) leaves nothing behind.
/// Parquet.Net encodes (see <see cref="Options"/>): numeric and bool columns are required (non-nullable) fields;
/// strings are required UTF-8 string fields; a <see cref="ColumnKind.Category"/> column (codes in memory) is a
/// required, dictionary-encoded UTF-8 string field, so readers see the names; compression is Snappy. A row group of
/// 32 MB or more is fsynced as soon as it is written, so the fsync at completion does not wait for a whole run's
/// snapshots. Not thread-safe: use one writer from one thread at a time, or wrap it in a <see cref="BackgroundTableWriter"/>.
/// </summary>
public sealed class ParquetTableWriter : IAsyncDisposable
{
    private readonly FileStream _stream;
    private readonly ParquetWriter _writer;
    private readonly DataField[] _fields;
    private readonly ReadOnlyMemory<char>[][] _categoryNames;
    private ReadOnlyMemory<char>[] _stringScratch = [];
    private long _synced;
    private State _state = State.Open;

    /// <summary>Unsynced bytes after which a row group is followed by an fsync (a full firm snapshot; never the small tables).</summary>
    private const long SyncBytes = 32L << 20;

    private ParquetTableWriter(TableSchema schema, string finalPath, string tempPath, FileStream stream, ParquetWriter writer, DataField[] fields)
    {
        _categoryNames = schema.Columns.Select(c => c.Categories.Select(n => n.AsMemory()).ToArray()).ToArray();
        Schema = schema;
        FinalPath = finalPath;
        TempPath = tempPath;
        _stream = stream;
        _writer = writer;
        _fields = fields;
    }

    private enum State
    {
        Open,
        Completed,
        Failed,
        Disposed,
    }

    /// <summary>The table layout every written buffer must match.</summary>
    public TableSchema Schema { get; }

    /// <summary>Full path the file will have once <see cref="CompleteAsync"/> succeeds.</summary>
    public string FinalPath { get; }

    /// <summary>Full path of the temporary file being written; it does not exist after completion or disposal.</summary>
    public string TempPath { get; }

    /// <summary>Rows written so far (for manifests and progress).</summary>
    public long RowsWritten { get; private set; }

    /// <summary>Row groups written so far.</summary>
    public int RowGroupCount { get; private set; }

    /// <summary>Starts a new table at <paramref name="finalPath"/> (its directory is created if needed).</summary>
    public static async Task<ParquetTableWriter> CreateAsync(string finalPath, TableSchema schema, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var fullPath = TempFiles.PrepareTarget(finalPath);
        var fields = BuildFields(schema);
        var tempPath = TempFiles.PathFor(fullPath);
        var stream = TempFiles.Create(tempPath);
        try
        {
            var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, Options(schema, fields), cancellationToken: ct).ConfigureAwait(false);
            return new ParquetTableWriter(schema, fullPath, tempPath, stream, writer, fields);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            TempFiles.TryDelete(tempPath);
            throw;
        }
    }

    /// <summary>Writes a whole small table as one row group and completes the file; the buffer is cleared, as after <see cref="WriteRowGroupAsync"/>.</summary>
    public static async Task WriteAsync(string finalPath, TableBuffer buffer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        await using var writer = await CreateAsync(finalPath, buffer.Schema, ct).ConfigureAwait(false);
        await writer.WriteRowGroupAsync(buffer, ct).ConfigureAwait(false);
        await writer.CompleteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the buffer's rows as one row group, then clears the buffer (capacity kept) so it can be refilled.
    /// The caller chooses row-group size by how many rows it accumulates before calling. An empty buffer writes
    /// nothing: empty row groups only add footer overhead. If this throws, the writer is unusable and the file is
    /// abandoned; dispose it.
    /// </summary>
    public async Task WriteRowGroupAsync(TableBuffer buffer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ThrowIfNotOpen();
        if (!Schema.HasSameLayout(buffer.Schema))
        {
            throw new ArgumentException(
                $"Buffer for table '{buffer.Schema.TableName}' does not match the columns of table '{Schema.TableName}'.", nameof(buffer));
        }
        var rows = buffer.ValidateLengths();
        if (rows == 0)
        {
            return;
        }
        try
        {
            using (var rowGroup = _writer.CreateRowGroup())
            {
                for (var i = 0; i < _fields.Length; i++)
                {
                    await WriteColumnAsync(rowGroup, _fields[i], buffer.Columns[i], i, ct).ConfigureAwait(false);
                }
                rowGroup.CompleteValidate();
            }
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
        RowsWritten += rows;
        RowGroupCount++;
        buffer.Clear();
        if (_stream.Position - _synced >= SyncBytes)
        {
            // A large row group (a full firm snapshot) goes to the device now, on this (the writer's) thread: left to
            // the end, the fsync in CompleteAsync waited for a whole run's snapshots at the disk's pace.
            await _stream.FlushAsync(ct).ConfigureAwait(false);
            _stream.Flush(flushToDisk: true);
            _synced = _stream.Position;
        }
    }

    /// <summary>
    /// Writes the footer, fsyncs, and atomically renames the temporary file to <see cref="FinalPath"/>, replacing any
    /// file already there. A table with no row groups still becomes a valid Parquet file carrying the schema.
    /// </summary>
    public async Task CompleteAsync(CancellationToken ct = default)
    {
        ThrowIfNotOpen();
        try
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            await TempFiles.CommitAsync(_stream, TempPath, FinalPath, ct).ConfigureAwait(false);
        }
        catch
        {
            _state = State.Failed;
            await AbandonAsync().ConfigureAwait(false);
            throw;
        }
        Array.Clear(_stringScratch);
        _state = State.Completed;
    }

    /// <summary>Releases the file. Without a prior successful <see cref="CompleteAsync"/>, the temporary file is deleted and nothing appears under the final name.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state is State.Completed or State.Disposed)
        {
            _state = State.Disposed;
            return;
        }
        _state = State.Disposed;
        await AbandonAsync().ConfigureAwait(false);
    }

    private async Task AbandonAsync()
    {
        try
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The file is being thrown away; a failure to write its footer is irrelevant and must not mask the original error.
        }
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
        TempFiles.TryDelete(TempPath);
    }

    private Task WriteColumnAsync(ParquetRowGroupWriter rowGroup, DataField field, ColumnBuffer column, int index, CancellationToken ct)
    {
        switch (column.Spec.Kind)
        {
            case ColumnKind.Int32:
                return rowGroup.WriteAsync(field, ((ColumnBuffer<int>)column).AsMemory(), cancellationToken: ct);
            case ColumnKind.Int64:
                return rowGroup.WriteAsync(field, ((ColumnBuffer<long>)column).AsMemory(), cancellationToken: ct);
            case ColumnKind.Double:
                return rowGroup.WriteAsync(field, ((ColumnBuffer<double>)column).AsMemory(), cancellationToken: ct);
            case ColumnKind.Bool:
                return rowGroup.WriteAsync(field, ((ColumnBuffer<bool>)column).AsMemory(), cancellationToken: ct);
            case ColumnKind.String:
                return rowGroup.WriteAsync(field, ToCharMemory((ColumnBuffer<string>)column), cancellationToken: ct);
            case ColumnKind.Category:
                return rowGroup.WriteAsync(field, ToCharMemory((ColumnBuffer<int>)column, _categoryNames[index]), cancellationToken: ct);
            default:
                throw new InvalidOperationException($"Column '{column.Name}' has unknown kind {column.Spec.Kind}.");
        }
    }

    /// <summary>
    /// Parquet.Net's string fields take <see cref="ReadOnlyMemory{T}"/> of chars. Its <c>IReadOnlyCollection&lt;string&gt;</c>
    /// overload would allocate a new array per call, so the wrappers go into a scratch array reused across row groups.
    /// Nulls are rejected rather than silently written as empty strings.
    /// </summary>
    private ReadOnlyMemory<ReadOnlyMemory<char>> ToCharMemory(ColumnBuffer<string> column)
    {
        var values = column.AsSpan();
        EnsureScratch(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i] ?? throw new InvalidOperationException(
                $"Table '{Schema.TableName}': column '{column.Name}' has a null string at row {i}; string columns are required.");
            _stringScratch[i] = value.AsMemory();
        }
        return new ReadOnlyMemory<ReadOnlyMemory<char>>(_stringScratch, 0, values.Length);
    }

    /// <summary>A category column's codes as its names (shared memory, no copies); a code outside the list is rejected.</summary>
    private ReadOnlyMemory<ReadOnlyMemory<char>> ToCharMemory(ColumnBuffer<int> column, ReadOnlyMemory<char>[] names)
    {
        var codes = column.AsSpan();
        EnsureScratch(codes.Length);
        var scratch = _stringScratch.AsSpan(0, codes.Length);
        for (var i = 0; i < codes.Length; i++)
        {
            var code = codes[i];
            if ((uint)code >= (uint)names.Length)
            {
                throw new InvalidOperationException(
                    $"Table '{Schema.TableName}': column '{column.Name}' has code {code} at row {i}; it has {names.Length} categories.");
            }
            scratch[i] = names[code];
        }
        return new ReadOnlyMemory<ReadOnlyMemory<char>>(_stringScratch, 0, codes.Length);
    }

    private void EnsureScratch(int rows)
    {
        if (_stringScratch.Length < rows)
        {
            _stringScratch = new ReadOnlyMemory<char>[Math.Max(rows, _stringScratch.Length * 2)];
        }
    }

    /// <summary>
    /// Parquet.Net's settings for a table: Snappy pages (its default), category columns dictionary-encoded (each name
    /// once per row group, then a short index per row). Measured on full firm snapshots at 1 M firms: the dictionary
    /// hint made runs 13-15% faster than plain strings; no compression instead of Snappy was no faster (within the
    /// noise, either way) and made the file 29% larger; row groups of 128 k or 256 k rows were no faster than 1 M.
    /// </summary>
    private static ParquetOptions Options(TableSchema schema, DataField[] fields)
    {
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        for (var i = 0; i < fields.Length; i++)
        {
            if (schema.Columns[i].Kind == ColumnKind.Category)
            {
                options.ColumnEncodingHints[fields[i].Path.ToString()] = EncodingHint.Dictionary;
            }
        }
        return options;
    }

    private static DataField[] BuildFields(TableSchema schema)
    {
        var fields = new DataField[schema.ColumnCount];
        for (var i = 0; i < fields.Length; i++)
        {
            var spec = schema.Columns[i];
            fields[i] = spec.Kind switch
            {
                ColumnKind.Int32 => new DataField<int>(spec.Name, false),
                ColumnKind.Int64 => new DataField<long>(spec.Name, false),
                ColumnKind.Double => new DataField<double>(spec.Name, false),
                ColumnKind.Bool => new DataField<bool>(spec.Name, false),
                ColumnKind.String or ColumnKind.Category => new DataField<string>(spec.Name, false),
                _ => throw new ArgumentException($"Column '{spec.Name}' has unknown kind {spec.Kind}.", nameof(schema)),
            };
        }
        return fields;
    }

    private void ThrowIfNotOpen()
    {
        switch (_state)
        {
            case State.Open:
                return;
            case State.Completed:
                throw new InvalidOperationException($"Table '{Schema.TableName}' is already complete.");
            case State.Failed:
                throw new InvalidOperationException($"Table '{Schema.TableName}' writer failed earlier; the file was abandoned.");
            default:
                throw new ObjectDisposedException(nameof(ParquetTableWriter));
        }
    }
}
