namespace AgentSim.Output;

/// <summary>
/// In-memory columnar rows of one table, filled by the simulation and handed to a writer as one row group.
/// Resolve the typed column accessors once (by name or index) and keep them: they stay valid for the buffer's
/// whole life, including across <see cref="Clear"/> and hand-over to a <see cref="BackgroundTableWriter"/>.
/// Not thread-safe; one filler at a time.
/// </summary>
public sealed class TableBuffer
{
    private readonly ColumnBuffer[] _columns;

    /// <param name="schema">The table layout.</param>
    /// <param name="initialCapacity">Rows to allocate up front per column; growth beyond is automatic.</param>
    public TableBuffer(TableSchema schema, int initialCapacity = 1024)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        Schema = schema;
        _columns = new ColumnBuffer[schema.ColumnCount];
        for (var i = 0; i < _columns.Length; i++)
        {
            var spec = schema.Columns[i];
            _columns[i] = spec.Kind switch
            {
                ColumnKind.Int32 => new ColumnBuffer<int>(spec, initialCapacity),
                ColumnKind.Int64 => new ColumnBuffer<long>(spec, initialCapacity),
                ColumnKind.Double => new ColumnBuffer<double>(spec, initialCapacity),
                ColumnKind.Bool => new ColumnBuffer<bool>(spec, initialCapacity),
                ColumnKind.String => new ColumnBuffer<string>(spec, initialCapacity),
                ColumnKind.Category => new ColumnBuffer<int>(spec, initialCapacity),
                _ => throw new ArgumentOutOfRangeException(nameof(schema), spec.Kind, $"Column '{spec.Name}' has an unknown kind."),
            };
        }
    }

    /// <summary>The table layout this buffer was created from.</summary>
    public TableSchema Schema { get; }

    /// <summary>Columns in schema order.</summary>
    public IReadOnlyList<ColumnBuffer> Columns => _columns;

    /// <summary>
    /// Number of complete rows. Throws <see cref="InvalidOperationException"/> naming the first column whose length
    /// differs, because a ragged buffer means a bug in the code that fills it and must not reach a file.
    /// </summary>
    public int RowCount => ValidateLengths();

    /// <summary>Returns the common column length, or throws <see cref="InvalidOperationException"/> naming the column that differs.</summary>
    public int ValidateLengths()
    {
        var expected = _columns[0].Count;
        for (var i = 1; i < _columns.Length; i++)
        {
            if (_columns[i].Count != expected)
            {
                throw new InvalidOperationException(
                    $"Table '{Schema.TableName}': column '{_columns[i].Name}' has {_columns[i].Count} values " +
                    $"but column '{_columns[0].Name}' has {expected}.");
            }
        }
        return expected;
    }

    /// <summary>
    /// Grows every column to hold at least <paramref name="rows"/> rows, each in one step: a buffer that will take a
    /// million-row snapshot is sized once, not doubled twenty times (each doubling a copy and fresh pages).
    /// </summary>
    public void EnsureCapacity(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        foreach (var column in _columns)
        {
            column.EnsureCapacity(rows);
        }
    }

    /// <summary>Forgets all rows; capacity is kept.</summary>
    public void Clear()
    {
        foreach (var column in _columns)
        {
            column.Clear();
        }
    }

    /// <summary>The int32 column called <paramref name="name"/>. Resolve once, outside the row loop; throws if the column is missing or of another kind.</summary>
    public ColumnBuffer<int> Ints(string name) => Typed<int>(Schema.IndexOf(name), ColumnKind.Int32);

    /// <summary>The int32 column at <paramref name="index"/> in schema order. Resolve once, outside the row loop; throws if out of range or of another kind.</summary>
    public ColumnBuffer<int> Ints(int index) => Typed<int>(index, ColumnKind.Int32);

    /// <summary>The int64 column called <paramref name="name"/>. Resolve once, outside the row loop; throws if the column is missing or of another kind.</summary>
    public ColumnBuffer<long> Longs(string name) => Typed<long>(Schema.IndexOf(name), ColumnKind.Int64);

    /// <summary>The int64 column at <paramref name="index"/> in schema order. Resolve once, outside the row loop; throws if out of range or of another kind.</summary>
    public ColumnBuffer<long> Longs(int index) => Typed<long>(index, ColumnKind.Int64);

    /// <summary>The double column called <paramref name="name"/>. Resolve once, outside the row loop; throws if the column is missing or of another kind.</summary>
    public ColumnBuffer<double> Doubles(string name) => Typed<double>(Schema.IndexOf(name), ColumnKind.Double);

    /// <summary>The double column at <paramref name="index"/> in schema order. Resolve once, outside the row loop; throws if out of range or of another kind.</summary>
    public ColumnBuffer<double> Doubles(int index) => Typed<double>(index, ColumnKind.Double);

    /// <summary>The bool column called <paramref name="name"/>. Resolve once, outside the row loop; throws if the column is missing or of another kind.</summary>
    public ColumnBuffer<bool> Bools(string name) => Typed<bool>(Schema.IndexOf(name), ColumnKind.Bool);

    /// <summary>The bool column at <paramref name="index"/> in schema order. Resolve once, outside the row loop; throws if out of range or of another kind.</summary>
    public ColumnBuffer<bool> Bools(int index) => Typed<bool>(index, ColumnKind.Bool);

    /// <summary>The string column called <paramref name="name"/>. Resolve once, outside the row loop; throws if the column is missing or of another kind.</summary>
    public ColumnBuffer<string> Strings(string name) => Typed<string>(Schema.IndexOf(name), ColumnKind.String);

    /// <summary>The string column at <paramref name="index"/> in schema order. Resolve once, outside the row loop; throws if out of range or of another kind.</summary>
    public ColumnBuffer<string> Strings(int index) => Typed<string>(index, ColumnKind.String);

    /// <summary>The category column called <paramref name="name"/>, as codes (positions in its <see cref="ColumnSpec.Categories"/>). Resolve once, outside the row loop; throws if the column is missing or of another kind.</summary>
    public ColumnBuffer<int> Categories(string name) => Typed<int>(Schema.IndexOf(name), ColumnKind.Category);

    /// <summary>The category column at <paramref name="index"/> in schema order, as codes. Resolve once, outside the row loop; throws if out of range or of another kind.</summary>
    public ColumnBuffer<int> Categories(int index) => Typed<int>(index, ColumnKind.Category);

    /// <summary>Exchanges all column storage with another buffer of the same layout (see <see cref="ColumnBuffer.SwapStorage"/>).</summary>
    internal void SwapStorage(TableBuffer other)
    {
        if (!Schema.HasSameLayout(other.Schema))
        {
            throw new ArgumentException($"Buffer for table '{other.Schema.TableName}' does not match the layout of table '{Schema.TableName}'.", nameof(other));
        }
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i].SwapStorage(other._columns[i]);
        }
    }

    private ColumnBuffer<T> Typed<T>(int index, ColumnKind kind)
    {
        if ((uint)index >= (uint)_columns.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Table '{Schema.TableName}' has {_columns.Length} columns.");
        }
        var column = _columns[index];
        if (column.Spec.Kind != kind)
        {
            throw new InvalidOperationException(
                $"Table '{Schema.TableName}': column '{column.Name}' is {TableSchema.KindName(column.Spec.Kind)}, not {TableSchema.KindName(kind)}.");
        }
        return (ColumnBuffer<T>)column;
    }
}
