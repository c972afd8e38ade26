using AgentSim.Config;

namespace AgentSim.Tests.Config;

/// <summary>Each bad configuration must fail with a message naming the file, line, key path and, for typos, a suggestion.</summary>
public class BadConfigTests
{
    private const string File = "configs/bad.yaml";

    private static ConfigException Fails(string yaml, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.LoadFromString(yaml, File, overrides));

    [Fact]
    public void WrongType_StringForNumber()
    {
        var ex = Fails("steps: 10\nfirm_behaviour:\n  markup_down: fast\n");

        Assert.Equal("configs/bad.yaml:3:16: firm_behaviour.markup_down: expected a number between 0 and 0.5, got 'fast'", ex.Message);
        Assert.Equal(File, ex.File);
        Assert.Equal("firm_behaviour.markup_down", ex.KeyPath);
        Assert.Equal(3, ex.Line);
        Assert.Equal(16, ex.Column);
        Assert.Equal("a number between 0 and 0.5", ex.Expected);
    }

    [Fact]
    public void WrongType_MappingForNumber()
    {
        var ex = Fails("firm_behaviour:\n  markup_down:\n    value: 1\n");

        Assert.Equal("configs/bad.yaml:3:5: firm_behaviour.markup_down: expected a number between 0 and 0.5, got a mapping", ex.Message);
    }

    [Fact]
    public void WrongType_ScalarForSection()
    {
        var ex = Fails("households: 3\n");

        Assert.Equal("configs/bad.yaml:1:13: households: expected a mapping of keys, got '3'", ex.Message);
    }

    [Fact]
    public void WrongType_BadBool()
    {
        var ex = Fails("mechanisms:\n  soft_budget: yes\n");

        Assert.Equal("configs/bad.yaml:2:16: mechanisms.soft_budget: expected true or false, got 'yes'", ex.Message);
    }

    [Fact]
    public void OutOfRange()
    {
        var ex = Fails("firm_behaviour:\n  markup_down: 0.7\n");

        Assert.Equal("configs/bad.yaml:2:16: firm_behaviour.markup_down: expected a number between 0 and 0.5, got '0.7'", ex.Message);
    }

