using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace AgentSim.Output;

/// <summary>
/// Moves Parquet encoding and disk I/O off the simulation thread. The simulation fills its own
/// <see cref="TableBuffer"/> and calls <see cref="Submit"/>: the filled column arrays are swapped (not copied) with
/// those of an empty spare buffer from a small pool, the spare is queued for the writer task, and the caller's buffer
/// comes back empty, with its column accessors still valid. Spares return to the pool once written, so in steady
/// state nothing is allocated. When all spares are in flight, <see cref="Submit"/> waits: that is the back-pressure
/// that bounds memory if the disk is slower than the simulation.
/// A writer failure is reported by the next <see cref="Submit"/> or by <see cref="CompleteAsync"/>.
/// Submit from one thread at a time.
/// </summary>
public sealed class BackgroundTableWriter : IAsyncDisposable
{
    private readonly ParquetTableWriter _writer;
    private readonly Channel<TableBuffer> _pending;
    private readonly Channel<TableBuffer> _free;
    private readonly Task _pump;
    private ExceptionDispatchInfo? _failure;
    private bool _closed;

    private BackgroundTableWriter(ParquetTableWriter writer, int spareBuffers, int initialCapacity)
    {
        _writer = writer;
        var options = new BoundedChannelOptions(spareBuffers) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait };
        _pending = Channel.CreateBounded<TableBuffer>(options);
        _free = Channel.CreateBounded<TableBuffer>(options);
        for (var i = 0; i < spareBuffers; i++)
        {
            _free.Writer.TryWrite(new TableBuffer(writer.Schema, initialCapacity));
        }
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The table layout submitted buffers must match.</summary>
    public TableSchema Schema => _writer.Schema;

    /// <summary>Full path the file will have once <see cref="CompleteAsync"/> succeeds.</summary>
    public string FinalPath => _writer.FinalPath;

    /// <summary>Rows handed over so far (counted on the submitting thread, so it is exact without waiting for the writer).</summary>
    public long RowsSubmitted { get; private set; }

    /// <summary>Starts a table at <paramref name="finalPath"/>.</summary>
    /// <param name="spareBuffers">Row groups that may be queued or being written at once (at least 1). Two lets the
    /// simulation fill one while the previous is encoded; more only helps when write times vary a lot.</param>
    /// <param name="initialCapacity">Initial rows per spare buffer; they grow to the largest submitted row group and stay there.</param>
    public static async Task<BackgroundTableWriter> CreateAsync(
        string finalPath, TableSchema schema, int spareBuffers = 2, int initialCapacity = 1024, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(spareBuffers, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        var writer = await ParquetTableWriter.CreateAsync(finalPath, schema, ct).ConfigureAwait(false);
        return new BackgroundTableWriter(writer, spareBuffers, initialCapacity);
    }

    /// <summary>
    /// Hands the buffer's rows to the writer as one row group and returns with <paramref name="buffer"/> empty.
    /// Blocks while every spare buffer is in flight. Throws the writer's exception if it has failed.
    /// </summary>
    public void Submit(TableBuffer buffer)
    {
        var rows = BeginSubmit(buffer);
        if (rows == 0)
        {
            return;
        }
        if (!_free.Reader.TryRead(out var free))
        {
            free = WaitForFreeAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        EndSubmit(buffer, free, rows);
    }

    /// <summary>Asynchronous form of <see cref="Submit"/>: awaits instead of blocking while every spare buffer is in flight.</summary>
    public async ValueTask SubmitAsync(TableBuffer buffer, CancellationToken ct = default)
    {
        var rows = BeginSubmit(buffer);
        if (rows == 0)
        {
            return;
        }
        if (!_free.Reader.TryRead(out var free))
        {
            free = await WaitForFreeAsync(ct).ConfigureAwait(false);
        }
        EndSubmit(buffer, free, rows);
    }

    /// <summary>Waits for queued row groups to be written, then completes the file (fsync and atomic rename). Throws the writer's exception if it failed.</summary>
    public async Task CompleteAsync(CancellationToken ct = default)
    {
        ThrowIfClosed();
        _closed = true;
        _pending.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        ThrowIfFailed();
        await _writer.CompleteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Stops the writer task. Without a prior successful <see cref="CompleteAsync"/>, the partial file is deleted.</summary>
    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _pending.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Validates the buffer and returns its row count; 0 means there is nothing to hand over.</summary>
    private int BeginSubmit(TableBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ThrowIfClosed();
        ThrowIfFailed();
        if (!Schema.HasSameLayout(buffer.Schema))
        {
            throw new ArgumentException(
                $"Buffer for table '{buffer.Schema.TableName}' does not match the columns of table '{Schema.TableName}'.", nameof(buffer));
        }
        return buffer.ValidateLengths();
    }

    private void EndSubmit(TableBuffer buffer, TableBuffer free, int rows)
    {
        buffer.SwapStorage(free);
        if (!_pending.Writer.TryWrite(free))
        {
            // Only as many buffers exist as the queue holds, so a full queue is impossible; a closed one means the pump stopped.
            ThrowIfFailed();
            throw new InvalidOperationException($"Table '{Schema.TableName}' writer has stopped.");
        }
        RowsSubmitted += rows;
    }

    private async ValueTask<TableBuffer> WaitForFreeAsync(CancellationToken ct)
    {
        try
        {
            return await _free.Reader.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            ThrowIfFailed();
            throw;
        }
    }

    /// <summary>
    /// The writer task. On failure it records the exception and closes the free pool, which wakes a submitter
    /// waiting for a spare so it can rethrow instead of waiting forever.
    /// </summary>
    private async Task PumpAsync()
    {
        try
        {
            await foreach (var buffer in _pending.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                await _writer.WriteRowGroupAsync(buffer).ConfigureAwait(false);
                _free.Writer.TryWrite(buffer);
            }
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _failure, ExceptionDispatchInfo.Capture(ex));
            _free.Writer.TryComplete(ex);
        }
    }

    private void ThrowIfFailed() => Volatile.Read(ref _failure)?.Throw();

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new InvalidOperationException($"Table '{Schema.TableName}' writer is already completed or disposed.");
        }
    }
}
