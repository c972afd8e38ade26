using System.Diagnostics;
using System.Text.Json;
using AgentSim.Model;

namespace AgentSim.Benchmarks;

/// <summary>Quick throughput measurement: one JSON line with firm-steps per second and memory.</summary>
internal static class Throughput
{
    public static int Run(string[] args)
    {
        int firms = 100_000, steps = 40, threads = 0, warmup = 20;
        string engine = "soa";
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
                default:
                    Console.Error.WriteLine($"error: unknown option '{args[i]}' (use --firms N --steps S --threads T --warmup W --engine soa|plain)");
                    return 2;
            }
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
        using var simulation = EngineFactory.Create(firms, threads, warmup + steps, firmEngine);
        simulation.RunBurnIn();
        // Warm-up quarters (not timed): officials' histories fill their windows, buffers reach their high-water marks.
        for (int s = 0; s < warmup; s++) simulation.Advance();
        // Phase times of the measured quarters only (the burn-in includes the first JIT compilations).
        Array.Clear(simulation.PhaseSeconds);
        long totalAllocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (int s = 0; s < steps; s++) simulation.Advance();
        clock.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - totalAllocatedBefore;
        var result = new
        {
            engine,
            firms,
            steps,
            threads = simulation.Threads,
            seconds = clock.Elapsed.TotalSeconds,
            firm_steps_per_second = (double)firms * steps / clock.Elapsed.TotalSeconds,
            peak_rss_bytes = Process.GetCurrentProcess().PeakWorkingSet64,
            allocated_bytes_per_step = (double)allocated / steps,
            phase_seconds = Simulation.PhaseNames.Zip(simulation.PhaseSeconds).ToDictionary(p => p.First, p => p.Second),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }
}
