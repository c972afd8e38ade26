namespace AgentSim.Output.Tables;

/// <summary>
/// The numeric columns of a table declared together with how each value is read from the model, so a column's name,
/// unit, meaning and extraction are one line and cannot drift apart. <typeparamref name="TContext"/> is what a reader
/// sees (usually the table object, which holds the simulation and any history a column needs); the int argument is
/// the row's entity (province, industry). Readers are delegates created once per table, so filling a row allocates
/// nothing.
/// </summary>
public sealed class Measures<TContext>
{
    private readonly List<ColumnSpec> _specs = new();
    private readonly List<Func<TContext, int, double>> _reads = new();

    /// <summary>Columns in declaration order.</summary>
    public IReadOnlyList<ColumnSpec> Specs => _specs;

    /// <summary>Declares a double column.</summary>
    public Measures<TContext> Add(string name, string unit, string meaning, Func<TContext, int, double> read)
    {
        _specs.Add(new ColumnSpec(name, ColumnKind.Double, unit, meaning));
        _reads.Add(read);
        return this;
    }

    /// <summary>
    /// Declares an int32 column for a count the model keeps in a double (firms, exits): integers are what readers
    /// expect for counts, and the conversion checks that the value really is whole.
    /// </summary>
    public Measures<TContext> AddCount(string name, string unit, string meaning, Func<TContext, int, double> read)
    {
        _specs.Add(new ColumnSpec(name, ColumnKind.Int32, unit, meaning));
        _reads.Add(read);
        return this;
    }

    /// <summary>Resolves the typed column buffers once, for a buffer whose schema contains these columns by name.</summary>
    public MeasureWriter<TContext> Bind(TableBuffer buffer)
    {
        var doubles = new List<(ColumnBuffer<double>, Func<TContext, int, double>)>();
        var counts = new List<(ColumnBuffer<int>, Func<TContext, int, double>)>();
        for (var i = 0; i < _specs.Count; i++)
        {
            if (_specs[i].Kind == ColumnKind.Int32)
            {
                counts.Add((buffer.Ints(_specs[i].Name), _reads[i]));
            }
            else
            {
                doubles.Add((buffer.Doubles(_specs[i].Name), _reads[i]));
            }
        }
        return new MeasureWriter<TContext>(doubles.ToArray(), counts.ToArray());
    }
}

/// <summary>Appends the measures of one row; obtained from <see cref="Measures{TContext}.Bind"/>.</summary>
public sealed class MeasureWriter<TContext>
{
    private readonly (ColumnBuffer<double> Column, Func<TContext, int, double> Read)[] _doubles;
    private readonly (ColumnBuffer<int> Column, Func<TContext, int, double> Read)[] _counts;

    internal MeasureWriter((ColumnBuffer<double>, Func<TContext, int, double>)[] doubles, (ColumnBuffer<int>, Func<TContext, int, double>)[] counts)
    {
        _doubles = doubles;
        _counts = counts;
    }

    /// <summary>Adds one value to every measure column for entity <paramref name="index"/>.</summary>
    public void AppendRow(TContext context, int index)
    {
        foreach (var (column, read) in _doubles)
        {
            column.Add(read(context, index));
        }
        foreach (var (column, read) in _counts)
        {
            column.Add(ToCount(read(context, index), column.Name));
        }
    }

    private static int ToCount(double value, string name)
    {
        if (value >= int.MinValue && value <= int.MaxValue && value == Math.Floor(value))
        {
            return (int)value;
        }
        throw new InvalidOperationException($"Column '{name}' expects a whole count, got {value}.");
    }
}
