using AgentSim.Config;

namespace AgentSim.Tests.Sweeps;

/// <summary>The sweep: section: typed, validated with located errors, and invisible to a plain run.</summary>
public sealed class SweepConfigTests
{
    private const string File = "configs/sweep.yaml";

    private static LoadedConfig Load(string yaml) => ConfigLoader.LoadFromString(yaml, File);

    private static ConfigException Fails(string yaml) => Assert.Throws<ConfigException>(() => Load(yaml));

    [Fact]
    public void Section_is_bound_with_its_kinds_and_columns()
    {
        var loaded = Load("""
            steps: 12
            sweep:
              replicates: 3
              common_random_numbers: false
              parameters:
                - key: officials.promotion_strength
                  values: [0.5, 1]
                - key: incentives.switch_step
                  from: 4
                  to: 8
                  steps: 3
                - key: industries.ev.learning_rate
                  min: 0.01
                  max: 0.1
                - key: industries.solar_pv.learning_rate
                  column: solar_learning
                  min: 0.01
                  max: 0.1
                - key: incentives.pilot_provinces
                  values: [[Zhejiang], [Zhejiang, "Fujian"]]
              latin_hypercube:
                points: 5
                seed: 9
            """);
        var sweep = Assert.IsType<LoadedSweep>(loaded.Sweep);
        Assert.Equal(3, sweep.Config.Replicates);
        Assert.False(sweep.Config.CommonRandomNumbers);
        Assert.Equal([SweepParameterKind.Values, SweepParameterKind.Range, SweepParameterKind.Sampled, SweepParameterKind.Sampled, SweepParameterKind.Values], sweep.Kinds);
        Assert.Equal(["promotion_strength", "switch_step", "learning_rate", "solar_learning", "pilot_provinces"], sweep.Columns);
        Assert.Equal(["[Zhejiang]", "[Zhejiang, Fujian]"], sweep.Config.Parameters[4].Values);
        Assert.Equal(5, sweep.Config.LatinHypercube.Points);
        Assert.Equal(12, loaded.Config.Steps);
    }

    [Fact]
    public void Keys_that_end_alike_get_whole_key_columns()
    {
        var sweep = Load("""
            sweep:
              parameters:
                - key: industries.ev.learning_rate
                  values: [0.05]
                - key: industries.solar_pv.learning_rate
                  values: [0.05]
            """).Sweep!;
        Assert.Equal(["industries_ev_learning_rate", "industries_solar_pv_learning_rate"], sweep.Columns);
    }

    [Fact]
    public void A_sweep_section_does_not_change_the_run_config()
    {
        const string scenario = "steps: 12\nofficials:\n  promotion_strength: 2\n";
        var plain = Load(scenario);
        var swept = Load(scenario + "sweep:\n  replicates: 4\n  parameters:\n    - key: officials.promotion_strength\n      values: [1, 3]\n");
        Assert.Null(plain.Sweep);
        Assert.NotNull(swept.Sweep);
        Assert.Equal(plain.ResolvedYaml, swept.ResolvedYaml);
        Assert.DoesNotContain("sweep", swept.ResolvedYaml);
        Assert.Equal(2, swept.Config.Officials.PromotionStrength);
    }

    [Fact]
    public void Unknown_swept_key_is_located_with_a_suggestion()
    {
        var ex = Fails("sweep:\n  parameters:\n    - key: officials.promotion_strenght\n      values: [1]\n");
        Assert.Equal("configs/sweep.yaml:3:12: sweep.parameters[0].key: unknown config key 'officials.promotion_strenght'; did you mean 'officials.promotion_strength'?", ex.Message);
    }

    [Fact]
    public void Unknown_key_in_the_section_is_located_with_a_suggestion()
    {
        var ex = Fails("sweep:\n  replicate: 3\n");
        Assert.Equal("configs/sweep.yaml:2:3: unknown key 'sweep.replicate'; did you mean 'replicates'?", ex.Message);
    }