    [Theory]
    [InlineData(".nan")]
    [InlineData(".inf")]
    [InlineData("-.inf")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void NonFiniteNumber(string value)
    {
        var ex = Fails($"households:\n  housing_rate: {value}\n");

        Assert.Equal($"configs/bad.yaml:2:17: households.housing_rate: expected a number between 0 and 0.5, got '{value}' (NaN and infinities are not allowed)",
            ex.Message);
    }

    [Fact]
    public void NonIntegerForInt()
    {
        var ex = Fails("steps: 10.5\n");

        Assert.Equal("configs/bad.yaml:1:8: steps: expected an integer between 1 and 240, got '10.5' (not a whole number)", ex.Message);
    }

    [Fact]
    public void IntegerTooLarge()
    {
        var ex = Fails("firms: 99999999999999999999999\n");

        Assert.Equal("configs/bad.yaml:1:8: firms: expected an integer between 100 and 50000000, got '99999999999999999999999'", ex.Message);
    }

    [Fact]
    public void UnknownNestedKey_SuggestsSibling()
    {
        var ex = Fails("steps: 10\nfirm_behaviour:\n  markup_dwn: 0.1\n");

        Assert.Equal("configs/bad.yaml:3:3: unknown key 'firm_behaviour.markup_dwn'; did you mean 'markup_down'?", ex.Message);
        Assert.Equal("markup_down", ex.Suggestion);
        Assert.Equal("firm_behaviour.markup_dwn", ex.KeyPath);
    }

    [Fact]
    public void UnknownTopLevelKey_SuggestsNearest()
    {
        var ex = Fails("steps: 10\nburnin: 4\n");

        Assert.Equal("configs/bad.yaml:2:1: unknown key 'burnin'; did you mean 'burn_in'?", ex.Message);
    }

    [Fact]
    public void UnknownTopLevelKey_InWrongSection_SuggestsFullPath()
    {
        var ex = Fails("markup_down: 0.1\n");

        Assert.Equal("configs/bad.yaml:1:1: unknown key 'markup_down'; did you mean 'firm_behaviour.markup_down'?", ex.Message);
    }

    [Fact]
    public void UnknownNestedKey_ThatIsATopLevelKey_SuggestsIt()
    {
        var ex = Fails("households:\n  seed: 3\n");

        Assert.Equal("configs/bad.yaml:2:3: unknown key 'households.seed'; did you mean 'seed'?", ex.Message);
    }

    [Fact]
    public void UnknownKey_WithNothingClose_HasNoSuggestion()
    {
        var ex = Fails("zzzzqqq: 1\n");

        Assert.Equal("configs/bad.yaml:1:1: unknown key 'zzzzqqq'", ex.Message);
        Assert.Null(ex.Suggestion);
    }

    [Fact]
    public void UnknownKeyInListElement()
    {
        var ex = Fails("industries:\n  - name: steel\n    learnin_rate: 0.1\n");

        Assert.Equal("configs/bad.yaml:3:5: unknown key 'industries[0].learnin_rate'; did you mean 'learning_rate'?", ex.Message);
    }

    [Fact]
    public void MissingFile()
    {
        using var dir = new TempConfigDir();
        var path = Path.Combine(dir.Path, "nope.yaml");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Equal(path, ex.File);
        Assert.Equal($"{path}: config file not found (looked for {path})", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n\n   # another\n")]
    [InlineData("---\n")]
    public void EmptyFile(string yaml)
    {
        var ex = Fails(yaml);

        Assert.Equal("configs/bad.yaml: file is empty (no keys; only comments or blank lines)", ex.Message);
    }

    [Fact]
    public void MalformedYaml_ReportsLineAndColumnWithoutStackTrace()
    {
        var ex = Fails("steps: 10\nfirm_behaviour:\n  markup_down: [0.1\n  markup_up: 0.2\n");

        Assert.Equal("configs/bad.yaml:3:16: malformed YAML: cannot parse beyond this point (check brackets, quotes and indentation)",
            ex.Message);
        Assert.NotNull(ex.Line);
        Assert.DoesNotContain("Line:", ex.Message);
        Assert.DoesNotContain(" at ", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [Fact]
    public void MalformedYaml_BadIndentation()
    {
        var ex = Fails("steps: 10\n  burn_in: 4\n");

        Assert.StartsWith("configs/bad.yaml:2:", ex.Message);
        Assert.Contains("malformed YAML", ex.Message);
    }

    [Fact]
    public void TopLevelNotAMapping()
    {
        var ex = Fails("- steps\n- 10\n");

        Assert.Equal("configs/bad.yaml:1:1: the top level must be a mapping of keys (e.g. 'steps: 80'), got a list", ex.Message);
    }

    [Fact]
    public void Set_WithoutEquals()
    {
        var ex = Fails("steps: 10\n", "firm_behaviour.markup_down");

        Assert.Equal("--set 'firm_behaviour.markup_down': expected KEY=VALUE, e.g. firm_behaviour.markup_down=0.03", ex.Message);
    }

    [Fact]
    public void Set_UnknownKey_SuggestsNearest()
    {
        var ex = Fails("steps: 10\n", "firm_behaviour.markup_dwn=0.1");

        Assert.Equal("--set 'firm_behaviour.markup_dwn=0.1': unknown key 'firm_behaviour.markup_dwn'; did you mean 'markup_down'?", ex.Message);
        Assert.Equal("firm_behaviour.markup_dwn", ex.KeyPath);
    }

    [Fact]
    public void Set_UnknownSection()
    {
        var ex = Fails("steps: 10\n", "firm_behavior.markup_down=0.1");

        Assert.Equal("--set 'firm_behavior.markup_down=0.1': unknown key 'firm_behavior'; did you mean 'firm_behaviour'?", ex.Message);
    }

    [Fact]
    public void Set_BadValue()
    {
        var ex = Fails("steps: 10\n", "industries.ev.learning_rate=fast");

        Assert.Equal("--set 'industries.ev.learning_rate=fast': industries[2].learning_rate: expected a number between 0 and 0.5, got 'fast'",
            ex.Message);
        Assert.Equal("industries[2].learning_rate", ex.KeyPath);
    }

    [Fact]
    public void Set_UnknownElementName_SuggestsNearest()
    {
        var ex = Fails("steps: 10\n", "industries.evv.learning_rate=0.1");

        Assert.StartsWith("--set 'industries.evv.learning_rate=0.1': 'industries' has no element named 'evv' (names are: steel, solar_pv, ev,", ex.Message);
        Assert.EndsWith("; did you mean 'ev'?", ex.Message);
    }

    [Fact]
    public void Set_IndexOutOfRange()
    {
        var ex = Fails("steps: 10\n", "industries[8].learning_rate=0.1");

        Assert.Equal("--set 'industries[8].learning_rate=0.1': index 8 is out of range: 'industries' has 8 element(s)", ex.Message);
    }

    [Fact]
    public void Set_ListFieldWithoutElement_ExplainsHowToAddressOne()
    {
        var ex = Fails("steps: 10\n", "industries.learning_rate=0.1");

        Assert.Equal("--set 'industries.learning_rate=0.1': 'learning_rate' is a field of each element of 'industries'; pick an element "
            + "first, e.g. industries[0].learning_rate or industries.NAME.learning_rate", ex.Message);
    }

    [Fact]
    public void Set_KeyBelowAScalar()
    {
        var ex = Fails("steps: 10\n", "steps.max=3");

        Assert.Equal("--set 'steps.max=3': 'steps' is a single value; it has no key 'max'", ex.Message);
    }

    [Fact]
    public void Extends_MissingBaseFile()
    {
        using var dir = new TempConfigDir();
        var top = dir.Write("top.yaml", "steps: 10\nextends: missing.yaml\n");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(top));

        Assert.Equal($"{top}:2:10: extends: base file 'missing.yaml' not found (looked for {Path.Combine(dir.Path, "missing.yaml")})", ex.Message);
        Assert.Equal("extends", ex.KeyPath);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void Extends_Cycle_NamesTheChain()
    {
        using var dir = new TempConfigDir();
        var a = dir.Write("a.yaml", "extends: b.yaml\nsteps: 1\n");
        var b = dir.Write("b.yaml", "extends: a.yaml\nsteps: 2\n");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(a));

        Assert.Equal($"{b}:1:10: extends: cycle in extends chain: {a} -> {b} -> {a}", ex.Message);
    }

    [Fact]
    public void Extends_Self()
    {
        using var dir = new TempConfigDir();
        var a = dir.Write("a.yaml", "extends: ./a.yaml\n");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(a));

        Assert.Contains($"cycle in extends chain: {a} -> {a}", ex.Message);
    }

    [Fact]
    public void Extends_ErrorInBaseFile_NamesTheBaseFile()
    {
        using var dir = new TempConfigDir();
        var baseFile = dir.Write("base.yaml", "steps: 10\nfirm_behaviour:\n  markup_dwn: 0.1\n");
        var top = dir.Write("top.yaml", "extends: base.yaml\n");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(top));

        Assert.Equal($"{baseFile}:3:3: unknown key 'firm_behaviour.markup_dwn'; did you mean 'markup_down'?", ex.Message);
    }

    [Fact]
    public void BadEnumValue_ListsValidValues()
    {
        var ex = Fails("incentives:\n  default_rule: household\n");

        Assert.Equal("configs/bad.yaml:2:17: incentives.default_rule: expected one of: gdp, household_income, mixed, got 'household'; "
            + "did you mean 'household_income'?", ex.Message);
        Assert.Equal("one of: gdp, household_income, mixed", ex.Expected);
    }

    [Fact]
    public void BadEnumValue_PascalCase_SuggestsSnakeCase()
    {
        var ex = Fails("incentives:\n  pilot_rule: HouseholdIncome\n");

        Assert.EndsWith("got 'HouseholdIncome'; did you mean 'household_income'?", ex.Message);
    }

    [Fact]
    public void DuplicateKey()
    {
        var ex = Fails("steps: 10\nfirm_behaviour:\n  markup_down: 0.1\n  markup_down: 0.2\n");

        Assert.Equal("configs/bad.yaml:4:3: duplicate key 'firm_behaviour.markup_down' (first given on line 3)", ex.Message);
    }

    [Fact]
    public void TariffNamingUnknownIndustry()
    {
        var ex = Fails("tariffs:\n  - industry: solar\n    rate: 0.5\n");

        Assert.Equal("configs/bad.yaml:2:15: tariffs[0].industry: unknown industry 'solar' (industries are: steel, solar_pv, ev, "
            + "batteries, wind, chemicals, appliances, textiles); did you mean 'solar_pv'?", ex.Message);
        Assert.Equal("solar_pv", ex.Suggestion);
    }

    [Fact]
    public void TradeInNamingUnknownIndustry()
    {
        var ex = Fails("trade_in:\n  - industries: [ev, aplliances]\n    from_step: 0\n    to_step: 4\n");

        Assert.Equal("trade_in[0].industries[1]", ex.KeyPath);
        Assert.Equal(2, ex.Line);
        Assert.Equal("appliances", ex.Suggestion);
    }

    [Fact]
    public void LeverMinAboveMax()
    {
        var ex = Fails("levers:\n  capex_subsidy:\n    min: 0.5\n    max: 0.2\n    initial: 0.3\n");

        Assert.Equal("configs/bad.yaml:3:10: levers.capex_subsidy.min: min (0.5) is greater than max (0.2)", ex.Message);
    }

    [Fact]
    public void LeverInitialOutsideDefaultBounds()
    {
        var ex = Fails("levers:\n  welfare_share:\n    initial: 0.9\n");

        Assert.Equal("configs/bad.yaml:3:14: levers.welfare_share.initial: initial (0.9) is outside min..max (0.05..0.5)", ex.Message);
    }

    [Fact]
    public void LeverMaxBelowDefaults_IsLocatedAtTheUsersMapping()
    {
        var ex = Fails("steps: 10\nlevers:\n  capex_subsidy:\n    max: 0.01\n");

        Assert.Equal("configs/bad.yaml:4:5: levers.capex_subsidy.initial: initial (0.02) is outside min..max (0..0.01)", ex.Message);
        Assert.Contains(ex.OtherProblems, p => p.KeyPath == "levers.capex_subsidy_strategic_initial");
    }

    [Fact]
    public void PropensityMinAboveMax()
    {
        var ex = Fails("households:\n  min_propensity: 0.95\n");

        Assert.Equal("configs/bad.yaml:2:19: households.min_propensity: min_propensity (0.95) is greater than max_propensity (0.9)", ex.Message);
    }

    [Fact]
    public void StepWindowReversed()
    {
        var ex = Fails("tariffs:\n  - industry: ev\n    from_step: 10\n    to_step: 4\n");

        Assert.Equal("configs/bad.yaml:4:14: tariffs[0].to_step: to_step (4) is before from_step (10)", ex.Message);
    }

    [Fact]
    public void DuplicateIndustryNames()
    {
        var ex = Fails("industries:\n  - name: ev\n  - name: steel\n  - name: ev\n");

        Assert.Equal("configs/bad.yaml:4:11: industries[2].name: duplicate industry name 'ev' (also industries[0].name)", ex.Message);
    }

    [Fact]
    public void IndustryWithoutName()
    {
        var ex = Fails("industries:\n  - learning_rate: 0.1\n");

        Assert.Equal("configs/bad.yaml:2:5: industries[0]: missing required key 'name'", ex.Message);
    }

    [Fact]
    public void NoIndustries()
    {
        var ex = Fails("industries: []\n");

        Assert.Equal("configs/bad.yaml:1:13: industries: at least one industry is required", ex.Message);
    }

    [Fact]
    public void DuplicatePilotProvinces()
    {
        var ex = Fails("incentives:\n  pilot_provinces: [Guangdong, Hubei, Guangdong]\n");

        Assert.Equal("incentives.pilot_provinces[2]", ex.KeyPath);
        Assert.Contains("province 'Guangdong' is listed twice", ex.Message);
    }

    [Fact]
    public void UnknownFirmColumn_NamesTheColumns_AndSuggestsTheNearest()
    {
        var ex = Fails("output:\n  firms_every: 4\n  firms_columns: [capacity, pirce]\n");

        Assert.Equal("output.firms_columns[1]", ex.KeyPath);
        Assert.StartsWith("configs/bad.yaml:3:29: output.firms_columns[1]: unknown column 'pirce' (firms.parquet has: step, firm_id, province,", ex.Message);
        Assert.Equal("price", ex.Suggestion);
    }

    [Fact]
    public void DuplicateFirmColumn()
    {
        var ex = Fails("output:\n  firms_columns: [cash, debt, cash]\n");

        Assert.Equal("output.firms_columns[2]", ex.KeyPath);
        Assert.Contains("column 'cash' is listed twice (also output.firms_columns[0])", ex.Message);
    }

    [Fact]
    public void DeepNesting_IsRejected()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 10_000)) + string.Concat(Enumerable.Repeat("]", 10_000));

