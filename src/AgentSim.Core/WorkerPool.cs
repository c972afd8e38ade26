namespace AgentSim.Core;

/// <summary>Work over one fixed chunk of entities. Chunks are fixed by the caller, never by the thread count.</summary>
public interface IChunkBody
{
    void Execute(int chunk);
}

/// <summary>
/// A small persistent pool: the calling thread plus (threads - 1) workers pull chunk indices from a
/// shared counter. Bodies are class instances created once and reused every step, so a phase costs no
/// allocation. Which thread runs a chunk never matters: chunks write disjoint state and per-chunk
/// partial sums that callers reduce in chunk order.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim _start = new(0);
    private readonly ManualResetEventSlim _done = new(false);
    private IChunkBody? _body;
    private int _chunkCount;
    private int _nextChunk;
    private int _active;
    private volatile bool _disposed;
    private Exception? _failure;

    public WorkerPool(int threads)
    {
        Threads = threads <= 0 ? Environment.ProcessorCount : threads;
        _workers = new Thread[Threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"agentsim-worker-{i + 1}" };
            _workers[i].Start();
        }
    }

    public int Threads { get; }

    /// <summary>Runs body.Execute(c) for every c in [0, chunkCount) and returns when all are done.</summary>
    public void Run(IChunkBody body, int chunkCount)
    {
        if (chunkCount <= 0) return;
        if (_workers.Length == 0 || chunkCount == 1)
        {
            for (int c = 0; c < chunkCount; c++) body.Execute(c);
            return;
        }
        _body = body;
        _chunkCount = chunkCount;
        _nextChunk = -1;
        _failure = null;
        _active = _workers.Length + 1;
        _done.Reset();
        _start.Release(_workers.Length);
        Drain();
        _done.Wait();
        _body = null;
        if (_failure is not null)
            throw new AggregateException("A parallel phase failed.", _failure);
    }

    private void Drain()
    {
        try
        {
            var body = _body!;
            int c;
            while ((c = Interlocked.Increment(ref _nextChunk)) < _chunkCount)
                body.Execute(c);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
            // Stop handing out chunks; the run is failing anyway.
            Interlocked.Exchange(ref _nextChunk, int.MaxValue / 2);
        }
        finally
        {
            if (Interlocked.Decrement(ref _active) == 0) _done.Set();
        }
    }

    private void WorkerLoop()
    {
        while (true)
        {
            _start.Wait();
            if (_disposed) return;
            Drain();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_workers.Length > 0) _start.Release(_workers.Length);
        foreach (var w in _workers) w.Join();
        _start.Dispose();
        _done.Dispose();
    }
}

/// <summary>Fixed partition of [0, count) into chunks of a constant size.</summary>
public static class Chunking
{
    /// <summary>Firms per chunk: large enough to amortise scheduling, small enough to balance two to sixteen cores.</summary>
    public const int DefaultChunkSize = 8192;

    public static int ChunkCount(int count, int chunkSize) => (count + chunkSize - 1) / chunkSize;

    public static (int Start, int End) Range(int chunk, int count, int chunkSize)
    {
        int start = chunk * chunkSize;
        return (start, Math.Min(count, start + chunkSize));
    }
}
