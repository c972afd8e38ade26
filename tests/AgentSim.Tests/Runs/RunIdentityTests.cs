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
    public void Household_income_is_wages_plus_transfers_plus_dividends_plus_deposit_interest()
    {
        var t = _run.Provinces;
        var income = RunFixtures.Doubles(t, "household_income");
        var wages = RunFixtures.Doubles(t, "wages");
        var transfers = RunFixtures.Doubles(t, "transfers");
        var dividends = RunFixtures.Doubles(t, "household_dividends");
        var depositInterest = RunFixtures.Doubles(t, "deposit_interest");
        AssertRows(t, i => income[i] - (wages[i] + transfers[i] + dividends[i] + depositInterest[i]), i => Math.Abs(income[i]),
            "household_income - (wages + transfers + household_dividends + deposit_interest)");
        // Deposit interest is a real part of income in this run, not a column of zeros.
        Assert.All(depositInterest, d => Assert.True(d > 0, $"deposit_interest {d}"));
    }

    [Fact]
    public void Deposits_change_by_household_saving_less_equity_injections()
    {
        var t = _run.Provinces;
        var deposits = RunFixtures.Doubles(t, "deposits");
        var start = RunFixtures.Doubles(t, "deposits_start");
        var income = RunFixtures.Doubles(t, "household_income");
        var consumption = RunFixtures.Doubles(t, "household_consumption");
        var housing = RunFixtures.Doubles(t, "housing");
        var equity = RunFixtures.Doubles(t, "firm_equity_injections");
        AssertRows(t, i => (deposits[i] - start[i]) - (income[i] - consumption[i] - housing[i] - equity[i]),
            i => Math.Max(Math.Abs(deposits[i]), Math.Abs(income[i]) + Math.Abs(consumption[i]) + Math.Abs(housing[i]) + Math.Abs(equity[i])),
            "(deposits - deposits_start) - (household_income - household_consumption - housing - firm_equity_injections)");
    }

    [Fact]
    public void Deposits_start_is_the_previous_quarters_deposits()
    {
        var t = _run.Provinces;
        var deposits = RunFixtures.Doubles(t, "deposits");
        var start = RunFixtures.Doubles(t, "deposits_start");
        var step = t["step"].Select(Convert.ToInt64).ToArray();
        var province = t["province"];
        var previous = new Dictionary<(long, string), double>();
        for (int i = 0; i < deposits.Length; i++) previous[(step[i], (string)province[i]!)] = deposits[i];
        int checkedRows = 0;
        for (int i = 0; i < deposits.Length; i++)
        {
            if (!previous.TryGetValue((step[i] - 1, (string)province[i]!), out var last)) continue;
            Assert.True(start[i] == last, $"deposits_start {start[i]:R} at step {step[i]}, {province[i]}; deposits the quarter before {last:R}");
            checkedRows++;
        }
        Assert.True(checkedRows > 0);
    }

    [Fact]
    public void Deposit_interest_is_the_deposit_rate_times_deposits_at_the_start()
    {
        var t = _run.Provinces;
        var interest = RunFixtures.Doubles(t, "deposit_interest");
        var rate = RunFixtures.Doubles(t, "deposit_rate");
        var start = RunFixtures.Doubles(t, "deposits_start");
        // If the identity fails, say whether the interest was paid at the rate the previous row reports instead (the
        // column would then hold the rate set for the next quarter, not the one paid in this one).
        var step = t["step"].Select(Convert.ToInt64).ToArray();
        var province = t["province"];
        var rateByRow = new Dictionary<(long, string), double>();
        for (int i = 0; i < rate.Length; i++) rateByRow[(step[i], (string)province[i]!)] = rate[i];
        int lagged = 0, compared = 0;
        for (int i = 0; i < rate.Length; i++)
        {
            if (!rateByRow.TryGetValue((step[i] - 1, (string)province[i]!), out var previous)) continue;
            compared++;
            if (Math.Abs(interest[i] - previous * start[i]) <= Tolerance * Math.Abs(interest[i])) lagged++;
        }
        AssertRows(t, i => interest[i] - rate[i] * start[i], i => Math.Abs(interest[i]),
            $"deposit_interest - deposit_rate x deposits_start (with the previous row's deposit_rate the identity holds on {lagged} of {compared} rows)");
    }

    [Fact]
    public void Bank_profit_is_interest_income_less_deposit_interest_and_write_offs()
    {
        var t = _run.Provinces;
        var profit = RunFixtures.Doubles(t, "bank_profit");
        var interestIncome = RunFixtures.Doubles(t, "bank_interest_income");
        var firmInterest = RunFixtures.Doubles(t, "firm_interest");
        var localInterest = RunFixtures.Doubles(t, "local_interest");
        var depositInterest = RunFixtures.Doubles(t, "deposit_interest");
        var otherIncome = RunFixtures.Doubles(t, "bank_other_asset_income");
        var writeOffs = RunFixtures.Doubles(t, "bank_write_offs");
        var allWriteOffs = RunFixtures.Doubles(t, "write_offs");
        var lgfvLosses = RunFixtures.Doubles(t, "lgfv_losses");
        AssertRows(t, i => profit[i] - (interestIncome[i] + otherIncome[i] - depositInterest[i] - writeOffs[i]),
            i => Math.Abs(interestIncome[i]) + Math.Abs(otherIncome[i]) + Math.Abs(depositInterest[i]) + Math.Abs(writeOffs[i]),
            "bank_profit - (bank_interest_income + bank_other_asset_income - deposit_interest - bank_write_offs)");
        AssertRows(t, i => interestIncome[i] - (firmInterest[i] + localInterest[i]), i => Math.Abs(interestIncome[i]),
            "bank_interest_income - (firm_interest + local_interest)");
        AssertRows(t, i => writeOffs[i] - (allWriteOffs[i] - lgfvLosses[i]), i => Math.Max(Math.Abs(allWriteOffs[i]), Math.Abs(interestIncome[i])),
            "bank_write_offs - (write_offs - lgfv_losses)");
    }

    [Fact]
    public void Bank_net_lending_is_profit_less_profit_paid_to_the_centre()
    {
        var t = _run.Provinces;
        var profit = RunFixtures.Doubles(t, "bank_profit");
        var toCentre = RunFixtures.Doubles(t, "bank_profit_to_centre");
        var netLending = RunFixtures.Doubles(t, "bank_net_lending");
        AssertRows(t, i => netLending[i] - (profit[i] - toCentre[i]), i => Math.Max(Math.Abs(profit[i]), Math.Abs(toCentre[i])),
            "bank_net_lending - (bank_profit - bank_profit_to_centre)");
        Assert.All(toCentre, c => Assert.True(c >= 0, $"bank_profit_to_centre {c}"));
    }

    [Fact]
    public void Central_revenue_is_vat_services_tax_and_bank_profit()
    {
        var t = _run.Nation;
        var revenue = RunFixtures.Doubles(t, "central_revenue");
        var vat = RunFixtures.Doubles(t, "vat_central");
        var services = RunFixtures.Doubles(t, "services_tax");
        var bank = RunFixtures.Doubles(t, "bank_profit_to_centre");
        AssertRows(t, i => revenue[i] - (vat[i] + services[i] + bank[i]), i => Math.Abs(revenue[i]),
            "central_revenue - (vat_central + services_tax + bank_profit_to_centre)");
    }

    [Fact]
    public void National_bank_columns_are_the_sums_of_the_provinces()
    {
        var p = _run.Provinces;
        var n = _run.Nation;
        var byStep = new Dictionary<long, int>();
        var nationStep = n["step"].Select(Convert.ToInt64).ToArray();
        for (int i = 0; i < nationStep.Length; i++) byStep[nationStep[i]] = i;
        var provinceStep = p["step"].Select(Convert.ToInt64).ToArray();
        foreach (var (provinceColumn, nationColumn) in new[]
                 {
                     ("deposit_interest", "deposit_interest"), ("bank_profit_to_centre", "bank_profit_to_centre"), ("deposits", "deposits"),
                     ("directed_credit_discount", "directed_credit_discount"), ("bank_net_lending", "net_lending_banks"),
                 })
        {
            var values = RunFixtures.Doubles(p, provinceColumn);
            var sums = new double[nationStep.Length];
            var scale = new double[nationStep.Length];
            for (int i = 0; i < values.Length; i++)
            {
                sums[byStep[provinceStep[i]]] += values[i];
                scale[byStep[provinceStep[i]]] += Math.Abs(values[i]);
            }
            var national = RunFixtures.Doubles(n, nationColumn);
            AssertRows(n, i => national[i] - sums[i], i => Math.Max(scale[i], 1e-300), $"nation.{nationColumn} - sum of provinces.{provinceColumn}");
        }
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
