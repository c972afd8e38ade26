using AgentSim.Analysis;
using Xunit.Abstractions;

namespace AgentSim.Tests.Scenarios;

/// <summary>At the start of baseline (the first year after the burn-in) the national shares sit in the calibration bands.</summary>
[Collection(SignatureCollection.Name)]
public sealed class CalibrationTests(SignatureFixture fixture, ITestOutputHelper log)
{
    [Theory]
    [InlineData("C1", Indicators.ConsumptionShareStart, 0.38, 0.41)]
    [InlineData("C2", Indicators.InvestmentShareStart, 0.40, 0.45)]
    [InlineData("C3", Indicators.UtilisationStart, 0.73, 0.78)]
    [InlineData("C4", Indicators.PpiInflationStart, -0.01, 0.01)]
    public void Baseline_starts_inside_the_calibration_band(string id, string indicator, double low, double high)
    {
        var stat = fixture.Stat("baseline", indicator);
        var check = fixture.Check(id);
        log.WriteLine($"{indicator}: {stat.Mean:G4} [{stat.Low:G4}, {stat.High:G4}]");
        // The band as the data README states it, and the check compare prints must agree on it.
        Assert.InRange(stat.Mean, low, high);
        Assert.Equal(indicator, check.Measure);
        Assert.True(check.Holds);
    }
}
