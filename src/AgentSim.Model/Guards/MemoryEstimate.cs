using System.Globalization;
using AgentSim.Config;
using AgentSim.Model.State;

namespace AgentSim.Model.Guards;

/// <summary>
/// Estimates the memory a simulation needs from its config, before anything is allocated, and refuses a run that
/// cannot fit. The firm state is measured, not guessed: a small <see cref="FirmArrays"/> is grown to a known number of
/// slots and its arrays' bytes per slot are counted, so a state array the model gains later is included. To that come
/// the entrant headroom the engine allocates (a fifth), one growth step of 25% during the run, the per-firm scratch of
/// the kernels, the officials' history and a fixed allowance for the runtime.
/// </summary>
public static class MemoryEstimate
{
    /// <summary>Environment variable that replaces the detected memory limit (bytes), for tests and for sharing a machine.</summary>
    public const string LimitVariable = "AGENTSIM_MEMORY_LIMIT_BYTES";

    /// <summary>Runtime, code, config and data: allowed for once per process.</summary>
    public const long RuntimeBytes = 96L << 20;

    private static readonly AsyncLocal<long?> LimitOverride = new();

    /// <summary>
    /// Replaces the memory limit for the current asynchronous flow only (tests running in parallel do not see it).
    /// Dispose the result to restore the previous value.
    /// </summary>
    public static IDisposable OverrideLimit(long bytes)
    {
        var previous = LimitOverride.Value;
        LimitOverride.Value = bytes;
        return new Restore(() => LimitOverride.Value = previous);
    }

    /// <summary>Bytes of firm state per slot for this pipeline length, measured over the arrays of <see cref="FirmArrays"/>.</summary>
    public static long BytesPerFirmSlot(int pipelineLength)
    {
        const int slots = 64;
        var probe = new FirmArrays();
        probe.EnsureCapacity(slots, pipelineLength);
        long bytes = 0;
        foreach (var field in typeof(FirmArrays).GetFields())
        {
            if (field.GetValue(probe) is Array array && array.GetType().GetElementType()!.IsPrimitive)
            {
                bytes += Buffer.ByteLength(array);
            }
        }
        return Math.Max((bytes + slots - 1) / slots, FirmArrays.BytesPerFirm(pipelineLength));
    }

    /// <summary>Estimated peak bytes of one simulation of <paramref name="config"/> with <paramref name="provinces"/> provinces.</summary>
    public static long SimulationBytes(SimulationConfig config, int provinces)
    {
        ArgumentNullException.ThrowIfNull(config);
        int pipelineLength = config.Industries.Count == 0 ? 1 : config.Industries.Max(i => Math.Max(0, i.BuildLag)) + 1;
        long firms = Math.Max(0, config.Firms);
        long slots = firms + firms / 5 + 64;
        long perSlot = BytesPerFirmSlot(pipelineLength) + sizeof(double); // + the kernels' per-firm weight
        long state = slots * perSlot;
        long growth = state / 4;
        long quarters = (long)Math.Max(0, config.Steps) + Math.Max(0, config.BurnIn) + 1;
        long officials = quarters * provinces * 2 * sizeof(double);
        return state + growth + officials;
    }

    /// <summary>
    /// Bytes the run will need once its firm arrays grow from <paramref name="slots"/> by the engine's next step (a
    /// quarter more), for the memory guard that runs after every quarter: entry can multiply the firms far beyond the
    /// count checked at the start.
    /// </summary>
    public static long NextGrowthBytes(SimulationConfig config, int provinces, long slots)
    {
        ArgumentNullException.ThrowIfNull(config);
        int pipelineLength = config.Industries.Count == 0 ? 1 : config.Industries.Max(i => Math.Max(0, i.BuildLag)) + 1;
        long perSlot = BytesPerFirmSlot(pipelineLength) + sizeof(double);
        long quarters = (long)Math.Max(0, config.Steps) + Math.Max(0, config.BurnIn) + 1;
        long officials = quarters * provinces * 2 * sizeof(double);
        return (slots + slots / 4) * perSlot + officials + RuntimeBytes;
    }

    /// <summary>The memory the process may use: <see cref="LimitVariable"/> if set, else what the GC reports as available (the container's limit or the machine's memory).</summary>
    public static long AvailableBytes()
    {
        if (LimitOverride.Value is { } overridden)
        {
            return overridden;
        }
        var text = Environment.GetEnvironmentVariable(LimitVariable);
        if (!string.IsNullOrWhiteSpace(text))
        {
            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) && bytes > 0)
            {
                return bytes;
            }
            throw new InputException($"{LimitVariable}: expected a positive number of bytes, got '{text}'");
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    /// <summary>
    /// Throws <see cref="MemoryLimitException"/> when <paramref name="estimate"/> bytes (plus the runtime allowance) exceed
    /// what is available; <paramref name="what"/> says what was estimated, for the message.
    /// </summary>
    public static void EnsureFits(long estimate, string what)
    {
        long needed = estimate + RuntimeBytes;
        long available = AvailableBytes();
        if (needed > available)
        {
            throw new MemoryLimitException(needed, available, string.Create(CultureInfo.InvariantCulture,
                $"not enough memory for {what}: it needs about {Gb(needed)}, and {Gb(available)} is available; use fewer firms (--firms) or fewer runs at once (--parallel)"));
        }
    }

    /// <summary>Bytes as GB with two decimals, or MB below 1 GB.</summary>
    public static string Gb(long bytes) =>
        bytes >= 1L << 30
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F0} MB");

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}

/// <summary>A run refused before it starts because its estimated memory exceeds what is available (exit code 2).</summary>
public sealed class MemoryLimitException(long neededBytes, long availableBytes, string message) : Exception(message)
{
    public long NeededBytes { get; } = neededBytes;

    public long AvailableBytes { get; } = availableBytes;
}
