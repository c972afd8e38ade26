using AgentSim.Output.Tables;
using AgentSim.Tests.Output;

namespace AgentSim.Tests.Runs;

/// <summary>
/// The accounting identities of MODEL.md section 5, checked on a real run as read back from the Parquet files
/// (so the tables, not just the model's memory, are stock-flow consistent). Tolerances are relative, 1e-9.
/// A failure here is a model bug: do not loosen the tolerance.
/// </summary>
public sealed class RunIdentityTests : IClassFixture<RunIdentityTests.RealRun>
{
    private const double Tolerance = 1e-9;
    private readonly RealRun _run;

    public RunIdentityTests(RealRun run) => _run = run;

    [Fact]
    public void Gdp_by_expenditure_equals_gdp_by_value_added()
    {
        var t = _run.Provinces;
        var expenditure = RunFixtures.Doubles(t, "gdp_expenditure");
        var valueAdded = RunFixtures.Doubles(t, "gdp_value_added");
        AssertRows(t, i => expenditure[i] - valueAdded[i], i => Math.Abs(expenditure[i]), "gdp_expenditure - gdp_value_added");
        Assert.Equal(expenditure, RunFixtures.Doubles(t, "gdp"));
    }

    [Fact]
    public void Household_income_is_wages_plus_transfers_plus_dividends()
    {
        var t = _run.Provinces;
        var income = RunFixtures.Doubles(t, "household_income");
        var wages = RunFixtures.Doubles(t, "wages");
        var transfers = RunFixtures.Doubles(t, "transfers");
        var dividends = RunFixtures.Doubles(t, "household_dividends");
        AssertRows(t, i => income[i] - (wages[i] + transfers[i] + dividends[i]), i => Math.Abs(income[i]),
            "household_income - (wages + transfers + household_dividends)");
    }

    [Fact]
    public void Firms_net_position_changes_by_net_lending_plus_equity_injections()
    {
        var t = _run.Provinces;
        var cash = RunFixtures.Doubles(t, "firm_cash");
        var debt = RunFixtures.Doubles(t, "firm_debt");
        var start = RunFixtures.Doubles(t, "firm_net_position_start");
        var netLending = RunFixtures.Doubles(t, "firm_net_lending");
        var equity = RunFixtures.Doubles(t, "firm_equity_injections");
        AssertRows(t, i => (cash[i] - debt[i]) - start[i] - (netLending[i] + equity[i]),
            i => Math.Max(Math.Abs(cash[i]) + Math.Abs(debt[i]), 1),
            "(firm_cash - firm_debt) - firm_net_position_start - (firm_net_lending + firm_equity_injections)");
    }

    [Fact]
    public void Local_debt_changes_by_spending_minus_revenue()
    {
        var t = _run.Provinces;
        var debt = RunFixtures.Doubles(t, "local_debt");
        var start = RunFixtures.Doubles(t, "local_debt_start");
        var spending = RunFixtures.Doubles(t, "local_spending");
        var revenue = RunFixtures.Doubles(t, "local_revenue");
        AssertRows(t, i => (debt[i] - start[i]) - (spending[i] - revenue[i]),
            i => Math.Max(Math.Abs(debt[i]), Math.Abs(spending[i]) + Math.Abs(revenue[i])),
            "(local_debt - local_debt_start) - (local_spending - local_revenue)");
    }

    [Fact]
    public void Sector_net_lending_sums_to_zero()
    {
        var t = _run.Nation;
        string[] sectors =
        [
            "net_lending_households", "net_lending_firms", "net_lending_services_construction", "net_lending_banks",
            "net_lending_local_governments", "net_lending_central_government", "net_lending_rest_of_world",
        ];
        var columns = sectors.Select(s => RunFixtures.Doubles(t, s)).ToArray();
        var gdp = RunFixtures.Doubles(t, "gdp");
        AssertRows(t, i => columns.Sum(c => c[i]), i => Math.Abs(gdp[i]), "sum of the seven net_lending columns");
    }

    [Fact]
    public void Central_debt_changes_by_spending_minus_revenue()
    {
        var t = _run.Nation;
        var debt = RunFixtures.Doubles(t, "central_debt");
        var start = RunFixtures.Doubles(t, "central_debt_start");
        var spending = RunFixtures.Doubles(t, "central_spending");
        var revenue = RunFixtures.Doubles(t, "central_revenue");
        AssertRows(t, i => (debt[i] - start[i]) - (spending[i] - revenue[i]),
            i => Math.Max(Math.Abs(debt[i]), Math.Abs(spending[i]) + Math.Abs(revenue[i])),
            "(central_debt - central_debt_start) - (central_spending - central_revenue)");
    }

    /// <summary>Checks |residual| &lt;= 1e-9 * scale on every row and reports the worst row with its magnitudes.</summary>
    private static void AssertRows(Dictionary<string, object?[]> table, Func<int, double> residual, Func<int, double> scale, string what)
    {
        var rows = table["step"].Length;
        Assert.True(rows > 0);
        var worst = -1;
        var worstRatio = 0.0;
        var failures = 0;
        for (var i = 0; i < rows; i++)
        {
            var ratio = Math.Abs(residual(i)) / scale(i);
            if (!(ratio <= Tolerance))
            {
                failures++;
                if (worst < 0 || !(ratio <= worstRatio))
                {
                    (worst, worstRatio) = (i, ratio);
                }
            }
        }
        if (failures > 0)
        {
            var where = table.TryGetValue("province", out var provinces) ? $", province {provinces[worst]}" : "";
            Assert.Fail($"{what}: {failures} of {rows} rows exceed {Tolerance:G} relative; worst at step {table["step"][worst]}{where}: " +
                        $"residual {residual(worst):G6} against scale {scale(worst):G6} (relative {worstRatio:G3}).");
        }
    }

    /// <summary>One 24-quarter run shared by the identity tests.</summary>
    public sealed class RealRun : IDisposable
    {
        private readonly TempDirectory _directory = new();

        public RealRun()
        {
            RunFixtures.Run(RunFixtures.SmallConfig(firms: 5_000, steps: 24, burnIn: 8), _directory.Path);
            Provinces = RunFixtures.Read(_directory.Path, TableNames.Provinces);
            Nation = RunFixtures.Read(_directory.Path, TableNames.Nation);
        }

        public Dictionary<string, object?[]> Provinces { get; }

        public Dictionary<string, object?[]> Nation { get; }

        public void Dispose() => _directory.Dispose();
    }
}
