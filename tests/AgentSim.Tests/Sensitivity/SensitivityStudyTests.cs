using AgentSim.Analysis.Sensitivity;
using AgentSim.Cli;
using AgentSim.Config;
using AgentSim.Tests.Output;
using AgentSim.Tests.Sweeps;
using DuckDB.NET.Data;

namespace AgentSim.Tests.Sensitivity;

/// <summary>
/// <c>agentsim sensitivity</c>: the design planned as a sweep (arms, paired outputs, run ids), bad specs reported at
/// their line with the nearest valid name, and a tiny study end to end with resume and thread-count invariance.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class SensitivityStudyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (SensitivityStudy Study, AgentSim.Analysis.Sweeps.SweepPlan Plan) Plan(string yaml)
    {
        var path = StudyFixtures.Write(_dir.Path, yaml);
        return SensitivityPlanner.Plan(ConfigLoader.Load(path), path, []);
    }

    [Fact]
    public void A_Sobol_design_runs_every_row_under_every_arm_and_replicate()
    {
        var (study, plan) = Plan(StudyFixtures.Sobol(samples: 3, replicates: 2));
        // N (k + 2) rows = 3 × 4, each in two arms, twice.
        Assert.Equal(12, study.RowPoints.Count);
        Assert.Equal(24, plan.Points);
        Assert.Equal(48, plan.Runs.Count);
        Assert.Equal(["households.base_propensity", "officials.imitation_rate", "arm"], plan.Columns.Select(c => c.Key));
        // The arm column applies the arm's overrides; the paired point of a row is the next one.
        var row = study.RowPoints[5];
        var baseRun = plan.Runs.First(r => r.Point == row);
        var hiRun = plan.Runs.First(r => r.Point == row + 1);
        Assert.Equal(baseRun.Values.Take(2), hiRun.Values.Take(2));
        Assert.Contains("incentives.default_rule=household_income", plan.Assignments(hiRun));
        Assert.DoesNotContain(plan.Assignments(baseRun), a => a.StartsWith("incentives.", StringComparison.Ordinal));
        // Common random numbers: replicate r has the same seed at every point and arm.
        Assert.Single(plan.Runs.Where(r => r.Replicate == 1).Select(r => r.Seed).Distinct());
        Assert.Equal(["consumption_share_end:hi-base", "utilisation_start:base"], study.Outputs.Select(o => o.Name));
        // Values stay inside their ranges; the triangular one is drawn around its mode.
        var imitation = plan.Runs.Select(r => double.Parse(r.Values[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.All(imitation, v => Assert.InRange(v, 0.1, 0.5));
        // The same spec gives the same run ids (resume); another design seed does not.
        Assert.Equal(plan.Runs.Select(r => r.RunId), Plan(StudyFixtures.Sobol(samples: 3, replicates: 2)).Plan.Runs.Select(r => r.RunId));
        Assert.NotEqual(plan.Runs.Select(r => r.RunId),
            Plan(StudyFixtures.Sobol(samples: 3, replicates: 2).Replace("bootstrap: 50", "bootstrap: 50\n  seed: 2")).Plan.Runs.Select(r => r.RunId));
    }

    [Fact]
    public void A_Morris_design_runs_each_trajectory_point_once()
    {
        var yaml = StudyFixtures.Sobol(samples: 5).Replace("method: sobol", "method: morris\n  levels: 4");
        var (study, plan) = Plan(yaml);
        // r trajectories of k + 1 points; points that trajectories share are run once.
        Assert.Equal(5 * 3, study.RowPoints.Count);
        Assert.True(plan.Points <= 2 * 15);
        Assert.Equal(plan.Points / 2, study.RowPoints.Distinct().Count());
        // Each step of a trajectory moves exactly one parameter.
        var values = study.RowPoints.Select(p => plan.Runs.First(r => r.Point == p).Values.Take(2).ToArray()).ToList();
        for (var t = 0; t < 5; t++)
            for (var s = 0; s < 2; s++)
                Assert.Equal(1, values[t * 3 + s].Zip(values[t * 3 + s + 1]).Count(x => x.First != x.Second));
    }

    [Theory]
    [InlineData("- key: households.base_propensity", "- key: households.base_propensty", "sensitivity.parameters[0].key", "unknown config key", "households.base_propensity")]
    [InlineData("- indicator: utilisation_start", "- indicator: utilisation_strat", "sensitivity.outputs[1].indicator", "unknown indicator", "utilisation_start")]
    [InlineData("minus: base", "minus: bsae", "sensitivity.outputs[0].minus", "unknown arm", "base")]
    [InlineData("samples: 2", "sampels: 2", "sensitivity.sampels", "unknown key", "samples")]
    [InlineData("method: sobol", "method: sobel", "sensitivity.method", "sobol", null)]
    [InlineData("max: 0.72", "max: 0.5", "sensitivity.parameters[0].max", "must be greater than min", null)]
    [InlineData("mode: 0.3", "mode: 0.9", "sensitivity.parameters[1].mode", "between min and max", null)]
    [InlineData("[incentives.default_rule=household_income]", "[incentives.default_rule=household]", "sensitivity.arms[1].set[0]", "default_rule", null)]
    public void A_bad_spec_is_reported_at_its_line_with_the_nearest_valid_name(string good, string bad, string keyPath, string problem, string? suggestion)
    {
        var yaml = StudyFixtures.Sobol();
        Assert.Contains(good, yaml);
        var path = StudyFixtures.Write(_dir.Path, yaml.Replace(good, bad));
        var ex = Assert.Throws<ConfigException>(() => SensitivityPlanner.Plan(ConfigLoader.Load(path), path, []));
        Assert.Equal(keyPath, ex.KeyPath);
        Assert.Contains(problem, ex.Message);
        Assert.NotNull(ex.Line);
        var line = File.ReadAllLines(path)[ex.Line!.Value - 1];
        Assert.Contains(bad.Split(':')[0].Trim('-', ' ', '['), line);
        if (suggestion is not null)
            Assert.Equal(suggestion, ex.Suggestion);
    }

    [Fact]
    public void The_command_writes_indices_resumes_and_does_not_depend_on_the_number_of_runs_at_once()
    {
        var spec = StudyFixtures.Write(_dir.Path, StudyFixtures.Sobol(samples: 2));
        var first = _dir.File("study-a");
        var (code, stdout, stderr) = SweepFixtures.Cli("sensitivity", spec, "--out", first, "--parallel", "2");
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        Assert.Contains("8 design points", stdout);
        Assert.Contains("= 16 runs", stdout);
        var indices = Read(Path.Combine(first, SensitivityStudy.ResultFile));
        // Two parameters × two outputs × (S1, ST).
        Assert.Equal(8, indices.Count);
        Assert.All(indices, r => Assert.True(r.Low <= r.High));
        Assert.Equal(["S1", "ST"], indices.Select(r => r.Index).Distinct().Order());

        // Rerunning resumes: nothing is run again and the indices are the same.
        (code, stdout, _) = SweepFixtures.Cli("sensitivity", spec, "--out", first);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("16 of 16 runs already complete", stdout);
        Assert.Equal(indices, Read(Path.Combine(first, SensitivityStudy.ResultFile)));

        // One run at a time gives bit-identical indices.
        var second = _dir.File("study-b");
        (code, _, stderr) = SweepFixtures.Cli("sensitivity", spec, "--out", second, "--parallel", "1");
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Equal(indices, Read(Path.Combine(second, SensitivityStudy.ResultFile)));

        // collect alone recomputes them from the runs.
        (code, _, _) = SweepFixtures.Cli("sensitivity", "collect", second);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(indices, Read(Path.Combine(second, SensitivityStudy.ResultFile)));

        // The report draws them, one panel per output.
        (code, _, stderr) = SweepFixtures.Cli("report", second);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.True(File.Exists(Path.Combine(second, "report", "sensitivity.png")));
    }

    [Fact]
    public void A_planned_study_runs_as_array_tasks_and_collects_to_the_same_indices()
    {
        var spec = StudyFixtures.Write(_dir.Path, StudyFixtures.Sobol(samples: 2));
        var local = _dir.File("local");
        Assert.Equal(ExitCodes.Success, SweepFixtures.Cli("sensitivity", spec, "--out", local).Code);
        var planned = _dir.File("planned");
        Assert.Equal(ExitCodes.Success, SweepFixtures.Cli("sensitivity", "plan", spec, "--out", planned).Code);
        // Two array tasks, as 'sweep slurm' would start them; each applies the arms' overrides from the plan alone.
        foreach (var task in new[] { "0", "1" })
        {
            var (code, _, stderr) = SweepFixtures.Cli("sweep", "run", planned, "--task-index", task, "--tasks", "2");
            Assert.True(code == ExitCodes.Success, stderr);
        }
        Assert.Equal(ExitCodes.Success, SweepFixtures.Cli("sensitivity", "collect", planned).Code);
        Assert.Equal(Read(Path.Combine(local, SensitivityStudy.ResultFile)), Read(Path.Combine(planned, SensitivityStudy.ResultFile)));
    }

    [Fact]
    public void Collect_refuses_a_study_with_runs_missing()
    {
        var spec = StudyFixtures.Write(_dir.Path, StudyFixtures.Sobol(samples: 2));
        var dir = _dir.File("planned");
        var (code, stdout, stderr) = SweepFixtures.Cli("sensitivity", "plan", spec, "--out", dir);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("sweep slurm", stdout);
        (code, stdout, _) = SweepFixtures.Cli("sensitivity", "collect", dir);
        Assert.Equal(ExitCodes.Incomplete, code);
        Assert.Contains("0 of 16 runs complete", stdout);
        Assert.False(File.Exists(Path.Combine(dir, SensitivityStudy.ResultFile)));
    }

    private static List<(string Parameter, string Output, string Index, double Estimate, double Low, double High)> Read(string path)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT parameter, output, \"index\", estimate, ci_low, ci_high FROM read_parquet('{path}') ORDER BY ALL";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, string, double, double, double)>();
        while (reader.Read())
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5)));
        return rows;
    }
}
