using AgentSim.Core;

namespace AgentSim.Tests.Core;

public sealed class WorkerPoolTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Runs_every_chunk_once_and_disposes_cleanly(int threads)
    {
        var body = new CountingBody(37);
        using (var pool = new WorkerPool(threads))
        {
            pool.Run(body, 37);
            Assert.Equal(threads, pool.Threads);
        }
        Assert.All(body.Counts, c => Assert.Equal(1, c));
    }

    private sealed class CountingBody(int chunks) : IChunkBody
    {
        public int[] Counts { get; } = new int[chunks];

        public void Execute(int chunk) => Interlocked.Increment(ref Counts[chunk]);
    }
}
