using AgentSim.Config;

namespace AgentSim.Tests.Config;

public class ConfigLoaderTests
{
    [Fact]
    public void DefaultConfig_RoundTripsThroughResolvedYaml()
    {
        var yaml = ConfigYaml.Write(new SimulationConfig());

        var loaded = ConfigLoader.LoadFromString(yaml, "resolved.yaml");

        Assert.Equal(yaml, loaded.ResolvedYaml);
        Assert.Equal(8, loaded.Config.Industries.Count);
        Assert.Equal(0.02, loaded.Config.Industries[0].LearningRate);
    }

    [Fact]
    public void ModifiedConfig_RoundTripsThroughResolvedYaml()
    {
        var config = new SimulationConfig
        {
            Name = "true",
            Seed = long.MaxValue,
            Tariffs = { new TariffConfig { Industry = "ev", Rate = 1.0 / 3, FromStep = 4, ToStep = 12 } },
            TradeIn = { new TradeInConfig { Industries = { "ev", "appliances" }, FromStep = 1, ToStep = 8 } },
        };
        config.Incentives.PilotProvinces.AddRange(["Guangdong", "Zhejiang"]);
        config.Incentives.DefaultRule = IncentiveRule.Mixed;
        config.Provinces.DataFile = "data: with colon.csv";
        config.Industries[1].Wage = 2.5e-5 + 1e-12;

        var yaml = ConfigYaml.Write(config);
        var loaded = ConfigLoader.LoadFromString(yaml, "resolved.yaml");

        Assert.Equal(yaml, loaded.ResolvedYaml);
        Assert.Equal("true", loaded.Config.Name);
        Assert.Equal(long.MaxValue, loaded.Config.Seed);
        Assert.Equal(1.0 / 3, loaded.Config.Tariffs[0].Rate);
        Assert.Equal(2.5e-5 + 1e-12, loaded.Config.Industries[1].Wage);
        Assert.Equal(["Guangdong", "Zhejiang"], loaded.Config.Incentives.PilotProvinces);
        Assert.Equal(IncentiveRule.Mixed, loaded.Config.Incentives.DefaultRule);
        Assert.Equal("data: with colon.csv", loaded.Config.Provinces.DataFile);
    }

    [Fact]
    public void ResolvedYaml_UsesSnakeCaseKeysAndIncludesDefaults()
    {
        var loaded = ConfigLoader.LoadFromString("steps: 12\n", "s.yaml");

        Assert.Contains("burn_in: 8", loaded.ResolvedYaml);
        Assert.Contains("markup_down: 0.02", loaded.ResolvedYaml);
        Assert.Contains("default_rule: gdp", loaded.ResolvedYaml);
        Assert.Contains("steps: 12", loaded.ResolvedYaml);
        Assert.DoesNotContain("BurnIn", loaded.ResolvedYaml);
    }

    [Fact]
    public void Values_BindToTypedProperties()
    {
        const string yaml = """
            name: pilot
            seed: 7
            firms: 1_000_000
            firm_behaviour:
              markup_down: 0.03
            incentives:
              default_rule: household_income
              pilot_provinces: [Guangdong, Zhejiang]
            levers:
              capex_subsidy: {min: 0, max: 0.3, initial: 0.05}
            mechanisms:
              soft_budget: false
            tariffs:
              - industry: ev
                rate: 1.0
                from_step: 4
            """;

        var config = ConfigLoader.LoadFromString(yaml, "s.yaml").Config;

        Assert.Equal("pilot", config.Name);
        Assert.Equal(7, config.Seed);
        Assert.Equal(1_000_000, config.Firms);
        Assert.Equal(0.03, config.FirmBehaviour.MarkupDown);
        Assert.Equal(0.015, config.FirmBehaviour.MarkupUp);
        Assert.Equal(IncentiveRule.HouseholdIncome, config.Incentives.DefaultRule);
        Assert.Equal(["Guangdong", "Zhejiang"], config.Incentives.PilotProvinces);
        Assert.Equal(0.3, config.Levers.CapexSubsidy.Max);
        Assert.False(config.Mechanisms.SoftBudget);
        Assert.Equal(100000, Assert.Single(config.Tariffs).ToStep);
    }

    [Fact]
    public void SectionWithAllKeysCommentedOut_KeepsDefaults()
    {
        var config = ConfigLoader.LoadFromString("firm_behaviour:\n  # markup_down: 0.1\nsteps: 4\n", "s.yaml").Config;

        Assert.Equal(0.02, config.FirmBehaviour.MarkupDown);
        Assert.Equal(4, config.Steps);
    }

    [Fact]
    public void Load_ReportsPathsAndDirectory()
    {
        using var dir = new TempConfigDir();
        var path = dir.Write("scenario.yaml", "steps: 10\n");

        var loaded = ConfigLoader.Load(path);

        Assert.Equal(Path.GetFullPath(path), loaded.SourcePath);
        Assert.Equal(Path.GetFullPath(dir.Path), loaded.ConfigDirectory);
        Assert.Equal(Path.Combine(dir.Path, "data", "provinces.csv"), loaded.ResolvePath(loaded.Config.Provinces.DataFile));
        Assert.Equal([loaded.SourcePath], loaded.Files);
    }

