using System.Globalization;
using ScottPlot;

namespace AgentSim.Report;

/// <summary>
/// Charts of the study commands: sensitivity indices as bars with their 95% intervals, one panel per output
/// (from <c>sensitivity.parquet</c>), and the precision curve of <c>agentsim replicates</c>.
/// </summary>
public static class StudyCharts
{
    public const string SensitivityFile = "sensitivity.parquet";

    /// <summary>The sensitivity chart of a study directory, or null when it has no sensitivity.parquet.</summary>
    public static Chart? Sensitivity(string directory)
    {
        var path = Path.Combine(directory, SensitivityFile);
        if (!File.Exists(path))
            return null;
        var frame = Frame.Query($"SELECT parameter, output, method, \"index\", estimate, ci_low, ci_high FROM read_parquet({Frame.Literal(path)}, file_row_number = true) ORDER BY file_row_number");
        var (parameter, output, method, index) = (frame.Strings("parameter"), frame.Strings("output"), frame.Strings("method"), frame.Strings("index"));
        var (estimate, low, high) = (frame.Doubles("estimate"), frame.Doubles("ci_low"), frame.Doubles("ci_high"));
        var rows = Enumerable.Range(0, frame.Rows)
            .Select(i => (Parameter: parameter[i], Output: output[i], Method: method[i], Index: index[i], Estimate: estimate[i], Low: low[i], High: high[i]))
            .ToList();
        if (rows.Count == 0)
            return null;
        var sobol = rows[0].Method == "sobol";
        string[] indices = sobol ? ["S1", "ST"] : ["mu_star", "sigma"];
        var plots = new List<Plot>();
        foreach (var name in rows.Select(r => r.Output).Distinct())
        {
            var parameters = rows.Where(r => r.Output == name).Select(r => r.Parameter).Distinct().ToList();
            var plot = ChartKit.NewPlot(name, "", sobol ? "share of variance" : "effect over the range", quarters: false);
            for (var k = 0; k < indices.Length; k++)
            {
                var bars = new List<Bar>();
                for (var p = 0; p < parameters.Count; p++)
                {
                    var row = rows.First(r => r.Output == name && r.Parameter == parameters[p] && r.Index == indices[k]);
                    var x = p + (k - 0.5 * (indices.Length - 1)) * 0.35;
                    bars.Add(new Bar { Position = x, Value = row.Estimate, FillColor = ChartKit.ColorAt(k), Size = 0.33 });
                    // Asymmetric bootstrap interval: a whisker from ci_low to ci_high.
                    var whisker = plot.Add.Line(x, row.Low, x, row.High);
                    whisker.Color = Colors.Black;
                    whisker.LineWidth = 1.5f;
                }
                plot.Add.Bars(bars);
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = indices[k], FillColor = ChartKit.ColorAt(k) });
            }
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                parameters.Select((_, i) => (double)i).ToArray(), parameters.ToArray());
            // Parameter names are long: slanted, with room below the axis so they are not cut off.
            plot.Axes.Bottom.TickLabelStyle.Rotation = -25;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperRight;
            plot.Axes.Bottom.MinimumSize = 110;
            plot.Legend.IsVisible = true;
            plots.Add(plot);
        }
        var columns = Math.Min(2, plots.Count);
        var rowsOfPlots = (plots.Count + columns - 1) / columns;
        int width = 1500, height = Math.Max(460, 440 * rowsOfPlots);
        return new Chart("sensitivity", sobol ? "Sobol indices by output" : "Morris elementary effects by output",
            (sobol
                ? "Each panel is one output of the study. Bars: first-order (S1, the share of the output's variance a parameter explains alone) and total-order (ST, alone and through interactions) Sobol indices; whiskers: bootstrap 95% intervals. ST well above S1 means interactions."
                : "Each panel is one output. Bars: mu* (mean absolute elementary effect over the parameter's range: importance) and sigma (their spread: non-linearity or interactions); whiskers: bootstrap 95% intervals.")
            + " Table: sensitivity.parquet (docs/sensitivity.md).",
            ChartKit.Render(plots, columns, width, height), width, height);
    }

    /// <summary>The precision curve of <c>agentsim replicates</c>: relative half-width and CV against N, one line per indicator.</summary>
    public static byte[] Replicates(IReadOnlyList<(string Indicator, int Replicates, double RelativeHalfWidth, double Cv)> curve, double precision)
    {
        var width = ChartKit.NewPlot("95% interval half-width / |mean|", "replicates N", "relative half-width", quarters: false);
        var cv = ChartKit.NewPlot("Coefficient of variation", "replicates N", "CV", quarters: false);
        var i = 0;
        foreach (var group in curve.GroupBy(p => p.Indicator))
        {
            var x = group.Select(p => (double)p.Replicates).ToArray();
            // Indicators with a mean near zero have huge relative widths; capped so the others stay readable.
            ChartKit.Line(width, x, group.Select(p => Math.Min(p.RelativeHalfWidth, 2)).ToArray(), ChartKit.ColorAt(i), group.Key);
            ChartKit.Line(cv, x, group.Select(p => Math.Min(p.Cv, 5)).ToArray(), ChartKit.ColorAt(i), group.Key);
            i++;
        }
        var target = width.Add.HorizontalLine(precision);
        target.LinePattern = LinePattern.Dashed;
        target.Color = Colors.Gray;
        ChartKit.Legend(width);
        return ChartKit.Render([width, cv], 2, 1400, 520).Png;
    }
}
