using System.Globalization;
using System.Text;

namespace AgentSim.Analysis.Sweeps;

/// <summary>
/// Splits a sweep over the tasks of an array job: task I of N runs the runs whose index is I modulo N, so every
/// task gets an even share whatever N is, and a missing run is redone by resubmitting the one task that owns it
/// (completed runs of that task are skipped).
/// </summary>
public static class SweepShards
{
    /// <summary>The runs of task <paramref name="index"/> of <paramref name="tasks"/>.</summary>
    public static IReadOnlyList<PlannedRun> Runs(SweepPlan plan, int index, int tasks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tasks, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, tasks);
        return plan.Runs.Where(r => r.Index % tasks == index).ToList();
    }

    /// <summary>The tasks that own <paramref name="runs"/>, ascending and distinct.</summary>
    public static IReadOnlyList<int> TasksOf(IEnumerable<PlannedRun> runs, int tasks) =>
        runs.Select(r => r.Index % tasks).Distinct().Order().ToList();

    /// <summary>Slurm's --array syntax for a set of task ids, with runs of consecutive ids as ranges: "0-3,7,9-11".</summary>
    public static string ArraySpec(IReadOnlyList<int> tasks)
    {
        var text = new StringBuilder();
        for (var i = 0; i < tasks.Count;)
        {
            var j = i;
            while (j + 1 < tasks.Count && tasks[j + 1] == tasks[j] + 1)
                j++;
            if (text.Length > 0)
                text.Append(',');
            text.Append(tasks[i].ToString(CultureInfo.InvariantCulture));
            if (j > i)
                text.Append('-').Append(tasks[j].ToString(CultureInfo.InvariantCulture));
            i = j + 1;
        }
        return text.ToString();
    }
}