    [Theory]
    [InlineData("sweep:\n  replicates: 0\n", "configs/sweep.yaml:2:15: sweep.replicates: expected an integer between 1 and 100000, got '0'")]
    [InlineData("sweep: 3\n", "configs/sweep.yaml:1:8: sweep: expected a mapping (replicates, parameters, ...), got '3'")]
    [InlineData("sweep:\n  parameters:\n    - values: [1]\n", "configs/sweep.yaml:3:7: sweep.parameters[0].key: a config key is required, e.g. key: officials.promotion_strength")]
    [InlineData("sweep:\n  parameters:\n    - key: steps\n", "configs/sweep.yaml:3:7: sweep.parameters[0]: give the values of 'steps': values: [...], or from/to/steps, or min/max (sampled by latin_hypercube)")]
    [InlineData("sweep:\n  parameters:\n    - key: steps\n      values: [1]\n      min: 1\n", "configs/sweep.yaml:3:7: sweep.parameters[0]: give only one of: values, from/to/steps, min/max")]
    [InlineData("sweep:\n  parameters:\n    - key: firms\n      min: 1000\n      max: 9000\n", "configs/sweep.yaml:3:7: sweep.parameters[0]: parameters with min/max are sampled by a Latin hypercube: give latin_hypercube: {points: N}")]
    [InlineData("sweep:\n  parameters:\n    - key: steps\n      values: [8, 9]\n      labels: [a]\n", "configs/sweep.yaml:5:15: sweep.parameters[0].labels: expected one label per value (2), got 1")]
    [InlineData("sweep:\n  parameters:\n    - key: steps\n      values: [8, 8]\n", "configs/sweep.yaml:4:19: sweep.parameters[0].values[1]: value '8' is listed twice (also values[0])")]
    [InlineData("sweep:\n  parameters:\n    - key: name\n      from: 1\n      to: 2\n", "configs/sweep.yaml:4:13: sweep.parameters[0].from: 'name' is string; ranges are for numbers, use values: [...]")]
    [InlineData("sweep:\n  parameters:\n    - key: steps\n      values: [8]\n    - key: steps\n      values: [9]\n", "configs/sweep.yaml:5:12: sweep.parameters[1].key: 'steps' is already swept by parameters[0]")]
    [InlineData("sweep:\n  parameters:\n    - key: seed\n      column: replicate\n      values: [1]\n", "configs/sweep.yaml:4:15: sweep.parameters[0].column: column name 'replicate' is used by the sweep itself; set column: to another name")]
    public void Bad_sections_fail_at_their_line(string yaml, string message)
    {
        var ex = Fails(yaml);
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void A_whole_section_cannot_be_swept()
    {
        var ex = Fails("sweep:\n  parameters:\n    - key: officials\n      values: [1]\n");
        Assert.Equal("configs/sweep.yaml:3:12: sweep.parameters[0].key: 'officials' is a whole section; sweep one of its keys, e.g. officials.tenure", ex.Message);
        ex = Fails("sweep:\n  parameters:\n    - key: industries\n      values: [1]\n");
        Assert.Equal("configs/sweep.yaml:3:12: sweep.parameters[0].key: 'industries' is a whole section; sweep one of its keys, e.g. industries.NAME.strategic", ex.Message);
        ex = Fails("sweep:\n  parameters:\n    - key: levers.capex_subsidy\n      values: [1]\n");
        Assert.StartsWith("configs/sweep.yaml:3:12: sweep.parameters[0].key: 'levers.capex_subsidy' is a whole section (mapping (min, max, initial))", ex.Message);
    }

    [Fact]
    public void The_section_cannot_be_overridden_with_set()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFromString("steps: 8\n", File, ["sweep.replicates=3"]));
        Assert.Contains("cannot be changed with --set", ex.Message);
    }
}