        var ex = Fails("steps: 10\nname: " + deep + "\n");

        Assert.Equal("configs/bad.yaml:2:70: nested more than 64 levels deep", ex.Message);
    }

    [Fact]
    public void AliasBomb_IsRejected()
    {
        const string yaml = """
            a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
            """;

        var ex = Fails(yaml);

        Assert.Equal("configs/bad.yaml:2:8: YAML aliases ('*a') are not supported; write the values out in full", ex.Message);
    }

    [Fact]
    public void CustomTag_IsRejected()
    {
        var ex = Fails("steps: 10\nname: !include other.yaml\n");

        Assert.Equal("configs/bad.yaml:2:7: YAML tags ('!include') are not supported", ex.Message);
    }

    [Fact]
    public void StandardTag_IsAccepted()
    {
        var config = ConfigLoader.LoadFromString("name: !!str 2024\n", File).Config;

        Assert.Equal("2024", config.Name);
    }

    [Fact]
    public void FileTooLarge()
    {
        var ex = Fails("# " + new string('x', 11 * 1024 * 1024) + "\n");

        Assert.Equal("configs/bad.yaml: larger than the 10 MB limit for a config file", ex.Message);
    }

    [Fact]
    public void MultipleProblems_FirstInFileOrder_OthersAttached()
    {
        var ex = Fails("zzzzqqq: 1\nsteps: fast\nfirm_behaviour:\n  markup_down: 2\n");

        Assert.Equal(1, ex.Line);
        Assert.Equal(2, ex.OtherProblems.Count);
        Assert.Equal([2, 4], ex.OtherProblems.Select(p => p.Line));
    }
}
