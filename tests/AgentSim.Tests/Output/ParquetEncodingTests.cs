using AgentSim.Output;
using Parquet;
using ParquetSharp;

namespace AgentSim.Tests.Output;

/// <summary>
/// Category columns (codes in memory, written through Parquet.Net as dictionary-encoded UTF-8 strings) beside the other
/// kinds, over several row groups, read back by Apache Arrow (ParquetSharp, the reader pyarrow and pandas use), DuckDB
/// and Parquet.Net; and the footer's types, codecs, encodings and statistics.
/// </summary>
public sealed class ParquetEncodingTests : IDisposable
{
    private static readonly string[] Names = ["Beijing", "", "Nei Mongol · 内蒙古", "emoji 🙂", "Xinjiang"];

    private static readonly TableSchema Schema = new("encodings",
    [
        new ColumnSpec("category", ColumnKind.Category, "", "A name from a list") { Categories = Names },
        new ColumnSpec("small", ColumnKind.Int32, "", "Values in [-3, 40]"),
        new ColumnSpec("constant", ColumnKind.Int32, "", "Always 17"),
        new ColumnSpec("wide", ColumnKind.Int32, "", "Values spread over the int range"),
        new ColumnSpec("value", ColumnKind.Double, "", "A real value"),
        new ColumnSpec("flag", ColumnKind.Bool, "", "A flag"),
    ]);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static int Category(int row) => (int)((uint)(row * 2654435761u) >> 7) % Names.Length;

    private static int Small(int row) => row % 44 - 3;

    private static int Wide(int row) => unchecked(row * 1_000_003 * 977);

    private static double Value(int row) => row == 5 ? -0.0 : Math.Cos(row) * 1e5;

    private static bool Flag(int row) => row % 7 < 3;

    private static void Fill(TableBuffer buffer, int from, int to)
    {
        var (category, small, constant, wide, value, flag) = (buffer.Categories("category"), buffer.Ints("small"),
            buffer.Ints("constant"), buffer.Ints("wide"), buffer.Doubles("value"), buffer.Bools("flag"));
        for (var row = from; row < to; row++)
        {
            category.Add(Category(row));
            small.Add(Small(row));
            constant.Add(17);
            wide.Add(Wide(row));
            value.Add(Value(row));
            flag.Add(Flag(row));
        }
    }

    [Fact]
    public async Task Categories_OverSeveralRowGroups_ReadBackAsStrings_InEveryReader()
    {
        // 300,003 rows in row groups of 280,000 and 20,003.
        const int Rows = 300_003;
        var path = _dir.File("encodings.parquet");
        var buffer = new TableBuffer(Schema, initialCapacity: 0);
        await using (var writer = await ParquetTableWriter.CreateAsync(path, Schema))
        {
            Fill(buffer, 0, 280_000);
            await writer.WriteRowGroupAsync(buffer);
            Fill(buffer, 280_000, Rows);
            await writer.WriteRowGroupAsync(buffer);
            await writer.CompleteAsync();
        }

        var expected = new Dictionary<string, object?[]>
        {
            ["category"] = Enumerable.Range(0, Rows).Select(r => (object?)Names[Category(r)]).ToArray(),
            ["small"] = Enumerable.Range(0, Rows).Select(r => (object?)Small(r)).ToArray(),
            ["constant"] = Enumerable.Range(0, Rows).Select(_ => (object?)17).ToArray(),
            ["wide"] = Enumerable.Range(0, Rows).Select(r => (object?)Wide(r)).ToArray(),
            ["value"] = Enumerable.Range(0, Rows).Select(r => (object?)Value(r)).ToArray(),
            ["flag"] = Enumerable.Range(0, Rows).Select(r => (object?)Flag(r)).ToArray(),
        };
        TestTables.AssertSameTable(expected, ParquetReadBack.ReadWithParquetSharp(path));
        TestTables.AssertSameTable(expected, ParquetReadBack.ReadWithDuckDb(path));
        Assert.Equal("VARCHAR,INTEGER,INTEGER", ParquetReadBack.QueryDuckDbScalar(path,
            "SELECT typeof(category) || ',' || typeof(small) || ',' || typeof(constant) FROM {file} LIMIT 1"));
        Assert.Equal((long)Enumerable.Range(0, Rows).Count(r => Category(r) == 2), ParquetReadBack.QueryDuckDbScalar(path,
            "SELECT count(*) FROM {file} WHERE category = 'Nei Mongol · 内蒙古'"));

        // Parquet.Net (the reader the checkpoint joins and the analysis code use).
        await using (var stream = File.OpenRead(path))
        await using (var reader = await ParquetReader.CreateAsync(stream))
        {
            var fields = reader.Schema.GetDataFields();
            var names = new List<string?>();
            var small = new List<int>();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var rowGroup = reader.OpenRowGroupReader(g);
                var rows = checked((int)rowGroup.RowCount);
                var strings = new string?[rows];
                await rowGroup.ReadAsync(fields[0], strings.AsMemory());
                names.AddRange(strings);
                var ints = new int[rows];
                await rowGroup.ReadAsync(fields[1], ints.AsMemory());
                small.AddRange(ints);
            }
            Assert.Equal(expected["category"], names.Cast<object?>());
            Assert.Equal(expected["small"], small.Cast<object?>());
        }

