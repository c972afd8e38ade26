using AgentSim.Model;

namespace AgentSim.Tests.Runs;

/// <summary>
/// An official's experiment moves a group of capex subsidies by experiment_size times that group's own range:
/// strategic industries by 0.2 x 0.4, the others by 0.2 x the central cap. (A bug once sized the strategic move
/// from the first industry's range, steel's capped one, making it a third of the documented size.)
/// </summary>
public sealed class OfficialsExperimentTests
{
    [Fact]
    public void A_capex_experiment_moves_each_group_by_the_documented_share_of_its_own_range()
    {
        var config = RunFixtures.SmallConfig(firms: 4_000, steps: 8, burnIn: 4);
        config.Mechanisms.LeverImitation = false; // the first year end then changes levers by experiments only
        using var simulation = new Simulation(config, RunFixtures.Provinces, threads: 1);
        simulation.RunBurnIn();
        var prov = simulation.Provinces;
        int L = prov.LeverCount, S = simulation.Industry.Count;
        var before = (double[])prov.LeverValues.Clone();
        for (int q = 0; q < 4; q++) simulation.Advance(); // through the first year end

        var levers = config.Levers;
        double strategicStep = config.Officials.ExperimentSize * (levers.CapexSubsidy.Max - levers.CapexSubsidy.Min);
        double otherMax = Math.Min(levers.CapexSubsidy.Max, levers.NonStrategicCapexSubsidyCap);
        double otherStep = config.Officials.ExperimentSize * (otherMax - levers.CapexSubsidy.Min);
        Assert.Equal(0.08, strategicStep, 12);
        int strategicMoves = 0, otherMoves = 0;
        for (int p = 0; p < prov.Count; p++)
        {
            int move = (int)prov.ExperimentLever[p];
            if (move is not (0 or 1)) continue;
            bool strategicGroup = move == 0;
            if (strategicGroup) strategicMoves++; else otherMoves++;
            double step = strategicGroup ? strategicStep : otherStep;
            double max = strategicGroup ? levers.CapexSubsidy.Max : otherMax;
            for (int s = 0; s < S; s++)
            {
                double old = before[p * L + s], now = prov.LeverValues[p * L + s];
                if (simulation.Industry.Strategic[s] != strategicGroup)
                {
                    Assert.Equal(old, now);
                    continue;
                }
                double up = Math.Min(old + step, max), down = Math.Max(old - step, levers.CapexSubsidy.Min);
                Assert.True(Math.Abs(now - up) < 1e-12 || Math.Abs(now - down) < 1e-12,
                    $"province {p}, industry {s}: {old} -> {now}, expected {down} or {up}");
            }
        }
        Assert.True(strategicMoves > 0 && otherMoves > 0, $"experiments seen: strategic {strategicMoves}, other {otherMoves}");
    }
}
