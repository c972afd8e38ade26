// Draws the frontier of MODEL.md 9's channel strengths: for each grid point (a `compare` output folder named
// omega<ω>-chi<χ>[-ceiling<c>]), the estimate of S1c, S4b and S4c with its 95% interval and the threshold, and writes
// frontier.csv beside the chart. Usage: dotnet run -- GRID_DIR OUT_PNG
using DuckDB.NET.Data;
using ScottPlot;

string grid = args[0], png = args[1];
var points = Directory.GetDirectories(grid).Where(d => File.Exists(Path.Combine(d, "signature.parquet"))).OrderBy(d => d, StringComparer.Ordinal).ToList();
string[] ids = ["S1b", "S1c", "S2c", "S4b", "S4c"];
var rows = new List<(string Point, string Id, double Mean, double Low, double High, bool Holds)>();
using (var db = new DuckDBConnection("DataSource=:memory:"))
{
    db.Open();
    foreach (var dir in points)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"SELECT id, mean, ci_low, ci_high, holds FROM read_parquet('{Path.Combine(dir, "signature.parquet").Replace("'", "''")}')";
        using var r = cmd.ExecuteReader();
        while (r.Read())
            if (ids.Contains(r.GetString(0)))
                rows.Add((Path.GetFileName(dir), r.GetString(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3), r.GetBoolean(4)));
    }
}
File.WriteAllLines(Path.ChangeExtension(png, ".csv"),
    ["point,criterion,mean,ci_low,ci_high,holds", .. rows.Select(x => $"{x.Point},{x.Id},{x.Mean:R},{x.Low:R},{x.High:R},{x.Holds}")]);

// One panel per criterion; the threshold each must pass is a dotted line.
var panels = new (string Id, string Title, double Threshold)[]
{
    ("S1c", "S1c: household-income minus baseline strategic utilisation (must be ≥ +0.05)", 0.05),
    ("S4b", "S4b: pilots' capex-subsidy DiD (interval must be below 0)", 0),
    ("S4c", "S4c: pilots' bailout-propensity DiD (interval must be below 0)", 0),
};
var labels = points.Select(p => Path.GetFileName(p).Replace("omega", "ω ").Replace("-chi", "\nχ ").Replace("-ceiling", "\nLDR ")).ToArray();
var plots = new List<Plot>();
foreach (var (id, title, threshold) in panels)
{
    var plot = new Plot();
    var sel = rows.Where(x => x.Id == id).ToList();
    double[] xs = sel.Select(x => (double)Array.IndexOf(points.Select(Path.GetFileName).ToArray(), x.Point)).ToArray();
    double[] ys = sel.Select(x => x.Mean).ToArray();
    // Intervals as vertical segments (they need not be symmetric).
    foreach (var x in sel)
    {
        double at = Array.IndexOf(points.Select(Path.GetFileName).ToArray(), x.Point);
        var segment = plot.Add.Line(at, x.Low, at, x.High);
        segment.Color = Colors.Black;
        segment.LineWidth = 1.5f;
    }
    var marks = plot.Add.ScatterPoints(xs, ys);
    marks.Color = new Color(0, 114, 178);
    marks.MarkerSize = 7;
    plot.Add.HorizontalLine(threshold, 1, Colors.Gray, LinePattern.Dotted);
    plot.Title(title, 12);
    plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
        Enumerable.Range(0, labels.Length).Select(i => (double)i).ToArray(), labels);
    plot.Axes.Bottom.MinimumSize = 60;
    plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
    plot.Axes.SetLimitsX(-0.5, labels.Length - 0.5);
    plot.YLabel(id == "S1c" ? "utilisation (fraction)" : "lever change", 12);
    plots.Add(plot);
}
var multiplot = new Multiplot(plots[0]);
foreach (var p in plots.Skip(1)) multiplot.AddPlot(p);
multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(plots.Count, 1);
multiplot.SavePng(png, Math.Max(1000, 80 * points.Count), 330 * plots.Count);
Console.WriteLine($"{png}: {points.Count} points; {Path.ChangeExtension(png, ".csv")}");
