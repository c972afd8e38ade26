using ScottPlot;

namespace AgentSim.Report;

/// <summary>A rendered chart: a PNG with the title and caption the HTML shows beside it.</summary>
public sealed record Chart(string Id, string Title, string Caption, byte[] Png, int Width, int Height)
{
    public string FileName => Id + ".png";
}

/// <summary>Plot styling and small helpers shared by the report's charts (ScottPlot 5, rendered headless through SkiaSharp).</summary>
internal static class ChartKit
{
    public const int Width = 1100;
    public const int Height = 560;

    /// <summary>Replicates needed before a chart draws the 95% band of a mean.</summary>
    public const int MinBandReplicates = 3;

    private static readonly ScottPlot.Palettes.Category10 Palette = new();
    private static readonly Lazy<string?> SansFont = new(() =>
    {
        foreach (var name in new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica" })
            if (SkiaSharp.SKFontManager.Default.MatchFamily(name) is { } typeface && typeface.FamilyName == name) return name;
        return null;
    });

    public static Color ColorAt(int i) => Palette.GetColor(i % Palette.Colors.Length);

    /// <summary>A plot with the report's fonts; <paramref name="quarters"/> puts ticks on whole quarters only.</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel, bool quarters = true)
    {
        var plot = new Plot();
        if (quarters) plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (SansFont.Value is { } font) plot.Font.Set(font);
        plot.Title(title, 16);
        plot.XLabel(xLabel, 13);
        plot.YLabel(yLabel, 13);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        plot.Legend.FontSize = 11;
        return plot;
    }

    /// <summary>A line through the finite points of (x, y); NaN points are left out rather than drawn.</summary>
    public static ScottPlot.Plottables.Scatter? Line(Plot plot, double[] x, double[] y, Color color, string? legend, LinePattern pattern = default, float width = 2)
    {
        var (xs, ys) = Finite(x, y);
        if (xs.Length == 0) return null;
        var line = plot.Add.ScatterLine(xs, ys, color);
        line.LineWidth = width;
        line.LinePattern = pattern;
        line.MarkerSize = 0;
        if (legend is not null) line.LegendText = legend;
        return line;
    }

    /// <summary>A shaded band between low and high (the 95% interval across replicates), where both are finite.</summary>
    public static void BandFill(Plot plot, double[] x, double[] low, double[] high, Color color)
    {
        var idx = Enumerable.Range(0, Math.Min(x.Length, Math.Min(low.Length, high.Length)))
            .Where(i => double.IsFinite(low[i]) && double.IsFinite(high[i]) && double.IsFinite(x[i])).ToArray();
        if (idx.Length < 2) return;
        var fill = plot.Add.FillY(idx.Select(i => x[i]).ToArray(), idx.Select(i => low[i]).ToArray(), idx.Select(i => high[i]).ToArray());
        fill.FillColor = color.WithAlpha(0.18);
        fill.LineWidth = 0;
    }

    /// <summary>
    /// Line for the mean and, with three or more replicates, the band of its 95% interval (with two, t(0.975, 1) = 12.7
    /// makes the band so wide it hides the lines; the headline table still gives the interval).
    /// </summary>
    public static void BandLine(Plot plot, double[] x, Band band, Color color, string? legend, double scale = 1, LinePattern pattern = default)
    {
        double[] S(double[] v) => v.Select(a => a * scale).ToArray();
        if (band.Replicates >= MinBandReplicates) BandFill(plot, x, S(band.Low), S(band.High), color);
        Line(plot, x, S(band.Mean), color, legend, pattern);
    }

    public static (double[] X, double[] Y) Finite(double[] x, double[] y)
    {
        var idx = Enumerable.Range(0, Math.Min(x.Length, y.Length)).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).ToArray();
        return (idx.Select(i => x[i]).ToArray(), idx.Select(i => y[i]).ToArray());
    }

    public static double[] Steps(int count) => Enumerable.Range(0, count).Select(i => (double)i).ToArray();

    public static void Legend(Plot plot, bool outside = false)
    {
        if (!plot.GetPlottables().Any(p => p.LegendItems.Any(i => !string.IsNullOrEmpty(i.LabelText)))) return;
        if (outside) plot.ShowLegend(Edge.Right);
        else plot.ShowLegend(Alignment.UpperRight);
    }

    public static byte[] Png(Plot plot, int width = Width, int height = Height) => plot.GetImageBytes(width, height, ImageFormat.Png);

    /// <summary>Several plots in a grid, rendered as one PNG.</summary>
    public static byte[] Png(IReadOnlyList<Plot> plots, int columns, int width, int height)
    {
        var multiplot = new Multiplot(plots[0]); // the constructor's plot is the first subplot
        foreach (var plot in plots.Skip(1)) multiplot.AddPlot(plot);
        int rows = (plots.Count + columns - 1) / columns;
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        using var image = multiplot.Render(width, height);
        return image.GetImageBytes(ImageFormat.Png, 100);
    }

    public static LinePattern PatternAt(int i) => (i % 4) switch
    {
        0 => LinePattern.Solid,
        1 => LinePattern.Dashed,
        2 => LinePattern.Dotted,
        _ => LinePattern.DenselyDashed,
    };
}
