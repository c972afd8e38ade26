using AgentSim.Config;
using AgentSim.Model;
using AgentSim.Model.State;

namespace AgentSim.Benchmarks;

/// <summary>Builds a default-config simulation of a given size for benchmarks.</summary>
internal static class EngineFactory
{
    public static Simulation Create(int firms, int threads, int steps = 80, FirmEngine engine = FirmEngine.StructOfArrays)
    {
        var config = new SimulationConfig { Firms = firms, Steps = steps, Threads = threads };
        return new Simulation(config, ProvinceData.Load(FindProvincesFile()), threads, engine);
    }

    /// <summary>
    /// An economy after the burn-in and 24 quarters: six year ends, so the officials' yearly histories have filled their
    /// window and every buffer is at its working size (steady state: a quarter allocates nothing). Room for 100 more.
    /// </summary>
    public static Simulation CreateWarm(int firms, int threads, FirmEngine engine)
    {
        var simulation = Create(firms, threads, steps: 124, engine);
        simulation.RunBurnIn();
        for (int q = 0; q < 24; q++) simulation.Advance();
        return simulation;
    }

    /// <summary>configs/data/provinces.csv, found by walking up from the working directory (BenchmarkDotNet runs from bin/).</summary>
    public static string FindProvincesFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "configs", "data", "provinces.csv");
            if (File.Exists(candidate)) return candidate;
        }
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "configs", "data", "provinces.csv");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("configs/data/provinces.csv not found above the benchmark's directory");
    }
}
