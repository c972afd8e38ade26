using AgentSim.Config;
using AgentSim.Model;
using AgentSim.Model.State;

namespace AgentSim.Tests.Runs;

/// <summary>
/// The v2 identities (MODEL.md 5 and 9.1) on the in-memory state after every quarter, with each v2 mechanism switched
/// off in turn, so that every branch of the bank and wage code is covered: household income includes deposit interest,
/// deposits change by household saving less entrants' equity, the bank's profit and retained profit, central revenue,
/// and the seven sector balances summing to zero. Relative 1e-9.
/// </summary>
public sealed class BankIdentitySwitchTests
{
    private const double Tolerance = 1e-9;

    [Theory]
    [InlineData("none")]
    [InlineData("financial_repression")]
    [InlineData("loan_to_deposit_ceiling")]
    [InlineData("wage_rent_sharing")]
    [InlineData("steady_start")]
    public void V2_identities_hold_every_quarter_with_each_mechanism_off(string off)
    {
        var config = RunFixtures.SmallConfig(firms: 2_000, steps: 12, burnIn: 4);
        var m = config.Mechanisms;
        switch (off)
        {
            case "financial_repression": m.FinancialRepression = false; break;
            case "loan_to_deposit_ceiling": m.LoanToDepositCeiling = false; break;
            case "wage_rent_sharing": m.WageRentSharing = false; break;
            case "steady_start": m.SteadyStart = false; break;
        }
        using var sim = new Simulation(config, RunFixtures.Provinces, threads: 1);
        var prov = sim.Provinces;
        var n = sim.Nation;
        while (sim.Step < config.Steps)
        {
            sim.Advance();
            string when = $"{off} off, step {sim.Step - 1}";
            for (int p = 0; p < prov.Count; p++)
            {
                string where = $"{when}, {prov.Names[p]}";
                Close(prov.HouseholdIncome[p], prov.Wages[p] + prov.Transfers[p] + prov.HouseholdDividends[p] + prov.DepositInterest[p],
                    Math.Abs(prov.HouseholdIncome[p]), $"household income, {where}");
                double saving = prov.HouseholdIncome[p] - prov.Consumption[p] - prov.Housing[p] - prov.FirmEquityInjections[p];
                Close(prov.Deposits[p] - prov.DepositsStart[p], saving, Math.Max(Math.Abs(prov.Deposits[p]), Math.Abs(prov.HouseholdIncome[p])), $"deposits, {where}");
                double writeOffs = prov.WriteOffs[p] - prov.LgfvLosses[p];
                double interestIncome = prov.FirmInterest[p] + prov.LocalInterest[p] + prov.BankOtherAssetIncome[p];
                Close(prov.BankProfit[p], interestIncome - prov.DepositInterest[p] - writeOffs,
                    Math.Abs(interestIncome) + Math.Abs(prov.DepositInterest[p]) + Math.Abs(writeOffs), $"bank profit, {where}");
                Close(prov.BankNetLending[p], prov.BankProfit[p] - prov.BankProfitToCentre[p],
                    Math.Max(Math.Abs(prov.BankProfit[p]), Math.Abs(prov.BankProfitToCentre[p])), $"bank net lending, {where}");
                Assert.True(prov.BankProfitToCentre[p] >= 0, $"bank profit to the centre {prov.BankProfitToCentre[p]}, {where}");
                Assert.True(prov.Deposits[p] > 0, $"deposits {prov.Deposits[p]}, {where}");
                Assert.InRange(prov.DepositRate[p], config.Banking.DepositRateFloor, config.Banking.BenchmarkDepositRate);
                Assert.InRange(prov.PrivateCreditRationing[p], 0, 1);
                if (!m.FinancialRepression) Assert.Equal(config.Banking.BenchmarkDepositRate, prov.DepositRate[p]);
                if (!m.LoanToDepositCeiling) Assert.Equal(1.0, prov.PrivateCreditRationing[p]);
            }
            if (!m.WageRentSharing)
            {
                Assert.All(prov.WageIndex, w => Assert.Equal(1.0, w));
                Assert.All(sim.Industries.WageIndex, w => Assert.Equal(1.0, w));
            }
            Close(n.CentralRevenue, n.VatCentral + n.ServicesTax + n.BankProfitToCentre, Math.Abs(n.CentralRevenue), $"central revenue, {when}");
            Close(n.NetLendingBanks, prov.BankNetLending.Sum(), prov.BankNetLending.Sum(Math.Abs), $"banks' net lending, {when}");
            Close(n.DepositInterest, prov.DepositInterest.Sum(), n.DepositInterest, $"deposit interest, {when}");
            double sum = n.NetLendingHouseholds + n.NetLendingFirms + n.NetLendingServicesAndConstruction + n.NetLendingBanks
                         + n.NetLendingLocalGovernments + n.NetLendingCentralGovernment + n.NetLendingRestOfWorld;
            Close(sum, 0, Math.Abs(n.Gdp), $"sector net lending, {when}");
        }
        // The steady start's burn-in intercepts and entry's status-quo subsidies exist only with the switch on.
        var ind = sim.Industries;
        if (off == "steady_start")
        {
            Assert.All(ind.InvestmentIntercept, x => Assert.Equal(0.0, x));
            Assert.All(ind.InitialCapexSubsidy, x => Assert.Equal(0.0, x));
        }
        else
        {
            Assert.Contains(ind.InvestmentIntercept, x => x != 0);
            for (int s = 0; s < sim.Industry.Count; s++)
                Assert.Equal(sim.Industry.Strategic[s] ? config.Levers.CapexSubsidyStrategicInitial : config.Levers.CapexSubsidy.Initial,
                    ind.InitialCapexSubsidy[s]);
        }
    }

    private static void Close(double actual, double expected, double scale, string what) =>
        Assert.True(Math.Abs(actual - expected) <= Tolerance * Math.Max(scale, double.Epsilon),
            $"{what}: {actual:R} against {expected:R} (relative {Math.Abs(actual - expected) / scale:G3})");
}
