using System.Text;

namespace AgentSim.Output;

/// <summary>The value types a table column can hold. Deliberately small: every reader (DuckDB, pandas, R, Arrow) maps these without surprises.</summary>
public enum ColumnKind
{
    Int32,
    Int64,
    Double,
    Bool,
    String,

    /// <summary>
    /// A string from a fixed list (<see cref="ColumnSpec.Categories"/>), held in memory as its int32 position in the list
    /// and written as a dictionary-encoded UTF-8 string column: readers see plain strings, the writer copies small codes.
    /// </summary>
    Category,
}

/// <summary>
/// One column of an output table. <paramref name="Unit"/> and <paramref name="Meaning"/> are not stored in the
/// Parquet file; they exist so the documentation of outputs is generated from the same declaration the writer uses.
/// </summary>
public sealed record ColumnSpec(string Name, ColumnKind Kind, string Unit, string Meaning)
{
    /// <summary>The strings a <see cref="ColumnKind.Category"/> column's codes stand for (code i is <c>Categories[i]</c>); empty for other kinds.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];
}

/// <summary>
/// The shape of one output table. Column order is the order in the file. Names must be non-empty and unique
/// (checked here, so a typo fails at start-up rather than producing a file readers reject). Immutable: the column
/// list is copied, so a schema shared between a buffer and a writer cannot change underneath either.
/// </summary>
public sealed class TableSchema
{
    private readonly Dictionary<string, int> _indexByName;

    public TableSchema(string tableName, IReadOnlyList<ColumnSpec> columns)
    {
        _indexByName = BuildIndex(tableName, columns);
        var copy = new ColumnSpec[columns.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = columns[i];
        }
        TableName = tableName;
        Columns = copy;
    }

    /// <summary>Table name, used for file names, manifests and documentation headings.</summary>
    public string TableName { get; }

    /// <summary>Columns in file order.</summary>
    public IReadOnlyList<ColumnSpec> Columns { get; }

    /// <summary>Number of columns.</summary>
    public int ColumnCount => Columns.Count;

    /// <summary>Position of the column called <paramref name="name"/>; throws <see cref="ArgumentException"/> naming the table if absent.</summary>
    public int IndexOf(string name)
    {
        if (_indexByName.TryGetValue(name, out var index))
        {
            return index;
        }
        throw new ArgumentException($"Table '{TableName}' has no column '{name}'.", nameof(name));
    }

    /// <summary>True when both schemas have the same column names and kinds in the same order, and the same categories (units and meanings are documentation only).</summary>
    public bool HasSameLayout(TableSchema other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (other.Columns.Count != Columns.Count)
        {
            return false;
        }
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name != other.Columns[i].Name || Columns[i].Kind != other.Columns[i].Kind)
            {
                return false;
            }
            if (Columns[i].Kind == ColumnKind.Category && !Columns[i].Categories.SequenceEqual(other.Columns[i].Categories, StringComparer.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A Markdown table (column | type | unit | meaning) for docs/outputs.md. Only the table is produced so the caller
    /// decides the heading level and surrounding prose. Pipes and line breaks in text are escaped so the table stays intact.
    /// </summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("| column | type | unit | meaning |\n");
        sb.Append("|---|---|---|---|\n");
        foreach (var column in Columns)
        {
            sb.Append("| `").Append(column.Name).Append("` | ")
                .Append(KindName(column.Kind)).Append(" | ")
                .Append(EscapeCell(column.Unit)).Append(" | ")
                .Append(EscapeCell(column.Meaning)).Append(" |\n");
        }
        return sb.ToString();
    }

    /// <summary>The Parquet-facing type name shown in documentation (a category column is a string column in the file).</summary>
    public static string KindName(ColumnKind kind) => kind switch
    {
        ColumnKind.Int32 => "int32",
        ColumnKind.Int64 => "int64",
        ColumnKind.Double => "double",
        ColumnKind.Bool => "bool",
        ColumnKind.String => "string",
        ColumnKind.Category => "string",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown column kind."),
    };

    private static string EscapeCell(string text) =>
        text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ');

    private static Dictionary<string, int> BuildIndex(string tableName, IReadOnlyList<ColumnSpec> columns)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
        {
            throw new ArgumentException($"Table '{tableName}' must have at least one column.", nameof(columns));
        }
        var index = new Dictionary<string, int>(columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i] ?? throw new ArgumentException($"Table '{tableName}' column {i} is null.", nameof(columns));
            if (string.IsNullOrWhiteSpace(column.Name))
            {
                throw new ArgumentException($"Table '{tableName}' column {i} has an empty name.", nameof(columns));
            }
            if (!Enum.IsDefined(column.Kind))
            {
                throw new ArgumentException($"Table '{tableName}' column '{column.Name}' has unknown kind {column.Kind}.", nameof(columns));
            }
            if (!index.TryAdd(column.Name, i))
            {
                throw new ArgumentException($"Table '{tableName}' has two columns named '{column.Name}'.", nameof(columns));
            }
        }
        return index;
    }
}
