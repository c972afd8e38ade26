using System.Globalization;
using DuckDB.NET.Data;

namespace AgentSim.Report;

/// <summary>
/// A query result held in memory, column by column: the report's tables are small (a run's provinces table is
/// 31 provinces × steps rows), so everything is read once and computed in C#.
/// </summary>
public sealed class Frame
{
    private readonly Dictionary<string, object?[]> _columns;

    private Frame(List<string> names, Dictionary<string, object?[]> columns, Dictionary<string, Type> types, int rows)
    {
        Names = names;
        _columns = columns;
        Types = types;
        Rows = rows;
    }

    public IReadOnlyList<string> Names { get; }
    public IReadOnlyDictionary<string, Type> Types { get; }
    public int Rows { get; }

    public bool Has(string column) => _columns.ContainsKey(column);

    public object?[] Column(string column) =>
        _columns.TryGetValue(column, out var values) ? values
            : throw new ReportException($"column '{column}' is missing (columns: {string.Join(", ", Names)})");

    public double[] Doubles(string column) => Column(column).Select(ToDouble).ToArray();

    public int[] Ints(string column) => Column(column).Select(v => v is null ? 0 : Convert.ToInt32(v, CultureInfo.InvariantCulture)).ToArray();

    public string[] Strings(string column) => Column(column).Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "").ToArray();

    public bool[] Bools(string column) => Column(column).Select(v => v is bool b ? b : v is not null && Convert.ToBoolean(v, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>True for columns DuckDB returns as numbers (integers, floats, decimals).</summary>
    public bool IsNumeric(string column) =>
        Types.TryGetValue(column, out var t) && (t == typeof(double) || t == typeof(float) || t == typeof(int) || t == typeof(long)
            || t == typeof(short) || t == typeof(sbyte) || t == typeof(byte) || t == typeof(ushort) || t == typeof(uint)
            || t == typeof(ulong) || t == typeof(decimal) || t == typeof(System.Numerics.BigInteger));

    public static double ToDouble(object? value) => value switch
    {
        null => double.NaN,
        double d => d,
        float f => f,
        bool b => b ? 1 : 0,
        System.Numerics.BigInteger big => (double)big,
        string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : double.NaN,
        _ => Convert.ToDouble(value, CultureInfo.InvariantCulture),
    };

    /// <summary>Runs <paramref name="sql"/> on a fresh in-memory DuckDB database and returns every row.</summary>
    public static Frame Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        return Query(connection, sql);
    }

    public static Frame Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        var types = new Dictionary<string, Type>();
        var lists = new List<List<object?>>();
        for (int i = 0; i < reader.FieldCount; i++)
        {
            names.Add(reader.GetName(i));
            types[reader.GetName(i)] = reader.GetFieldType(i);
            lists.Add(new List<object?>());
        }
        int rows = 0;
        while (reader.Read())
        {
            for (int i = 0; i < reader.FieldCount; i++) lists[i].Add(reader.IsDBNull(i) ? null : reader.GetValue(i));
            rows++;
        }
        var columns = new Dictionary<string, object?[]>();
        for (int i = 0; i < names.Count; i++) columns[names[i]] = lists[i].ToArray();
        return new Frame(names, columns, types, rows);
    }

    /// <summary>A path as a DuckDB string literal (forward slashes, quotes doubled).</summary>
    public static string Literal(string path) => "'" + Path.GetFullPath(path).Replace('\\', '/').Replace("'", "''") + "'";
}

/// <summary>A report cannot be made from the given input (not a run, missing tables, too few quarters).</summary>
public sealed class ReportException(string message) : Exception(message);
