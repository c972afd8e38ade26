using DuckDB.NET.Data;
using ParquetSharp;

namespace AgentSim.Tests.Output;

/// <summary>
/// Reads a Parquet file back with two independent implementations (Apache Arrow's C++ reader via ParquetSharp, and
/// DuckDB) into the same shape: column name to values, in file order, boxed. Tests compare both to what was written,
/// so a file one ecosystem accepts and another rejects or misreads cannot pass.
/// Values come back as the natural CLR type: int, long, double, bool, string (null for a Parquet null), so
/// <c>Assert.Equal(expected, actual)</c> on boxed values works, and NaN equals NaN through <see cref="double.Equals(double)"/>.
/// The dictionary is filled in file column order and never has keys removed, so enumerating it gives that order.
/// </summary>
public static class ParquetReadBack
{
    /// <summary>All columns of all row groups via ParquetSharp.</summary>
    public static Dictionary<string, object?[]> ReadWithParquetSharp(string path)
    {
        using var file = new ParquetFileReader(path);
        var schema = file.FileMetaData.Schema;
        var columnCount = schema.NumColumns;
        var parts = new List<object?[]>[columnCount];
        for (var c = 0; c < columnCount; c++)
        {
            parts[c] = new List<object?[]>();
        }
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var rowGroup = file.RowGroup(g);
            var rows = checked((int)rowGroup.MetaData.NumRows);
            for (var c = 0; c < columnCount; c++)
            {
                using var column = rowGroup.Column(c);
                using var reader = column.LogicalReader();
                parts[c].Add(reader.Apply(new BoxingVisitor(rows)));
            }
        }
        var result = new Dictionary<string, object?[]>(columnCount);
        for (var c = 0; c < columnCount; c++)
        {
            result.Add(schema.Column(c).Name, parts[c].SelectMany(p => p).ToArray());
        }
        file.Close();
        return result;
    }

    /// <summary>Row counts of each row group, via ParquetSharp; lets tests check row-group boundaries.</summary>
    public static long[] RowGroupSizes(string path)
    {
        using var file = new ParquetFileReader(path);
        var sizes = new long[file.FileMetaData.NumRowGroups];
        for (var g = 0; g < sizes.Length; g++)
        {
            using var rowGroup = file.RowGroup(g);
            sizes[g] = rowGroup.MetaData.NumRows;
        }
        file.Close();
        return sizes;
    }

    /// <summary>Physical type, logical annotation and repetition of one column, as recorded in the file footer.</summary>
    public sealed record ColumnInfo(string Name, PhysicalType Physical, LogicalTypeEnum Logical, bool Required);

    /// <summary>Column descriptions in file order, via ParquetSharp; lets tests check how columns are typed, not just their values.</summary>
    public static ColumnInfo[] Columns(string path)
    {
        using var file = new ParquetFileReader(path);
        var schema = file.FileMetaData.Schema;
        var result = new ColumnInfo[schema.NumColumns];
        for (var c = 0; c < result.Length; c++)
        {
            var descriptor = schema.Column(c);
            using var logicalType = descriptor.LogicalType;
            result[c] = new ColumnInfo(descriptor.Name, descriptor.PhysicalType, logicalType.Type, descriptor.MaxDefinitionLevel == 0);
        }
        file.Close();
        return result;
    }

    /// <summary>
    /// All columns via DuckDB's <c>read_parquet</c>, in file order. Also returns columns of a zero-row file (empty arrays),
    /// since the column list comes from the result schema, not from the rows.
    /// </summary>
    public static Dictionary<string, object?[]> ReadWithDuckDb(string path)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}')";
        using var reader = command.ExecuteReader();
        var columns = new List<object?>[reader.FieldCount];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = new List<object?>();
        }
        while (reader.Read())
        {
            for (var c = 0; c < columns.Length; c++)
            {
                columns[c].Add(reader.IsDBNull(c) ? null : reader.GetValue(c));
            }
        }
        var result = new Dictionary<string, object?[]>(columns.Length);
        for (var c = 0; c < columns.Length; c++)
        {
            result.Add(reader.GetName(c), columns[c].ToArray());
        }
        return result;
    }

    /// <summary>Result of a scalar DuckDB query over the file, with <c>{file}</c> in <paramref name="sql"/> replaced by <c>read_parquet('path')</c>.</summary>
    public static object? QueryDuckDbScalar(string path, string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql.Replace("{file}", $"read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}')", StringComparison.Ordinal);
        return command.ExecuteScalar();
    }

    /// <summary>Reads one column chunk with its natural element type, whatever that is, and boxes the values.</summary>
    private sealed class BoxingVisitor(int rows) : ILogicalColumnReaderVisitor<object?[]>
    {
        public object?[] OnLogicalColumnReader<TValue>(LogicalColumnReader<TValue> columnReader)
        {
            var values = columnReader.ReadAll(rows);
            var boxed = new object?[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                boxed[i] = values[i];
            }
            return boxed;
        }
    }
}
