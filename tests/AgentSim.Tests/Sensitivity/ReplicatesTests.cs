using AgentSim.Analysis.Sensitivity;
using AgentSim.Cli;
using AgentSim.Tests.Output;
using AgentSim.Tests.Sweeps;

namespace AgentSim.Tests.Sensitivity;

/// <summary><c>agentsim replicates</c>: the precision curve's arithmetic, the stopping rule and the command end to end.</summary>
[Collection(CliCollection.Name)]
public sealed class ReplicatesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_curve_is_the_student_t_half_width_and_the_cv_of_the_first_n_replicates()
    {
        var values = new[] { 1.0, 3.0, 2.0, 2.0 }.Select(v => (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { ["x"] = v, ["zero"] = 0 }).ToList();
        var two = ReplicateCurve.At(values, ["x"], 2).Single();
        // Mean 2, sd sqrt(2), t(1) = 12.706: half-width 12.706 · sqrt(2) / sqrt(2).
        Assert.Equal(2, two.Mean, 12);
        Assert.Equal(Math.Sqrt(2), two.Sd, 12);
        Assert.Equal(12.7062047, two.HalfWidth, 6);
        Assert.Equal(two.HalfWidth / 2, two.RelativeHalfWidth, 12);
        var four = ReplicateCurve.At(values, ["x", "zero"], 4);
        Assert.Equal(Math.Sqrt(2.0 / 3) / 2, four[0].Cv, 12);
        Assert.True(four[0].HalfWidth < two.HalfWidth);
        // A mean of zero can never be within a fraction of itself: the rule does not stop on it.
        Assert.True(double.IsPositiveInfinity(four[1].RelativeHalfWidth));
        Assert.False(ReplicateCurve.IsPreciseEnough(four, 0.5));
        // t(3) · sd / √4 / mean = 3.182 · 0.816 / 2 / 2 = 0.65.
        Assert.Equal(0.6496, four[0].RelativeHalfWidth, 3);
        Assert.True(ReplicateCurve.IsPreciseEnough([four[0]], 0.7));
        Assert.False(ReplicateCurve.IsPreciseEnough([four[0]], 0.6));
    }

    [Fact]
    public void The_command_adds_batches_up_to_the_cap_and_stops_early_when_precise_enough()
    {
        var config = StudyFixtures.Write(_dir.Path, StudyFixtures.Yaml(""));
        var capped = _dir.File("capped");
        var (code, stdout, stderr) = SweepFixtures.Cli("replicates", config, "--out", capped, "--batch", "2", "--max", "4", "--precision", "0.000001");
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        Assert.Contains("N = 2:", stdout);
        Assert.Contains("N = 4:", stdout);
        Assert.Contains("after 4 replicates (the cap)", stdout);
        Assert.True(File.Exists(Path.Combine(capped, "replicates.png")));
        Assert.True(File.Exists(Path.Combine(capped, ReplicateCurve.FileName)));

        // A loose target is met by the first batch; the replicates already run are reused, not run again.
        var (code2, stdout2, _) = SweepFixtures.Cli("replicates", config, "--out", capped, "--batch", "2", "--max", "4", "--precision", "5");
        Assert.Equal(ExitCodes.Success, code2);
        Assert.Contains("N = 2:", stdout2);
        Assert.DoesNotContain("N = 4:", stdout2);
        Assert.Contains("2 replicates put every interval within", stdout2);
    }

    [Fact]
    public void Planned_replicates_run_as_array_tasks_and_collect_to_the_curve()
    {
        var config = StudyFixtures.Write(_dir.Path, StudyFixtures.Yaml(""));
        var dir = _dir.File("planned");
        var (code, stdout, stderr) = SweepFixtures.Cli("replicates", "plan", config, "--out", dir, "--max", "3");
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("sweep slurm", stdout);
        Assert.Equal(ExitCodes.Success, SweepFixtures.Cli("sweep", "run", dir, "--all").Code);
        (code, stdout, stderr) = SweepFixtures.Cli("replicates", "collect", dir);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("N=3", stdout);
        Assert.True(File.Exists(Path.Combine(dir, ReplicateCurve.FileName)));
    }

    [Fact]
    public void An_unknown_indicator_is_an_error_naming_the_nearest()
    {
        var config = StudyFixtures.Write(_dir.Path, StudyFixtures.Yaml(""));
        var (code, _, stderr) = SweepFixtures.Cli("replicates", config, "--out", _dir.File("bad"), "--max", "2", "--indicators", "consumption_share_ned");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("did you mean 'consumption_share_end'", stderr);
    }
}