    [Fact]
    public void Extends_DeepMergesMappingsAndReplacesLists()
    {
        using var dir = new TempConfigDir();
        dir.Write("base/base.yaml", """
            name: base
            steps: 40
            firm_behaviour:
              markup_down: 0.04
              markup_up: 0.03
            incentives:
              pilot_provinces: [Guangdong, Zhejiang, Jiangsu]
            industries:
              - name: steel
                learning_rate: 0.01
              - name: ev
                learning_rate: 0.12
            """);
        dir.Write("base/middle.yaml", """
            extends: base.yaml
            steps: 60
            firm_behaviour:
              markup_up: 0.05
            """);
        var top = dir.Write("top.yaml", """
            extends: base/middle.yaml
            name: top
            incentives:
              pilot_provinces: [Sichuan]
            """);

        var loaded = ConfigLoader.Load(top);
        var config = loaded.Config;

        Assert.Equal("top", config.Name);
        Assert.Equal(60, config.Steps);
        Assert.Equal(0.04, config.FirmBehaviour.MarkupDown);
        Assert.Equal(0.05, config.FirmBehaviour.MarkupUp);
        Assert.Equal(0.6, config.FirmBehaviour.MaxMarkup);
        Assert.Equal(["Sichuan"], config.Incentives.PilotProvinces);
        Assert.Equal(["steel", "ev"], config.Industries.Select(i => i.Name));
        Assert.Equal(0.12, config.Industries[1].LearningRate);
        Assert.Equal(3, loaded.Files.Count);
        Assert.DoesNotContain("extends", loaded.ResolvedYaml);
    }

    [Fact]
    public void Set_ByIndexByNameAndForLists()
    {
        var overrides = new[]
        {
            "industries[2].learning_rate=0.3",
            "industries.solar_pv.strategic=false",
            "firm_behaviour.markup_down=0.05",
            "incentives.pilot_provinces=[Guangdong, Zhejiang]",
            "incentives.default_rule=mixed",
            "levers.credit_easing.max=0.8",
            "tariffs=[{industry: ev, rate: 0.5}]",
        };

        var config = ConfigLoader.LoadFromString("steps: 30\n", "s.yaml", overrides).Config;

        Assert.Equal("ev", config.Industries[2].Name);
        Assert.Equal(0.3, config.Industries[2].LearningRate);
        Assert.False(config.Industries.Single(i => i.Name == "solar_pv").Strategic);
        Assert.Equal(0.05, config.FirmBehaviour.MarkupDown);
        Assert.Equal(["Guangdong", "Zhejiang"], config.Incentives.PilotProvinces);
        Assert.Equal(IncentiveRule.Mixed, config.Incentives.DefaultRule);
        Assert.Equal(0.8, config.Levers.CreditEasing.Max);
        Assert.Equal(0.3, config.Levers.CreditEasing.Initial);
        Assert.Equal("ev", Assert.Single(config.Tariffs).Industry);
    }

    [Fact]
    public void Set_AppliesAfterFilesAndInOrder()
    {
        using var dir = new TempConfigDir();
        dir.Write("base.yaml", "steps: 40\nindustries:\n  - name: steel\n  - name: ev\n");
        var top = dir.Write("top.yaml", "extends: base.yaml\nsteps: 50\n");

        var config = ConfigLoader.Load(top, ["steps=60", "steps=70", "industries.ev.build_lag=5"]).Config;

        Assert.Equal(70, config.Steps);
        Assert.Equal(5, config.Industries[1].BuildLag);
    }

    [Fact]
    public void LoadedConfig_LocatesEngineErrorsAtTheLineWhereTheKeyWasSet()
    {
        const string yaml = "steps: 30\nincentives:\n  pilot_provinces:\n    - Guangdong\n    - Zhejaing\n";
        var loaded = ConfigLoader.LoadFromString(yaml, "configs/pilot.yaml");

        var error = loaded.UnknownName("incentives.pilot_provinces[1]", "Zhejaing", ["Guangdong", "Zhejiang", "Jiangsu"], "province");

        Assert.Equal("configs/pilot.yaml:5:7: incentives.pilot_provinces[1]: unknown province 'Zhejaing' (valid: Guangdong, Zhejiang, Jiangsu); did you mean 'Zhejiang'?",
            error.Message);
        Assert.Equal(5, error.Line);
        Assert.Equal("Zhejiang", error.Suggestion);
    }

    [Fact]
    public void ConfigErrors_UnknownName_WithoutLocation()
    {
        var error = ConfigErrors.UnknownName("configs/x.yaml", "incentives.pilot_provinces[0]", "Guangdon", ["Guangdong", "Hubei"], "province");

        Assert.Equal("configs/x.yaml: incentives.pilot_provinces[0]: unknown province 'Guangdon' (valid: Guangdong, Hubei); did you mean 'Guangdong'?",
            error.Message);
    }

    [Fact]
    public void DataFileDefault_IsLocatedAtTheTopFile()
    {
        var loaded = ConfigLoader.LoadFromString("steps: 10\n", "configs/s.yaml");

        var error = loaded.Error("provinces.data_file", "file not found");

        Assert.Equal("configs/s.yaml: provinces.data_file: file not found", error.Message);
    }
}
