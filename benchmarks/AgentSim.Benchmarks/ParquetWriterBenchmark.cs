using AgentSim.Model;
using AgentSim.Output;
using AgentSim.Output.Tables;
using BenchmarkDotNet.Attributes;

namespace AgentSim.Benchmarks;

/// <summary>
/// A snapshot of every firm written to Parquet: capturing it from the firm arrays into a column buffer, and
/// capturing plus writing it as one row group of a complete file (what the background writer does off the
/// simulation's thread).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ParquetWriterBenchmark
{
    private Simulation _simulation = null!;
    private FirmsTable _table = null!;
    private string _directory = "";

    [Params(10_000, 100_000, 1_000_000)]
    public int Firms { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _simulation = EngineFactory.Create(Firms, threads: 1, steps: 100);
        _simulation.RunBurnIn();
        _simulation.Advance();
        _table = new FirmsTable(_simulation);
        _directory = Directory.CreateTempSubdirectory("agentsim-parquet-bench").FullName;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _simulation.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public int CaptureFirmSnapshot()
    {
        _table.Buffer.Clear();
        _table.BeginSnapshot();
        return _table.AppendFrom(0, int.MaxValue);
    }

    [Benchmark]
    public async Task WriteFirmSnapshot()
    {
        _table.Buffer.Clear();
        _table.BeginSnapshot();
        _table.AppendFrom(0, int.MaxValue);
        await ParquetTableWriter.WriteAsync(Path.Combine(_directory, "firms.parquet"), _table.Buffer);
    }
}
