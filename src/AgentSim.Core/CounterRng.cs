using System.Runtime.CompilerServices;

namespace AgentSim.Core;

/// <summary>
/// Counter-based random numbers: every draw is a pure function of (seed, stream, step, entity, counter),
/// so results never depend on thread count or scheduling. The mixer is SplitMix64's finaliser applied
/// to a chained key; it passes BigCrush as a counter-mode generator and costs a few multiplies.
/// </summary>
public struct CounterRng
{
    private readonly ulong _key;
    private ulong _counter;

    public CounterRng(ulong seed, ulong stream, long step, long entity)
    {
        // Chain the key parts through the mixer so nearby keys give unrelated sequences.
        ulong k = Mix(seed ^ 0x9E3779B97F4A7C15UL);
        k = Mix(k ^ (stream * 0xD1B54A32D192ED03UL));
        k = Mix(k ^ unchecked((ulong)step * 0x8CB92BA72F3D8DD7UL));
        k = Mix(k ^ unchecked((ulong)entity * 0xABC98388FB8FAC03UL));
        _key = k;
        _counter = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64() => Mix(_key + (++_counter) * 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform in (0, 1]: safe to take the logarithm of.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)((NextUInt64() >> 33) * (ulong)n >> 31);

    /// <summary>Standard normal by Box-Muller (one of the pair; the other is discarded to keep draws stateless).</summary>
    public double NextGaussian()
    {
        double u1 = NextDoubleNonZero();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Poisson draw: inversion for small means, rounded normal approximation for large ones.</summary>
    public int NextPoisson(double mean)
    {
        if (!(mean > 0)) return 0;
        if (mean > 40)
        {
            double x = Math.Round(mean + Math.Sqrt(mean) * NextGaussian());
            return x < 0 ? 0 : (int)Math.Min(x, int.MaxValue);
        }
        double limit = Math.Exp(-mean);
        double product = NextDouble();
        int count = 0;
        while (product > limit)
        {
            product *= NextDouble();
            count++;
        }
        return count;
    }
}

/// <summary>Named random streams, so each kind of draw has its own sequence.</summary>
public static class RngStreams
{
    public const ulong FirmInit = 1;
    public const ulong Entry = 2;
    public const ulong EntrantFirm = 3;
    public const ulong Experiment = 4;
    public const ulong Promotion = 5;
    public const ulong ReplicateSeed = 6;
    public const ulong Sampling = 7;
}
