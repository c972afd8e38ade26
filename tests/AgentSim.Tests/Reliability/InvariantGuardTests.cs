using AgentSim.Model;
using AgentSim.Model.Guards;
using AgentSim.Output;
using AgentSim.Output.Runs;
using AgentSim.Output.Tables;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Reliability;

/// <summary>
/// The invariant checks after every quarter: a healthy run passes them, and a corrupted value injected through the
/// public state stops the run with a message naming the quantity, where it is, the phase and the quarter, while the
/// quarters before it stay written (tables complete under their final names, manifest incomplete with the error).
/// </summary>
public sealed class InvariantGuardTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Simulation Advanced(int quarters = 3)
    {
        var sim = new Simulation(RunFixtures.SmallConfig(firms: 1_500, steps: 8, burnIn: 2), RunFixtures.Provinces, 1);
        var guard = new InvariantGuard(sim);
        sim.RunBurnIn();
        for (int i = 0; i < quarters; i++)
        {
            sim.Advance();
            guard.Check();
        }
        return sim;
    }

    private static InvariantViolationException Violation(Simulation sim) =>
        Assert.Throws<InvariantViolationException>(() => new InvariantGuard(sim).Check());

    [Fact]
    public void Nan_in_a_province_flow_names_the_quantity_the_province_the_phase_and_the_quarter()
    {
        using var sim = Advanced();
        sim.Provinces.Consumption[4] = double.NaN;
        var ex = Violation(sim);
        Assert.Contains("consumption of province " + sim.Provinces.Names[4] + " is NaN", ex.Message);
        Assert.Contains("phase 'provinces, nation, officials'", ex.Message);
        Assert.Contains("quarter 2", ex.Message);
        Assert.Equal(2, ex.Quarter);
    }

    [Fact]
    public void Infinite_industry_value_and_national_value_are_named()
    {
        using var sim = Advanced();
        sim.Industries.Demand[1] = double.PositiveInfinity;
        var ex = Violation(sim);
        Assert.Contains($"demand of industry {sim.Industry.Names[1]} is Infinity", ex.Message);
        Assert.Contains("phase 'demand and market'", ex.Message);

        sim.Industries.Demand[1] = 1;
        sim.Nation.CentralDebt = double.NegativeInfinity;
        Assert.Contains("national central_debt is", Violation(sim).Message);
    }

    [Fact]
    public void Negative_firm_debt_and_nan_capacity_name_the_firm()
    {
        using var sim = Advanced();
        int slot = Enumerable.Range(0, sim.Firms.Count).First(i => sim.Firms.Alive[i] != 0 && i > 100);
        string where = $"firm slot {slot} (province {sim.Provinces.Names[sim.Firms.Province[slot]]}, industry {sim.Industry.Names[sim.Firms.Industry[slot]]})";
        sim.Firms.Debt[slot] = -3;
        var ex = Violation(sim);
        Assert.Contains($"debt of {where} is -3, below zero", ex.Message);
        Assert.Contains("phase 'accounts and investment'", ex.Message);

        sim.Firms.Debt[slot] = 0;
        sim.Firms.Capacity[slot] = double.NaN;
        ex = Violation(sim);
        Assert.Contains($"capacity of {where} is NaN", ex.Message);
        Assert.Contains("phase 'production and pricing'", ex.Message);

        // Rounding below zero is not a violation; the firm pass can be thinned out or switched off.
        sim.Firms.Capacity[slot] = -1e-12;
        new InvariantGuard(sim).Check();
        sim.Firms.Capacity[slot] = double.NaN;
        new InvariantGuard(sim, firmChecksEvery: 0).Check();
    }

    [Fact]
    public void Broken_accounting_identities_are_reported()
    {
        using var sim = Advanced();
        sim.Provinces.GdpValueAdded[7] *= 1.001;
        var ex = Violation(sim);
        Assert.Contains($"GDP by expenditure", ex.Message);
        Assert.Contains($"in province {sim.Provinces.Names[7]}", ex.Message);
        Assert.Contains("tolerance 1E-06", ex.Message);

        sim.Provinces.GdpValueAdded[7] = sim.Provinces.GdpExpenditure[7];
        sim.Nation.NetLendingBanks += 0.01 * sim.Nation.Gdp;
        Assert.Contains("sector net lending sums to", Violation(sim).Message);
    }

    [Fact]
    public void Vectorised_scans_find_the_first_bad_value_anywhere()
    {
        for (int length = 0; length < 40; length++)
        {
            for (int at = 0; at < length; at++)
            {
                foreach (var bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
                {
                    var values = Enumerable.Range(0, length).Select(i => i * 0.5).ToArray();
                    values[at] = bad;
                    Assert.Equal(at, InvariantGuard.FirstNonFinite(values));
                }
                var negative = Enumerable.Range(0, length).Select(i => i * 0.5).ToArray();
                negative[at] = -0.25;
                Assert.Equal(at, InvariantGuard.FirstOutside(negative, -InvariantGuard.NegativeTolerance));
                Assert.Equal(-1, InvariantGuard.FirstNonFinite(negative));
            }
            Assert.Equal(-1, InvariantGuard.FirstNonFinite(Enumerable.Repeat(-1e300, length).ToArray()));
        }
    }

    [Fact]
    public void A_violation_stops_the_run_and_keeps_the_quarters_before_it()
    {
        var directory = _dir.File("nan");
        var config = RunFixtures.SmallConfig(firms: 1_500, steps: 10, burnIn: 2);
        config.Output.FirmsEvery = 2;
        var ex = Assert.Throws<InvariantViolationException>(() => RunWriter.RunAsync(new RunRequest
        {
            Config = config,
            Provinces = RunFixtures.Provinces,
            OutputDirectory = directory,
            Threads = 1,
            OnStep = sim =>
            {
                if (sim.Step - 1 == 6)
                {
                    sim.Provinces.HouseholdIncome[2] = double.NaN;
                }
            },
        }).GetAwaiter().GetResult());
        Assert.Contains("quarter 6", ex.Message);
        Assert.Contains("household_income of province " + RunFixtures.Provinces[2].Name, ex.Message);

        var manifest = RunFixtures.Manifest(directory);
        Assert.Equal(Manifest.StatusIncomplete, manifest.Status);
        Assert.Equal(ex.Message, manifest.Error);
        var provinces = RunFixtures.Read(directory, TableNames.Provinces);
        Assert.Equal(Enumerable.Range(0, 6), provinces["step"].Select(v => (int)v!).Distinct());
        Assert.Equal(6 * RunFixtures.Provinces.Count, manifest.RowCounts[TableNames.Provinces]);
        Assert.Equal(new[] { 1, 3, 5 }, RunFixtures.Read(directory, TableNames.Firms)["step"].Select(v => (int)v!).Distinct());
        Assert.DoesNotContain(Directory.EnumerateFiles(directory), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void A_violation_in_a_checkpointed_run_keeps_the_joined_parts()
    {
        var directory = _dir.File("checkpointed");
        var config = RunFixtures.SmallConfig(firms: 1_500, steps: 12, burnIn: 2);
        var ex = Assert.Throws<InvariantViolationException>(() => RunWriter.RunAsync(new RunRequest
        {
            Config = config,
            Provinces = RunFixtures.Provinces,
            OutputDirectory = directory,
            Threads = 1,
            CheckpointEvery = 4,
            OnStep = sim =>
            {
                if (sim.Step - 1 == 9)
                {
                    sim.Firms.Inventory[10] = -1;
                }
            },
        }).GetAwaiter().GetResult());
        Assert.Contains("inventory of firm slot 10", ex.Message);
        Assert.Contains("quarter 9", ex.Message);
        var nation = RunFixtures.Read(directory, TableNames.Nation);
        Assert.Equal(Enumerable.Range(0, 9), nation["step"].Select(v => (int)v!));
        Assert.Equal(ex.Message, RunFixtures.Manifest(directory).Error);
    }

    [Fact]
    public void A_violation_in_the_burn_in_is_reported_as_such()
    {
        using var sim = new Simulation(RunFixtures.SmallConfig(firms: 1_500, steps: 4, burnIn: 3), RunFixtures.Provinces, 1);
        sim.Advance();
        sim.Nation.Gdp = double.NaN;
        Assert.Contains("quarter -3 (burn-in)", Violation(sim).Message);
    }
}
