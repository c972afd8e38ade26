using System.Diagnostics;
using System.Text.Json;
using AgentSim.Config;
using AgentSim.Model;
using AgentSim.Model.State;
using AgentSim.Output.Runs;

namespace AgentSim.Benchmarks;

/// <summary>
/// Quick throughput measurement: one JSON line with firm-steps per second, memory and allocation.
/// <para>
/// <c>--output none</c> (default) times bare quarters after the burn-in and <c>--warmup</c> untimed quarters.
/// <c>--output aggregates</c> and <c>--output firms-every-4</c> time a real run through <see cref="RunWriter"/> into a
/// temporary directory (deleted afterwards): the quarters plus the background Parquet writers and the final flush,
/// with aggregate tables only, or also a snapshot of every firm every 4 quarters. Compare them with
/// <c>--output none --warmup 0</c>, which times the same quarters without output.
/// </para>
/// </summary>
internal static class Throughput
{
    private const string Usage = "throughput --firms N --steps S --threads T [--warmup W] [--engine soa|plain] [--output none|aggregates|firms-every-4] [--firm-columns a,b,c] [--firm-checks K]";

    public static int Run(string[] args)
    {
        int firms = 100_000, steps = 40, threads = 0, warmup = 20, firmChecks = 0;
        string engine = "soa", output = "none";
        string[] firmColumns = [];
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--firms": firms = int.Parse(Next()); break;
                    case "--steps": steps = int.Parse(Next()); break;
                    case "--threads": threads = int.Parse(Next()); break;
                    case "--warmup": warmup = int.Parse(Next()); break;
                    case "--engine": engine = Next(); break;
                    case "--output": output = Next(); break;
                    case "--firm-checks": firmChecks = int.Parse(Next()); break;
                    case "--firm-columns": firmColumns = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                    default: throw new ArgumentException($"unknown option '{args[i]}'");
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"error: {e.Message} (use {Usage})");
            return 2;
        }
        FirmEngine firmEngine;
        switch (engine)
        {
            case "soa": firmEngine = FirmEngine.StructOfArrays; break;
            case "plain": firmEngine = FirmEngine.Plain; break;
            default:
                Console.Error.WriteLine($"error: unknown engine '{engine}' (soa or plain)");
                return 2;
        }
        switch (output)
        {
            case "none": return Bare(firms, steps, threads, warmup, firmEngine, engine);
            case "aggregates": return WithOutput(firms, steps, threads, firmsEvery: 0, firmChecks, engine, output, firmEngine, firmColumns);
            case "firms-every-4": return WithOutput(firms, steps, threads, firmsEvery: 4, firmChecks, engine, output, firmEngine, firmColumns);
            default:
                Console.Error.WriteLine($"error: unknown output '{output}' (none, aggregates or firms-every-4)");
                return 2;
        }
    }

    private static int Bare(int firms, int steps, int threads, int warmup, FirmEngine firmEngine, string engine)
    {
        using var simulation = EngineFactory.Create(firms, threads, warmup + steps, firmEngine);
        simulation.RunBurnIn();
        // Warm-up quarters (not timed): officials' histories fill their windows, buffers reach their high-water marks.
        for (int s = 0; s < warmup; s++) simulation.Advance();
        // Phase times of the measured quarters only (the burn-in includes the first JIT compilations).
        Array.Clear(simulation.PhaseSeconds);
        long totalAllocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        // Firm-steps done: alive firms at the start of each quarter (the population changes with entry and exit).
        double firmSteps = 0;
        var clock = Stopwatch.StartNew();
        for (int s = 0; s < steps; s++)
        {
            firmSteps += AliveFirms(simulation);
            simulation.Advance();
        }
        clock.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - totalAllocatedBefore;
        Print(engine, "none", firms, steps, simulation.Threads, clock.Elapsed.TotalSeconds, allocated,
            Simulation.PhaseNames.Zip(simulation.PhaseSeconds).ToDictionary(p => p.First, p => p.Second), firmSteps: firmSteps);
        return 0;
    }

    /// <summary>Alive firms after the last quarter, from the provinces' counts (no pass over the firms).</summary>
    private static double AliveFirms(Simulation simulation) => simulation.Provinces.FirmsAlive.Sum();

    private static int WithOutput(int firms, int steps, int threads, int firmsEvery, int firmChecks, string engine, string output, FirmEngine firmEngine, string[] firmColumns)
    {
        if (firmEngine != FirmEngine.StructOfArrays)
        {
            Console.Error.WriteLine("error: --output other than none runs the engine through RunWriter, which uses the soa engine");
            return 2;
        }
        var config = new SimulationConfig { Firms = firms, Steps = steps, Threads = threads };
        config.Output.FirmsEvery = firmsEvery;
        config.Output.FirmsSample = 0; // every firm
        config.Output.FirmsColumns = [.. firmColumns];   // empty: every column
        var unknown = firmColumns.FirstOrDefault(c => !OutputConfig.FirmColumnNames.Contains(c));
        if (unknown is not null)
        {
            Console.Error.WriteLine($"error: unknown firm column '{unknown}' (firms.parquet has: {string.Join(", ", OutputConfig.FirmColumnNames)})");
            return 2;
        }
        var directory = Path.Combine(Path.GetTempPath(), $"agentsim-throughput-{Environment.ProcessId}");
        try
        {
            long totalAllocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var result = RunWriter.RunAsync(new RunRequest
            {
                Config = config,
                Provinces = ProvinceData.Load(EngineFactory.FindProvincesFile()),
                OutputDirectory = directory,
                Threads = threads,
                Force = true,
                FirmChecksEvery = firmChecks,
            }).GetAwaiter().GetResult();
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - totalAllocatedBefore;
            // The quarters after the burn-in plus the final flush of the tables: what output can slow down.
            double seconds = result.TimingsSeconds["steps"] + result.TimingsSeconds["write"];
            Print(engine, output, firms, steps, result.Threads, seconds, allocated,
                new Dictionary<string, double>(result.TimingsSeconds), result.RowCounts);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        return 0;
    }

    private static void Print(string engine, string output, int firms, int steps, int threads, double seconds, long allocated,
        IReadOnlyDictionary<string, double> phases, IReadOnlyDictionary<string, long>? rows = null, double firmSteps = 0)
    {
        // Without a count of alive firms per quarter (output modes), firm-steps are firms * steps.
        if (firmSteps <= 0) firmSteps = (double)firms * steps;
        var result = new Dictionary<string, object>
        {
            ["engine"] = engine,
            ["output"] = output,
            ["firms"] = firms,
            ["steps"] = steps,
            ["threads"] = threads,
            ["seconds"] = seconds,
            ["mean_alive_firms"] = firmSteps / steps,
            ["firm_steps_per_second"] = firmSteps / seconds,
            ["peak_rss_bytes"] = Process.GetCurrentProcess().PeakWorkingSet64,
            // With output on, this includes initialisation, the burn-in and the writers' buffers (not steady state).
            ["allocated_bytes_per_step"] = (double)allocated / steps,
            [output == "none" ? "phase_seconds" : "timings_seconds"] = phases,
        };
        if (rows is not null) result["rows"] = rows;
        Console.WriteLine(JsonSerializer.Serialize(result));
    }
}
