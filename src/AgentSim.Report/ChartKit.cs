using ScottPlot;

namespace AgentSim.Report;

/// <summary>A figure rendered twice: PNG for the page, SVG (vector, same layout) for papers.</summary>
public sealed record Figure(byte[] Png, byte[] Svg);

/// <summary>A rendered chart: a PNG and an SVG with the title and caption the HTML shows beside it.</summary>
public sealed record Chart(string Id, string Title, string Caption, Figure Image, int Width, int Height)
{
    public byte[] Png => Image.Png;
    public byte[] Svg => Image.Svg;
    public string FileName => Id + ".png";
    public string SvgFileName => Id + ".svg";
}

/// <summary>Plot styling and small helpers shared by the report's charts (ScottPlot 5, rendered headless through SkiaSharp).</summary>
internal static class ChartKit
{
    public const int Width = 1100;
    public const int Height = 560;

    /// <summary>Replicates needed before a chart draws the 95% band of a mean.</summary>
    public const int MinBandReplicates = 3;

    /// <summary>
    /// Okabe and Ito's colour-blind-safe qualitative palette (blue, vermillion, bluish green, reddish purple, orange,
    /// sky blue, black, yellow), yellow last: it is the hardest to see on white.
    /// </summary>
    private static readonly Color[] Palette =
        new[] { "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442" }
        .Select(Color.FromHex).ToArray();
    private static readonly Lazy<string?> SansFont = new(() =>
    {
        foreach (var name in new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica" })
            if (SkiaSharp.SKFontManager.Default.MatchFamily(name) is { } typeface && typeface.FamilyName == name) return name;
        return null;
    });

    public static Color ColorAt(int i) => Palette[i % Palette.Length];

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

    /// <summary>
    /// The legend, outside the plotting area (right of it, or below it for a panel of a grid, where the right edge
    /// would squeeze the data), so it never hides a line.
    /// </summary>
    public static void Legend(Plot plot, bool below = false)
    {
        if (!plot.GetPlottables().Any(p => p.LegendItems.Any(i => !string.IsNullOrEmpty(i.LabelText)))) return;
        plot.ShowLegend(below ? Edge.Bottom : Edge.Right);
    }

    public static Figure Render(Plot plot, int width = Width, int height = Height) =>
        new(plot.GetImageBytes(width, height, ImageFormat.Png), Svg(canvas => plot.Render(canvas, new PixelRect(0, width, height, 0)), width, height));

    /// <summary>Several plots in a grid, rendered as one figure.</summary>
    public static Figure Render(IReadOnlyList<Plot> plots, int columns, int width, int height)
    {
        var multiplot = new Multiplot(plots[0]); // the constructor's plot is the first subplot
        foreach (var plot in plots.Skip(1)) multiplot.AddPlot(plot);
        int rows = (plots.Count + columns - 1) / columns;
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        byte[] png;
        using (var image = multiplot.Render(width, height)) png = image.GetImageBytes(ImageFormat.Png, 100);
        return new Figure(png, Svg(canvas => multiplot.Render(canvas, new PixelRect(0, width, height, 0)), width, height));
    }

    /// <summary>Draws onto SkiaSharp's SVG canvas: the same drawing calls as the PNG, so the two show the same figure.</summary>
    private static byte[] Svg(Action<SkiaSharp.SKCanvas> draw, int width, int height)
    {
        using var stream = new SkiaSharp.SKDynamicMemoryWStream();
        using (var canvas = SkiaSharp.SKSvgCanvas.Create(new SkiaSharp.SKRect(0, 0, width, height), stream))
        {
            canvas.Clear(SkiaSharp.SKColors.White);
            draw(canvas);
        }
        using var data = stream.DetachAsData();
        return data.ToArray();
    }

    /// <summary>
    /// One series per group in a single plot for up to <see cref="MaxOverlaid"/> groups; beyond that, small multiples:
    /// a panel per group (at most <see cref="MaxSmallMultiples"/>) on a common y range, each with the group's name as title.
    /// </summary>
    public static (Figure Figure, int Width, int Height, int Shown) SeriesOrPanels<TGroup>(IReadOnlyList<TGroup> groups, Func<TGroup, string> name,
        string title, string xLabel, string yLabel, Action<Plot, TGroup, int, bool> draw, Action<Plot>? decorate = null)
    {
        if (groups.Count <= MaxOverlaid)
        {
            var plot = NewPlot(title, xLabel, yLabel);
            for (int g = 0; g < groups.Count; g++) draw(plot, groups[g], g, groups.Count > 1);
            decorate?.Invoke(plot);
            Legend(plot);
            return (Render(plot), Width, Height, groups.Count);
        }
        var shown = groups.Take(MaxSmallMultiples).ToList();
        var plots = new List<Plot>();
        for (int g = 0; g < shown.Count; g++)
        {
            var panel = NewPlot(name(shown[g]), xLabel, yLabel);
            panel.Axes.Title.Label.FontSize = 13;
            draw(panel, shown[g], 0, false);
            decorate?.Invoke(panel);
            // Every panel gets its legend (below it): panels then share one plotting-area size, and a legend never sits on the data.
            Legend(panel, below: true);
            plots.Add(panel);
        }
        // A common y range, so panels compare by eye.
        var limits = plots.Select(p => { p.Axes.AutoScale(); return p.Axes.GetLimits(); }).ToList();
        double bottom = limits.Min(l => l.Bottom), top = limits.Max(l => l.Top);
        foreach (var p in plots) p.Axes.SetLimitsY(bottom, top);
        int columns = 3, rows = (plots.Count + columns - 1) / columns;
        int width = 1500, height = 360 * rows;
        return (Render(plots, columns, width, height), width, height, shown.Count);
    }

    /// <summary>Groups overlaid in one plot, at most; more become small multiples.</summary>
    public const int MaxOverlaid = 6;

    /// <summary>Small-multiple panels, at most (the caption says when groups are left out).</summary>
    public const int MaxSmallMultiples = 12;

    public static LinePattern PatternAt(int i) => (i % 4) switch
    {
        0 => LinePattern.Solid,
        1 => LinePattern.Dashed,
        2 => LinePattern.Dotted,
        _ => LinePattern.DenselyDashed,
    };
}
