using AgentSim.Config;

namespace AgentSim.Tests.Config;

public class ConfigSchemaTests
{
    [Theory]
    [InlineData("firm_behaviour.markup_down", "firm_behaviour.markup_down")]
    [InlineData("industries.learning_rate", "industries[].learning_rate")]
    [InlineData("industries[].learning_rate", "industries[].learning_rate")]
    [InlineData("industries[3].learning_rate", "industries[].learning_rate")]
    [InlineData("industries.ev.learning_rate", "industries[].learning_rate")]
    [InlineData("levers.capex_subsidy", "levers.capex_subsidy")]
    [InlineData("levers.capex_subsidy.max", "levers.capex_subsidy.max")]
    [InlineData("burn_in", "burn_in")]
    [InlineData("Firm_Behaviour.Markup_Down", "firm_behaviour.markup_down")]
    public void Find_AcceptsKeyForms(string key, string expected)
    {
        Assert.Equal(expected, ConfigSchema.Find(key)?.KeyPath);
    }

    [Theory]
    [InlineData("firm_behaviour.markup_dwn", "firm_behaviour.markup_down")]
    [InlineData("markup_down", "firm_behaviour.markup_down")]
    [InlineData("households.markup_down", "firm_behaviour.markup_down")]
    public void Find_UnknownKey_SuggestsNearest(string key, string suggestion)
    {
        Assert.Null(ConfigSchema.Find(key, out var actual));
        Assert.Equal(suggestion, actual);
    }

    [Fact]
    public void Find_Nonsense_HasNoSuggestion()
    {
        Assert.Null(ConfigSchema.Find("zzzzqqq", out var suggestion));
        Assert.Null(suggestion);
    }

    [Fact]
    public void Parameters_CarryMeaningRangeUnitAndDefault()
    {
        var p = ConfigSchema.Find("firm_behaviour.markup_down")!;

        Assert.Equal("number", p.TypeName);
        Assert.Equal("0.02", p.DefaultText);
        Assert.Equal(0, p.Min);
        Assert.Equal(0.5, p.Max);
        Assert.Equal("fraction per quarter", p.Unit);
        Assert.Contains("Markup cut", p.Meaning);
        Assert.Equal("0 to 0.5", p.RangeText);
    }

    [Fact]
    public void Parameters_DescribeListsAndTheirDefaults()
    {
        var industries = ConfigSchema.Find("industries")!;
        Assert.Contains("steel", industries.DefaultText);
        Assert.Contains("textiles", industries.DefaultText);

        var learning = ConfigSchema.Find("industries[].learning_rate")!;
        Assert.StartsWith("0.05 (default industries: steel 0.02, solar_pv 0.2", learning.DefaultText);

        Assert.Equal("one of: gdp, household_income, mixed", ConfigSchema.Find("incentives.default_rule")!.TypeName);
        Assert.Equal("0", ConfigSchema.Find("levers.capex_subsidy.min")!.DefaultText);
        Assert.Equal("0.4", ConfigSchema.Find("levers.capex_subsidy.max")!.DefaultText);
    }

    [Fact]
    public void EveryLeafParameterHasAMeaning()
    {
        Assert.All(ConfigSchema.Parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.Meaning), p.KeyPath));
    }

    [Fact]
    public void ToMarkdown_HasASectionPerTopLevelKeyAndEveryParameter()
    {
        var markdown = ConfigSchema.ToMarkdown();

        foreach (var section in ConfigSchema.Sections)
            Assert.Contains($"## `{section.KeyPath}`", markdown);
        foreach (var p in ConfigSchema.Parameters)
            Assert.Contains($"| `{p.KeyPath}` |", markdown);
        Assert.Contains("| `firm_behaviour.markup_down` | number | 0.02 | 0 to 0.5 | fraction per quarter |", markdown);
    }
}