        // The footer: types, codecs, encodings and statistics. Only the category column is dictionary-encoded (Parquet.Net
        // marks its pages PLAIN_DICTIONARY, the Parquet 1.0 name every reader accepts).
        var columns = ParquetReadBack.Columns(path);
        Assert.Equal(PhysicalType.ByteArray, columns[0].Physical);
        Assert.Equal(LogicalTypeEnum.String, columns[0].Logical);
        Assert.True(columns[0].Required);
        using var file = new ParquetFileReader(path);
        for (var g = 0; g < 2; g++)
        {
            using var rowGroup = file.RowGroup(g);
            for (var c = 0; c < rowGroup.MetaData.NumColumns; c++)
            {
                using var chunk = rowGroup.MetaData.GetColumnChunkMetaData(c);
                Assert.Equal(ParquetTableWriterTests.Codec, chunk.Compression);
                Assert.Equal(c == 0, chunk.Encodings.Contains(Encoding.PlainDictionary) || chunk.Encodings.Contains(Encoding.RleDictionary));
            }
        }
        using var group = file.RowGroup(0);
        using (var small = group.MetaData.GetColumnChunkMetaData(1))
        {
            var stats = (Statistics<int>)small.Statistics!;
            Assert.Equal(-3, stats.Min);
            Assert.Equal(40, stats.Max);
            Assert.Equal(0, stats.NullCount);
        }
        using (var value = group.MetaData.GetColumnChunkMetaData(4))
        {
            var stats = (Statistics<double>)value.Statistics!;
            Assert.Equal(Enumerable.Range(0, 280_000).Min(Value), stats.Min);
            Assert.Equal(Enumerable.Range(0, 280_000).Max(Value), stats.Max);
        }
        file.Close();
    }

    [Fact]
    public async Task CategoryCodeOutsideTheList_IsRejected_AndLeavesNoFile()
    {
        var path = _dir.File("bad.parquet");
        var buffer = new TableBuffer(Schema, initialCapacity: 0);
        Fill(buffer, 0, 100);
        buffer.Categories("category").Add(Names.Length);
        foreach (var column in buffer.Columns.Skip(1))
        {
            switch (column)
            {
                case ColumnBuffer<int> ints: ints.Add(0); break;
                case ColumnBuffer<double> doubles: doubles.Add(0); break;
                case ColumnBuffer<bool> bools: bools.Add(false); break;
            }
        }
        await using (var writer = await ParquetTableWriter.CreateAsync(path, Schema))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteRowGroupAsync(buffer));
            Assert.Contains("'category' has code 5 at row 100", error.Message, StringComparison.Ordinal);
        }
        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public void SchemasWithOtherCategories_DoNotShareALayout()
    {
        TableSchema With(params string[] names) => new("t", [new ColumnSpec("c", ColumnKind.Category, "", "") { Categories = names }]);
        Assert.True(With("a", "b").HasSameLayout(With("a", "b")));
        Assert.False(With("a", "b").HasSameLayout(With("b", "a")));
        Assert.Equal("string", TableSchema.KindName(ColumnKind.Category));
    }
}
