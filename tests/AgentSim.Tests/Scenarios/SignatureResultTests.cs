using AgentSim.Analysis;
using Xunit.Abstractions;

namespace AgentSim.Tests.Scenarios;

/// <summary>
/// The signature results of MODEL.md section 6, with its thresholds, over 10 replicates of the shipped
/// scenarios. Means are over replicates; the confidence intervals are 95% Student-t intervals.
/// </summary>
[Collection(SignatureCollection.Name)]
public sealed class SignatureResultTests(SignatureFixture fixture, ITestOutputHelper log)
{
    private const string Baseline = "baseline", Household = "household-income", Pilot = "pilot", Tariff = "eu-ev-tariff", TradeIn = "trade-in";

    [Fact]
    public void S1_overbuilding_in_strategic_industries_under_the_gdp_rule()
    {
        var strategic = fixture.Stat(Baseline, Indicators.StrategicUtilisationEnd);
        var gap = fixture.Stat(Baseline, Indicators.StrategicUtilisationGap);
        var versusHousehold = fixture.Paired(Household, PairedIndicators.StrategicUtilisationGap);
        Report(strategic, gap, versusHousehold);
        Assert.True(strategic.Mean < 0.75, $"baseline strategic utilisation {strategic.Mean:F3} should end below 0.75");
        Assert.True(gap.Mean <= -0.05, $"strategic utilisation should end at least 5 points below non-strategic; gap {gap.Mean:F3}");
    }

    [Fact(Skip = "Not yet emerging: strategic utilisation under household-income ends within 1 point of baseline (see docs/results.md, open in issue 3)")]
    public void S1_household_income_rule_leaves_strategic_utilisation_five_points_higher()
    {
        var versusHousehold = fixture.Paired(Household, PairedIndicators.StrategicUtilisationGap);
        Report(versusHousehold);
        Assert.True(versusHousehold.Mean >= 0.05, $"household-income strategic utilisation should end 5+ points above baseline; difference {versusHousehold.Mean:F3}");
    }

    [Fact]
    public void S2_price_wars_and_deflation()
    {
        var price = fixture.Stat(Baseline, Indicators.StrategicPriceChange);
        var spells = fixture.Values(Baseline, Indicators.LongestFallingSpell);
        var margin = fixture.Stat(Baseline, Indicators.StrategicMarginEnd);
        Report(price, margin);
        Assert.True(price.Mean <= -0.15, $"strategic prices should fall 15%+ over the horizon; change {price.Mean:F3}");
        Assert.All(spells, s => Assert.True(s >= 4, $"each replicate needs a spell of 4+ quarters of falling strategic prices; got {s}"));
        Assert.True(Math.Abs(margin.Mean) <= 0.05, $"strategic profit margins should approach zero (|margin| <= 0.05); got {margin.Mean:F3}");
    }

    [Fact]
    public void S2_zombie_share_is_higher_under_the_gdp_rule()
    {
        var zombies = fixture.Paired(Household, PairedIndicators.ZombieShareGap);
        Report(zombies);
        Assert.True(zombies.High < 0, $"zombie share should be higher under baseline than household-income; household minus baseline {zombies.Mean:F3} [{zombies.Low:F3}, {zombies.High:F3}]");
    }

    [Fact]
    public void S3_consumption_share_starts_near_39_and_rises_under_the_household_rule()
    {
        var start = fixture.Stat(Baseline, Indicators.ConsumptionShareStart);
        var versusHousehold = fixture.Paired(Household, PairedIndicators.ConsumptionShareGap);
        Report(start, versusHousehold);
        Assert.InRange(start.Mean, 0.38, 0.41);
        Assert.True(versusHousehold.Mean >= 0.05, $"household-income consumption share should end 5+ points above baseline; difference {versusHousehold.Mean:F3}");
    }

    [Fact]
    public void S4_pilots_raise_household_income_growth()
    {
        var did = fixture.Stat(Pilot, Indicators.PilotIncomeDid);
        var welfare = fixture.Stat(Pilot, Indicators.PilotWelfareChange);
        var spillover = fixture.Paired(Pilot, PairedIndicators.NonPilotSpillover);
        Report(did, welfare, spillover);
        Assert.True(did.Low > 0, $"the difference-in-differences of income growth should be positive with a 95% CI excluding zero: {did.Mean:E2} [{did.Low:E2}, {did.High:E2}]");
        Assert.True(welfare.Low > 0, $"pilots should raise welfare relative to non-pilots: {welfare.Mean:F3} [{welfare.Low:F3}, {welfare.High:F3}]");
        Assert.True(double.IsFinite(spillover.Mean) && spillover.Count == SignatureFixture.Replicates, "the spillover on non-pilot provinces is reported");
    }

    [Fact(Skip = "Not yet emerging: pilots' capex subsidies and bailout propensity do not fall reliably after the switch (see docs/results.md, open in issue 3)")]
    public void S4_pilots_cut_capex_subsidies_and_bailouts()
    {
        var capex = fixture.Stat(Pilot, Indicators.PilotCapexSubsidyChange);
        var bailout = fixture.Stat(Pilot, Indicators.PilotBailoutChange);
        Report(capex, bailout);
        Assert.True(capex.Mean < 0, $"pilots should cut capex subsidies relative to non-pilots; change {capex.Mean:F3}");
        Assert.True(bailout.Mean < 0, $"pilots should cut bailouts relative to non-pilots; change {bailout.Mean:F3}");
    }

    [Fact]
    public void S5_tariff_shock_on_ev_exports_prices_and_utilisation()
    {
        var exports = fixture.Paired(Tariff, PairedIndicators.TariffExportsChange);
        var price = fixture.Paired(Tariff, PairedIndicators.TariffPriceChangeVsBaseline);
        var utilisation = fixture.Paired(Tariff, PairedIndicators.TariffUtilisationChangeVsBaseline);
        Report(exports, price, utilisation);
        Assert.True(exports.High < 0, $"EV exports should fall after the tariff: {exports.Mean:F3} [{exports.Low:F3}, {exports.High:F3}]");
        Assert.True(price.High < 0, $"domestic EV prices should fall faster than in baseline: {price.Mean:F3} [{price.Low:F3}, {price.High:F3}]");
        Assert.True(utilisation.High < 0, $"EV utilisation should drop relative to baseline: {utilisation.Mean:F3} [{utilisation.Low:F3}, {utilisation.High:F3}]");
    }

    [Fact]
    public void S6_trade_in_pulls_demand_forward()
    {
        var during = fixture.Paired(TradeIn, PairedIndicators.TradeInDemandDuring);
        var after = fixture.Paired(TradeIn, PairedIndicators.TradeInDemandAfter);
        Report(during, after);
        Assert.True(during.Low > 0, $"demand for the subsidised industries should rise during the programme: {during.Mean:F3} [{during.Low:F3}, {during.High:F3}]");
        Assert.True(after.High < 0, $"and dip below the baseline path after it: {after.Mean:F3} [{after.Low:F3}, {after.High:F3}]");
    }

    private void Report(params ReplicateStatistic[] stats)
    {
        foreach (var s in stats)
            log.WriteLine($"{s.Name}: {s.Mean:G4} [{s.Low:G4}, {s.High:G4}] ({s.Count} replicates)");
    }
}
